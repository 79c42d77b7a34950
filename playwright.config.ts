import path from 'node:path';
import { defineConfig, type PlaywrightTestConfig, type ReporterDescription } from '@playwright/test';
import { reportEnvironment } from './src/report/environment.ts';
import { reportPaths } from './src/report/paths.ts';
import { loadSuite } from './src/run/suite.ts';

// Wiring only: the profile decides the target; src/ holds the machinery. A broken profile or scenario
// file stops the run here, before the embedded mock starts or anything is sent.
const { profile } = loadSuite();
const reports = reportPaths();
// Node reads NODE_EXTRA_CA_CERTS when a process starts: set here, it reaches every worker process.
if (profile.tls.caCert) process.env.NODE_EXTRA_CA_CERTS = path.resolve(profile.tls.caCert);

// Reports: ours first (header, run record, JUnit; it keeps Playwright's error-context prompt out of the
// others), the console (failures are told by the conformance summary, with expected/received), Playwright's
// JSON and HTML, and Allure results (the conformance CLI turns them into the Allure 3 report, with
// categories, history and quality gate).
const reporter: ReporterDescription[] = [
  [path.join(import.meta.dirname, 'src', 'report', 'run-reporter.ts')],
  [process.env.CI ? 'dot' : 'list', { omitFailures: true }],
  ['json', { outputFile: reports.json }],
  ['html', { outputFolder: reports.html, open: 'never' }],
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
    command: `node --import tsx mock/cli.ts --port ${new URL(profile.baseUrl).port || 80} --host 127.0.0.1`,
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
  workers: profile.workers,
  // Generous next to the time budget: a scenario is one request plus its checks.
  timeout: profile.timeBudgetMs + 30_000,
  reporter,
  webServer: mockServer(),
});
