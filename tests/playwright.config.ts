import path from 'node:path';
import { defineConfig } from '@playwright/test';

// The suite's own tests (unit, mock, mutation): never part of a conformance run.
const reportsDir = path.resolve(import.meta.dirname, '..', 'reports', 'self-tests');

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.test.ts',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: path.join(reportsDir, 'results.json') }]],
  outputDir: path.join(reportsDir, 'test-output'),
});
