import path from 'node:path';
import { defineConfig } from '@playwright/test';

// The suite's own tests (unit, mock, cli, e2e, mutation): never part of a conformance run.
const reportsDir = path.resolve(import.meta.dirname, '..', 'reports', 'self-tests');

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.test.ts',
  // A file's tests run in one worker, in order (a file may opt in to more, mock-vs-qa does): each worker
  // would otherwise load every file and run its top-level code, for tests that take milliseconds each.
  fullyParallel: false,
  // Both cores: the end-to-end tests spend their time in child conformance runs.
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: path.join(reportsDir, 'results.json') }]],
  outputDir: path.join(reportsDir, 'test-output'),
  globalSetup: path.join(import.meta.dirname, 'global-setup.ts'),
  globalTeardown: path.join(import.meta.dirname, 'global-teardown.ts'),
  // End-to-end tests drive whole conformance runs as child processes (a run is killed after 4 minutes,
  // tests/support/conformance-run.ts), some two or three in a row: generous, for a busy machine.
  timeout: 360_000,
});
