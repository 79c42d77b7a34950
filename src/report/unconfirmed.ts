import { stripVTControlCharacters } from 'node:util';
import type { ScenarioRun } from './run-results.ts';

/** The category's words, shared by the console summary and the Allure report (allurerc.mjs). */
export const UNCONFIRMED_TITLE = 'Expectation not confirmed by this target';

const oneLine = (text: string, limit = 200) => {
  const line = stripVTControlCharacters(text).replace(/\s+/g, ' ').trim();
  return line.length > limit ? `${line.slice(0, limit - 1)}…` : line;
};

/**
 * One console line per expectation a target did not confirm (observed Hubject behaviour or an assumption, not
 * an OICP rule): scenario id, expectation key and basis, expected and received. They never fail the run.
 */
export function unconfirmedLines(runs: readonly ScenarioRun[]): string[] {
  return runs.flatMap((run) =>
    (run.verdicts?.unconfirmed ?? []).map(
      (u) =>
        `  ? ${run.id} · ${u.expectation} (${u.basis}): expected ${oneLine(u.expected)}, received ${oneLine(u.received)}`,
    ),
  );
}

/** The block of the console summary, empty when every expectation was confirmed. */
export function formatUnconfirmed(lines: readonly string[]): string[] {
  if (lines.length === 0) return [];
  return [
    `${UNCONFIRMED_TITLE} (observed Hubject behaviour or assumptions, not OICP rules; they do not fail the run):`,
    ...lines,
    '',
  ];
}
