import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../input/errors.ts';
import { reportsDir } from '../paths.ts';

/**
 * Where a conformance run writes its results (all generated, all git-ignored). OICP_REPORTS_DIR moves them.
 *
 * The Allure history is the one file that must outlive a run: allure-results and allure-report are
 * replaced every time, the history file is appended to. OICP_ALLURE_HISTORY puts it elsewhere (e.g. a
 * folder a CI cache restores), relative paths being taken from the working directory.
 */
export function reportPaths(env: Record<string, string | undefined> = process.env) {
  const root = env.OICP_REPORTS_DIR ? path.resolve(env.OICP_REPORTS_DIR) : reportsDir;
  const history = env.OICP_ALLURE_HISTORY?.trim();
  return {
    root,
    allureResults: path.join(root, 'allure-results'),
    allureReport: path.join(root, 'allure-report'),
    allureHistory: history ? path.resolve(history) : path.join(root, 'history', 'allure-history.jsonl'),
    junit: path.join(root, 'junit.xml'),
    json: path.join(root, 'results.json'),
    html: path.join(root, 'html'),
    testOutput: path.join(root, 'test-output'),
    screenshots: path.join(root, 'screenshots'),
    /** State the workers of one run share (the fail-fast record); replaced by every run. */
    runState: path.join(root, '.run-state'),
    runRecord: path.join(root, 'run.json'),
    coverageMarkdown: path.join(root, 'coverage.md'),
    coverageJson: path.join(root, 'coverage.json'),
    /** The run-level checks' verdicts (src/run/run-checks.ts). */
    runChecks: path.join(root, 'run-checks.json'),
    /** Every exchange of the run, one JSON line per scenario (docs/exchanges.md). */
    exchangeLog: path.join(root, 'exchanges.jsonl'),
    /** The expectations the target did not confirm, with a block of overrides for the profile. */
    calibrationMarkdown: path.join(root, 'calibration.md'),
    calibrationJson: path.join(root, 'calibration.json'),
    /** The comparison with an earlier run (OICP_COMPARE_WITH), or the last `npm run compare` into this folder. */
    driftMarkdown: path.join(root, 'drift.md'),
    driftJson: path.join(root, 'drift.json'),
  };
}

export type ReportPaths = ReturnType<typeof reportPaths>;

/** Playwright's own report formats a run adds on request: `OICP_PLAYWRIGHT_REPORTS=json,html`. */
export const PLAYWRIGHT_REPORTS = ['json', 'html'] as const;

/**
 * Which of Playwright's own reports to write besides the Allure report and JUnit. They repeat the Allure
 * evidence in other formats, so they cost time and disk on every scenario: none unless asked for. An
 * unknown name is a configuration error.
 */
export function playwrightReports(env: Record<string, string | undefined> = process.env): Set<string> {
  const names = (env.OICP_PLAYWRIGHT_REPORTS ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((name) => !(PLAYWRIGHT_REPORTS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new InputError('Invalid configuration; nothing was sent', [
      {
        file: 'OICP_PLAYWRIGHT_REPORTS',
        field: 'OICP_PLAYWRIGHT_REPORTS',
        message: `'${unknown.join(', ')}' is not one of ${PLAYWRIGHT_REPORTS.join(', ')}`,
      },
    ]);
  }
  return new Set(names);
}

/**
 * Everything a run writes into the reports folder, i.e. everything an earlier run left there that could be
 * mistaken for this run's: removed when a run starts, and when it stops on a configuration error. Never the
 * history (it is meant to outlive runs) and nothing else in the folder (OICP_REPORTS_DIR may name a folder
 * that holds other things).
 */
export function runOutputs(reports: ReportPaths): string[] {
  return [
    reports.allureResults,
    reports.allureReport,
    reports.junit,
    reports.json,
    reports.html,
    reports.testOutput,
    reports.screenshots,
    reports.runRecord,
    reports.coverageMarkdown,
    reports.coverageJson,
    reports.runState,
    reports.runChecks,
    reports.exchangeLog,
    reports.calibrationMarkdown,
    reports.calibrationJson,
    reports.driftMarkdown,
    reports.driftJson,
  ];
}

export function removeRunOutputs(reports: ReportPaths): void {
  for (const output of runOutputs(reports)) fs.rmSync(output, { recursive: true, force: true });
}

/**
 * Removes the empty folders under `dir` (Playwright makes one per test for output a scenario never
 * writes): a thousand empty folders cost disk blocks and clutter an archived report.
 */
export function removeEmptyFolders(dir: string): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const full = path.join(dir, entry.name);
    removeEmptyFolders(full);
    if (fs.readdirSync(full).length === 0) fs.rmdirSync(full);
  }
}
