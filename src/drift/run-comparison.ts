import { COMPARE_WITH } from '../config/earlier-runs.ts';
import { readExchangeLog } from '../exchange/log-file.ts';
import { attachToAllureRun } from '../report/allure-run-attachment.ts';
import type { ReportPaths } from '../report/paths.ts';
import { schemaRegistry } from '../schemas/registry.ts';
import { compareRuns, type Drift, keyedByScenario } from './compare.ts';
import { driftConsole, writeDrift } from './report.ts';

type Env = Record<string, string | undefined>;

/**
 * Compares two exchange logs (each a reports folder or a log file) and writes drift.md and drift.json to
 * `files`; returns the comparison and the console lines.
 */
export function compareExchangeLogs(
  a: string,
  b: string,
  files: { markdown: string; json: string },
  options: { width?: number; labels?: [string, string] } = {},
): { drift: Drift; markdown: string; lines: string[] } {
  const registry = schemaRegistry();
  const logA = readExchangeLog(a, registry, `exchange log of run A`);
  const logB = readExchangeLog(b, registry, `exchange log of run B`);
  const drift = compareRuns(
    { file: options.labels?.[0] ?? logA.file, records: logA.records },
    { file: options.labels?.[1] ?? logB.file, records: logB.records },
  );
  const markdown = writeDrift(
    drift,
    { a: keyedByScenario(logA.records), b: keyedByScenario(logB.records) },
    files,
  );
  return { drift, markdown, lines: driftConsole(drift, files.markdown, options.width ?? 200) };
}

/**
 * After a run: with OICP_COMPARE_WITH set, compares the earlier run (A) with this one (B), writes drift.md and
 * drift.json into this run's reports folder and attaches the table to this run's Allure report. Returns the
 * console lines (none when the setting is absent); a log that cannot be read is said, never fatal.
 */
export function compareWithEarlierRun(reports: ReportPaths, env: Env = process.env, width = 200): string[] {
  const earlier = env[COMPARE_WITH]?.trim();
  if (!earlier) return [];
  try {
    const { markdown, lines } = compareExchangeLogs(
      earlier,
      reports.root,
      { markdown: reports.driftMarkdown, json: reports.driftJson },
      { width },
    );
    attachToAllureRun(reports.allureResults, 'Drift from the earlier run', markdown);
    return ['', ...lines];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return ['', `Drift: the comparison with ${earlier} (${COMPARE_WITH}) could not be made: ${message}`];
  }
}
