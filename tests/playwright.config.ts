import path from 'node:path';
import { defineConfig } from '@playwright/test';

// The suite's own tests (unit, mock, mutation): never part of a conformance run.
const reportsDir = path.resolve(import.meta.dirname, '..', 'reports', 'self-tests');

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.test.ts',
  fullyParallel: true,
  // Both cores: the mutation and end-to-end tests spend their time in child conformance runs.
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: path.join(reportsDir, 'results.json') }]],
  outputDir: path.join(reportsDir, 'test-output'),
  globalSetup: path.join(import.meta.dirname, 'global-setup.ts'),
  globalTeardown: path.join(import.meta.dirname, 'global-teardown.ts'),
  // Mutation and end-to-end tests drive whole conformance runs as child processes.
  timeout: 120_000,
});
