import { clearMutationRows } from './mutation/table.ts';
import { provideTestPki } from './support/pki.ts';

/** Clears the mutation table and makes the one throwaway PKI the tests read; the returned function removes it. */
export default async function globalSetup(): Promise<() => void> {
  clearMutationRows();
  return await provideTestPki();
}
