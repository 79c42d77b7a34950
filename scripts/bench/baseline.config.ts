import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { defaultWorkers } from '../../src/run/workers.ts';

// The plain-Playwright baseline of `npm run bench`: as many workers as the suite's run of the same exchanges,
// the dot reporter, the embedded mock on the port the benchmark chose.
const port = process.env.BENCH_PORT as string;
const exchanges = (JSON.parse(fs.readFileSync(process.env.BENCH_EXCHANGES as string, 'utf8')) as unknown[])
  .length;

export default defineConfig({
  testDir: import.meta.dirname,
  testMatch: 'baseline.spec.ts',
  outputDir: path.join(process.env.BENCH_OUTPUT ?? '/tmp', 'baseline-output'),
  fullyParallel: true,
  workers: defaultWorkers(exchanges),
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
