import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/paths.ts';
import { expect, test } from '../support/test.ts';

// The benchmark is a tool, not a test of speed: with a tiny N this only proves that it runs end to end —
// the suite as a user runs it, the plain-Playwright baseline — and reports every figure it promises.
test('npm run bench measures the suite against plain Playwright and reports every figure', async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-bench-test-')), 'bench.json');
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/bench/bench.ts', '--n', '4', '--small', '2', '--runs', '1', '--out', out],
      {
        cwd: projectRoot,
        env: { ...process.env, OICP_SETTINGS_FILE: 'none' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
    });
    child.stderr.on('data', (chunk) => {
      text += chunk;
    });
    child.on('close', (exit) => resolve({ code: exit, output: text }));
  });
  expect(code, output).toBe(0);
  expect(output).toContain('| suite |');
  expect(output).toContain('| baseline |');
  expect(output).toMatch(/suite \/ plain Playwright: whole run \d+\.\d+×, marginal -?\d+\.\d+×/);
  const written = JSON.parse(fs.readFileSync(out, 'utf8')) as {
    n: number;
    summary: Record<string, Record<string, number>>;
  };
  expect(written.n).toBe(4);
  for (const figure of ['wallMs', 'marginalMsPerScenario', 'fixedMs', 'peakRssMB', 'largestProcessMB'])
    expect(written.summary.suite?.[figure], figure).toEqual(expect.any(Number));
  for (const figure of ['afterLastTestMs', 'reportKBPerScenario'])
    expect(written.summary.suite?.[figure], figure).toBeGreaterThan(0);
  expect(written.summary.baseline?.wallMs).toBeGreaterThan(0);
});
