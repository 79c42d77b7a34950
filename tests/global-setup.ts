import { clearMutationRows } from './mutation/table.ts';

export default function globalSetup(): void {
  clearMutationRows();
}
