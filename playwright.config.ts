import path from 'node:path';
import { defineConfig, type ReporterDescription } from '@playwright/test';
import { directRunRefusal } from './src/playwright/direct-run.ts';
import { reportEnvironment } from './src/report/environment.ts';
import { playwrightReports, reportPaths } from './src/reports-folder/paths.ts';
import { runDeadlineMs } from './src/run/fail-fast.ts';
import { handleSignalsInPlaywright } from './src/run/interruption.ts';
import { loadSuite } from './src/run/suite.ts';
import { defaultWorkers } from './src/run/workers.ts';

// Wiring only: the profile decides the target; src/ holds the machinery. `npm run conformance` has read the
// settings file, checked the configuration, chosen the embedded mock's port and started the mock (it stops
// it too) before Playwright loads this file — the embedded mock may still be coming up, and the global setup
// waits for it; Playwright's workers load this file as well (TEST_WORKER_INDEX set).
if (!process.env.TEST_WORKER_INDEX) {
  // `npx playwright test` alone would write its results beside an earlier run's reports, with no mock, no
  // Allure report and no summary: refused, before anything runs or is written. The CLI names its run.
  if (!process.env.OICP_RUN_ID) {
    process.stderr.write(directRunRefusal(process.argv));
    process.exit(2);
  }
  // A SIGTERM ends the run the way Ctrl-C does: the scenarios that ran are recorded, the others not.
  handleSignalsInPlaywright();
}
const { profile, scenarios } = loadSuite();
const reports = reportPaths();

// Reports: ours first (header, run record, JUnit; it keeps Playwright's error-context prompt out of the
// others), the console's progress lines (failures are told by the conformance summary, with expected and
// received), and Allure results (allure-playwright, writing without a disk flush per file; the conformance CLI turns them into the Allure 3 report, with categories,
// history and quality gate). Playwright's own JSON and HTML reports repeat the Allure evidence: on request only
// (OICP_PLAYWRIGHT_REPORTS=json,html).
const extraReports = playwrightReports();
const reporter: ReporterDescription[] = [
  [path.join(import.meta.dirname, 'src', 'playwright', 'run-reporter.ts')],
  // One line per scenario, naming its YAML file and line; failures are told once, by the conformance summary.
  [path.join(import.meta.dirname, 'src', 'playwright', 'progress-reporter.ts')],
  ...(extraReports.has('json') ? [['json', { outputFile: reports.json }] as ReporterDescription] : []),
  ...(extraReports.has('html')
    ? [['html', { outputFolder: reports.html, open: 'never' }] as ReporterDescription]
    : []),
  [
    path.join(import.meta.dirname, 'src', 'playwright', 'allure-results-reporter.ts'),
    {
      resultsDir: reports.allureResults,
      detail: false,
      suiteTitle: false,
      environmentInfo: reportEnvironment(profile),
    },
  ],
];

export default defineConfig({
  testDir: path.join(import.meta.dirname, 'specs'),
  outputDir: reports.testOutput,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  // A retry would hide a flaky target; the report must show what happened the first time.
  retries: 0,
  // A profile that must stay gentle (QA) sets its own. Otherwise every core for a large run, fewer for a small
  // one: each worker is a process to start (and Playwright starts a new one after every failed scenario).
  workers: profile.workers ?? defaultWorkers(scenarios.length),
  // Generous next to the time budget: a scenario is one request (or its retries) plus its checks.
  timeout:
    (profile.timeBudgetMs + 1_000) * profile.retry.attempts +
    profile.retry.delayMs * (profile.retry.attempts - 1) +
    30_000,
  // The whole run's deadline, derived from the budget: even a target that answers nothing in a way the
  // fail-fast rule cannot see ends the run in bounded time.
  globalTimeout: runDeadlineMs(profile, scenarios.length),
  // Resets the state the workers share (the fail-fast record) before the first scenario.
  globalSetup: path.join(import.meta.dirname, 'src', 'playwright', 'global-setup.ts'),
  reporter,
});
