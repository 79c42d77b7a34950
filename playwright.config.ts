import os from 'node:os';
import path from 'node:path';
import { defineConfig, type PlaywrightTestConfig, type ReporterDescription } from '@playwright/test';
import { chooseEmbeddedMockPort } from './src/config/embedded-mock.ts';
import { applySettingsFile } from './src/config/settings-file.ts';
import { reportEnvironment } from './src/report/environment.ts';
import { playwrightReports, reportPaths } from './src/report/paths.ts';
import { runDeadlineMs } from './src/run/fail-fast.ts';
import { loadSuite } from './src/run/suite.ts';

// Wiring only: the profile decides the target; src/ holds the machinery. A broken profile or scenario
// file stops the run here, before the embedded mock starts or anything is sent.
// Run directly (npx playwright test), the main process picks the embedded mock's free port; the workers
// inherit it. Through `npm run conformance` the CLI has picked it already.
if (!process.env.TEST_WORKER_INDEX) {
  applySettingsFile();
  if (!process.env.OICP_BASE_URL?.trim()) chooseEmbeddedMockPort();
}
const { profile, scenarios } = loadSuite();
const reports = reportPaths();

// Reports: ours first (header, run record, JUnit; it keeps Playwright's error-context prompt out of the
// others), the console (failures are told by the conformance summary, with expected/received), and Allure
// results (the conformance CLI turns them into the Allure 3 report, with categories, history and quality
// gate). Playwright's own JSON and HTML reports repeat the Allure evidence: on request only
// (OICP_PLAYWRIGHT_REPORTS=json,html).
const extraReports = playwrightReports();
const reporter: ReporterDescription[] = [
  [path.join(import.meta.dirname, 'src', 'report', 'run-reporter.ts')],
  [process.env.CI ? 'dot' : 'list', { omitFailures: true }],
  ...(extraReports.has('json') ? [['json', { outputFile: reports.json }] as ReporterDescription] : []),
  ...(extraReports.has('html')
    ? [['html', { outputFolder: reports.html, open: 'never' }] as ReporterDescription]
    : []),
  [
    'allure-playwright',
    {
      resultsDir: reports.allureResults,
      detail: false,
      suiteTitle: false,
      environmentInfo: reportEnvironment(profile),
    },
  ],
];

/**
 * The mock the run starts and stops: the embedded one (mock profile, no OICP_BASE_URL), or another team's
 * (OICP_MOCK_COMMAND, answering at OICP_BASE_URL). Playwright waits until it is ready.
 */
function mockServer(): PlaywrightTestConfig['webServer'] {
  const timeout = 60_000;
  if (profile.mockCommand) {
    const target = new URL(profile.baseUrl);
    const readyUrl = process.env.OICP_MOCK_READY_URL?.trim();
    // A local mock is ready when its port accepts connections (its root may well answer 404, which
    // Playwright's URL probe would take for "not ready"); a remote one when OICP_MOCK_READY_URL answers.
    const local = /^(localhost|127\.0\.0\.1|\[::1\])$/.test(target.hostname) && !readyUrl;
    return {
      command: profile.mockCommand,
      ...(local
        ? { port: Number(target.port || (target.protocol === 'https:' ? 443 : 80)) }
        : { url: readyUrl ?? profile.baseUrl }),
      reuseExistingServer: false,
      ignoreHTTPSErrors: profile.tls.insecure,
      timeout,
      stdout: 'ignore',
      stderr: 'pipe',
    };
  }
  if (!profile.startEmbeddedMock) return undefined;
  return {
    // The registry the profile took its values from (OICP_MOCK_REGISTRY, else data/mock/registry.yaml).
    command: `node --import tsx mock/cli.ts --port ${new URL(profile.baseUrl).port || 80} --host 127.0.0.1${profile.mockRegistry ? ` --registry ${JSON.stringify(profile.mockRegistry)}` : ''}`,
    cwd: import.meta.dirname,
    url: `${profile.baseUrl}/health`,
    reuseExistingServer: false,
    timeout,
    stdout: 'ignore',
    stderr: 'pipe',
  };
}

export default defineConfig({
  testDir: path.join(import.meta.dirname, 'specs'),
  outputDir: reports.testOutput,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  // A retry would hide a flaky target; the report must show what happened the first time.
  retries: 0,
  // A profile that must stay gentle (QA) sets its own. Otherwise every core for a large run, fewer for a small
  // one: each worker is a process to start (and Playwright starts a new one after every failed scenario).
  workers:
    profile.workers ?? Math.max(1, Math.min(os.availableParallelism(), Math.ceil(scenarios.length / 16))),
  // Generous next to the time budget: a scenario is one request (or its retries) plus its checks.
  timeout:
    (profile.timeBudgetMs + 1_000) * profile.retry.attempts +
    profile.retry.delayMs * (profile.retry.attempts - 1) +
    30_000,
  // The whole run's deadline, derived from the budget: even a target that answers nothing in a way the
  // fail-fast rule cannot see ends the run in bounded time.
  globalTimeout: runDeadlineMs(profile, scenarios.length),
  // Resets the state the workers share (the fail-fast record) before the first scenario.
  globalSetup: path.join(import.meta.dirname, 'src', 'run', 'global-setup.ts'),
  reporter,
  webServer: mockServer(),
});
