import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startMock } from '../../mock/server.ts';
import { LOCK_FILE } from '../../src/report/reports-lock.ts';
import { runConformance } from '../support/conformance-run.ts';

// One run, one reports folder: a second run into a folder a live run holds is refused; a stale lock is
// taken over; a run stopped by a configuration error leaves nothing that reads as a report of its own.
const RFID_FILE = 'tests/fixtures/scenarios/rfid.yaml';

const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a second run into a folder a live run holds is refused at once (exit 2), and the first run completes intact', async () => {
  // Each answer takes 1.5 s: the first run is still sending when the second one starts.
  const mock = await startMock({ port: 0, fault: 'slow-answer', slowDelayMs: 1_500 });
  const reportsDir = tempDir('oicp-shared-');
  try {
    const first = runConformance({
      OICP_BASE_URL: mock.url,
      OICP_SCENARIOS: RFID_FILE,
      OICP_REPORTS_DIR: reportsDir,
    });
    await waitFor(() => mock.requestCount() >= 1, 60_000);
    const second = await runConformance({
      OICP_BASE_URL: mock.url,
      OICP_SCENARIOS: RFID_FILE,
      OICP_REPORTS_DIR: reportsDir,
    });
    expect(second.exitCode, second.stdout + second.stderr).toBe(2);
    expect(second.stderr).toContain(`The reports folder ${reportsDir} is in use by another conformance run`);
    expect(second.stderr).toContain('OICP_REPORTS_DIR=');
    expect(second.stderr).toContain('Nothing was sent.');
    expect(second.stdout).not.toMatch(/passed|failed/);

    const done = await first;
    expect(done.exitCode, done.stdout + done.stderr).toBe(0);
    // The refused run sent nothing: the mock saw the first run's three scenarios only.
    expect(mock.requestCount()).toBe(3);
    expect(done.stdout).toContain('3 passed, 0 failed');
    expect(done.record?.scenarios.map((s) => s.status)).toEqual(['passed', 'passed', 'passed']);
    expect(fs.existsSync(path.join(reportsDir, 'allure-report', 'index.html'))).toBe(true);
    expect(fs.readFileSync(path.join(reportsDir, 'junit.xml'), 'utf8')).toContain('tests="3"');
    const results = fs
      .readdirSync(path.join(reportsDir, 'allure-results'))
      .filter((f) => f.endsWith('-result.json'));
    // The three scenarios and the run-level checks.
    expect(results).toHaveLength(4);
    // The folder is free again.
    expect(fs.existsSync(path.join(reportsDir, LOCK_FILE))).toBe(false);
  } finally {
    await mock.close();
  }
});

test('a stale lock of a run that died is taken over', async () => {
  const mock = await startMock({ port: 0 });
  const reportsDir = tempDir('oicp-stale-');
  const { spawnSync } = await import('node:child_process');
  const deadPid = Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout,
  );
  fs.writeFileSync(
    path.join(reportsDir, LOCK_FILE),
    JSON.stringify({ pid: deadPid, host: os.hostname(), startedAt: '2026-01-01T00:00:00Z', token: 'dead' }),
  );
  try {
    const run = await runConformance(
      { OICP_BASE_URL: mock.url, OICP_SCENARIOS: RFID_FILE, OICP_REPORTS_DIR: reportsDir },
      { recordOnly: true },
    );
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(mock.requestCount()).toBe(3);
    expect(fs.existsSync(path.join(reportsDir, LOCK_FILE))).toBe(false);
  } finally {
    await mock.close();
  }
});

test("a run stopped by a configuration error leaves none of the previous run's reports, and prints no results", async () => {
  const mock = await startMock({ port: 0 });
  const reportsDir = tempDir('oicp-stopped-');
  const history = path.join(reportsDir, 'history', 'allure-history.jsonl');
  try {
    const good = await runConformance({
      OICP_BASE_URL: mock.url,
      OICP_SCENARIOS: RFID_FILE,
      OICP_REPORTS_DIR: reportsDir,
      // Every output a run can write, Playwright's own reports included.
      OICP_PLAYWRIGHT_REPORTS: 'json,html',
    });
    expect(good.exitCode, good.stdout + good.stderr).toBe(0);
    for (const output of ['allure-report', 'allure-results', 'junit.xml', 'run.json', 'coverage.md', 'html'])
      expect(fs.existsSync(path.join(reportsDir, output)), output).toBe(true);
    fs.writeFileSync(path.join(reportsDir, 'my-notes.txt'), 'kept');

    const broken = path.join(tempDir('oicp-broken-'), 'broken.yaml');
    fs.writeFileSync(
      broken,
      fs.readFileSync(RFID_FILE, 'utf8').replace('severity: critical', 'severity: urgent'),
    );
    const stopped = await runConformance({
      OICP_BASE_URL: mock.url,
      OICP_SCENARIOS: broken,
      OICP_REPORTS_DIR: reportsDir,
    });
    expect(stopped.exitCode).toBe(2);
    expect(stopped.stderr).toContain('Configuration error');
    expect(stopped.stderr).toContain('No report was written');
    expect(stopped.stdout).not.toMatch(/\d+ passed|Quality gate/);
    // Nothing left that could be taken for this run's report; the history and the user's own files stay.
    expect(fs.readdirSync(reportsDir).sort()).toEqual(['history', 'my-notes.txt']);
    expect(fs.readFileSync(history, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(mock.requestCount()).toBe(3);
  } finally {
    await mock.close();
  }
});
