import path from 'node:path';
import { defineConfig } from '@playwright/test';

// The plain-Playwright baseline of `npm run bench`: 2 workers, the dot reporter, the embedded mock on the
// port the benchmark chose.
const port = process.env.BENCH_PORT as string;

export default defineConfig({
  testDir: import.meta.dirname,
  testMatch: 'baseline.spec.ts',
  outputDir: path.join(process.env.BENCH_OUTPUT ?? '/tmp', 'baseline-output'),
  fullyParallel: true,
  workers: 2,
  reporter: 'dot',
  webServer: {
    command: `node --import tsx mock/cli.ts --port ${port} --host 127.0.0.1`,
    cwd: path.join(import.meta.dirname, '..', '..'),
    url: `http://127.0.0.1:${port}/health`,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
