import fs from 'node:fs';
import path from 'node:path';
import { reportsDir } from '../../src/paths.ts';

/** Each mutation test leaves its row here; the self-test run prints them as one table at the end. */
export const MUTATION_ROWS_DIR = path.join(reportsDir, 'self-tests', 'mutation');

export interface MutationRow {
  fault: string;
  expectedCheck: string;
  verdict: string;
  failedChecks: string[];
  ms: number;
}

export function clearMutationRows(): void {
  fs.rmSync(MUTATION_ROWS_DIR, { recursive: true, force: true });
}

export function mutationTable(): string | undefined {
  if (!fs.existsSync(MUTATION_ROWS_DIR)) return undefined;
  const rows = fs
    .readdirSync(MUTATION_ROWS_DIR)
    .map((file) => JSON.parse(fs.readFileSync(path.join(MUTATION_ROWS_DIR, file), 'utf8')) as MutationRow)
    .sort((a, b) => (a.fault === '(none)' ? -1 : b.fault === '(none)' ? 1 : a.fault.localeCompare(b.fault)));
  if (rows.length === 0) return undefined;
  const header = ['fault mode', 'expected check', 'verdict', 'checks that fired', 'ms'];
  const cells = rows.map((r) => [
    r.fault,
    r.expectedCheck,
    r.verdict,
    r.failedChecks.join(' ') || '—',
    String(r.ms),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return ['Mutation table', line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join(
    '\n',
  );
}
