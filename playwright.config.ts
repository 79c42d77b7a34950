import path from 'node:path';
import { defineConfig, type ReporterDescription } from '@playwright/test';
import { reportPaths } from './src/report/paths.ts';
import { loadSuite } from './src/run/suite.ts';

// Wiring only: the profile decides the target; src/ holds the machinery. A broken profile or scenario
// file stops the run here, before the embedded mock starts or anything is sent.
const { profile } = loadSuite();
const reports = reportPaths();
// Node reads NODE_EXTRA_CA_CERTS when a process starts: set here, it reaches every worker process.
if (profile.tls.caCert) process.env.NODE_EXTRA_CA_CERTS = path.resolve(profile.tls.caCert);

const reporter: ReporterDescription[] = [
  [process.env.CI ? 'dot' : 'list'],
  ['junit', { outputFile: reports.junit }],
  ['json', { outputFile: reports.json }],
  ['html', { outputFolder: reports.html, open: 'never' }],
  [
    'allure-playwright',
    {
      resultsDir: reports.allureResults,
      detail: false,
      suiteTitle: false,
      environmentInfo: {
        target: profile.baseUrl,
        profile: profile.name,
        'OICP version': '2.3',
        endpoint: 'eRoamingAuthorizeStart v2.1',
        node: process.version,
      },
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
  workers: profile.workers,
  // Generous next to the time budget: a scenario is one request plus its checks.
  timeout: profile.timeBudgetMs + 30_000,
  reporter,
  webServer: profile.startEmbeddedMock
    ? {
        command: `node --import tsx mock/cli.ts --port ${new URL(profile.baseUrl).port || 80} --host 127.0.0.1`,
        cwd: import.meta.dirname,
        url: `${profile.baseUrl}/health`,
        reuseExistingServer: false,
        timeout: 30_000,
        stdout: 'ignore',
        stderr: 'pipe',
      }
    : undefined,
});
