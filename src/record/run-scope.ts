import { type RunRecord, runTotals } from './run-record.ts';

/**
 * What a run covered, in words a recipient of its report cannot misread: a run of every loaded scenario
 * with none skipped is a full run; anything less — OICP_SCENARIOS, a Playwright filter (--grep, --shard,
 * file arguments), skipped scenarios, an interrupted run — is a selection, and every output says so.
 */
export interface RunScope {
  full: boolean;
  /** Scenarios that ran (passed or failed). */
  ran: number;
  /** Scenarios the run loaded (after OICP_SCENARIOS, before Playwright's filters). */
  loaded: number;
  /** Why it is a selection (empty for a full run). */
  reasons: string[];
}

export function runScope(
  record: Pick<RunRecord, 'loaded' | 'planned' | 'scenarios' | 'scenariosSetting'>,
): RunScope {
  const totals = runTotals(record.scenarios);
  const ran = totals.passed + totals.failed;
  const loaded = record.loaded ?? record.planned;
  const reasons: string[] = [];
  const setting = record.scenariosSetting?.trim();
  if (setting) reasons.push(`OICP_SCENARIOS=${setting}`);
  if (record.planned < loaded)
    reasons.push(`${loaded - record.planned} left out by --grep, --shard or file arguments`);
  if (totals.skipped > 0) reasons.push(`${totals.skipped} skipped`);
  // Planned but never reported: the run ended before them (interrupted, stopped, a crashed worker).
  const unreported = record.planned - record.scenarios.length;
  if (unreported > 0) reasons.push(`${unreported} not run`);
  return { full: reasons.length === 0 && ran === loaded, ran, loaded, reasons };
}

/** `selection: 9 of 135 scenarios (…) — not a full run`, or undefined for a full run. */
export function selectionWords(scope: RunScope): string | undefined {
  if (scope.full) return undefined;
  const why = scope.reasons.length > 0 ? ` (${scope.reasons.join('; ')})` : '';
  return `selection: ${scope.ran} of ${scope.loaded} scenarios ran${why} — not a full run`;
}
