import { mutationTable } from './mutation/table.ts';

/** Prints the mutation table (fault mode, expected check, verdict) after the self-tests. */
export default function globalTeardown(): void {
  const table = mutationTable();
  if (table) console.log(`\n${table}\n`);
}
