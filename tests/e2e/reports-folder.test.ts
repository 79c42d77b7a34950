import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunningMock, startMock } from '../../mock/server.ts';
import { MARKER_FILE, OUTPUTS_FILE } from '../../src/reports-folder/paths.ts';
import { LOCK_FILE } from '../../src/reports-folder/reports-lock.ts';
import { type ConformanceRun, runConformance } from '../support/conformance-run.ts';
import { brokenScenarios, RFID_FILE, tempDir } from '../support/scenario-files.ts';
import { expect, test } from '../support/test.ts';

// One run, one reports folder: a second run into a folder a live run holds is refused; a stale lock is
// taken over; a run stopped by a configuration error leaves nothing that reads as a report of its own. Every
// run is the conformance command in this process (Playwright its child process), against a mock in this
// process. A folder that is not the suite's (the home folder, a folder of other files):
// tests/cli/reports-folder.test.ts.
async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// One folder, three runs: the first takes over a stale lock and is still sending (each answer takes 1.5 s) when
// the second starts into the same folder and is refused; after it, a run stopped by a configuration error. The
// tests run in order in one worker, each judging its part.
test.describe('one reports folder, three runs', () => {
  test.describe.configure({ mode: 'default' });
  let mock: RunningMock;
  let shared: Promise<{ first: ConformanceRun; second: ConformanceRun; reportsDir: string }> | undefined;
  const runs = () => {
    shared ??= (async () => {
      mock = await startMock({ port: 0, fault: 'slow-answer', slowDelayMs: 1_500 });
      const reportsDir = tempDir('oicp-shared-');
      // The lock names a process id that runs (this test's), but a process that started long before it: the
      // run that took the lock has died and its process id has been given to another process.
      fs.writeFileSync(
        path.join(reportsDir, LOCK_FILE),
        JSON.stringify({
          pid: process.pid,
          host: os.hostname(),
          startedAt: '2026-01-01T00:00:00Z',
          token: 'dead',
          processStart: '1',
        }),
      );
      const first = runConformance({
        OICP_BASE_URL: mock.url,
        OICP_SCENARIOS: RFID_FILE,
        OICP_REPORTS_DIR: reportsDir,
        // Every output a run can write, Playwright's own reports included.
        OICP_PLAYWRIGHT_REPORTS: 'json,html',
      });
      await waitFor(() => mock.requestCount() >= 1, 60_000);
      const second = await runConformance({
        OICP_BASE_URL: mock.url,
        OICP_SCENARIOS: RFID_FILE,
        OICP_REPORTS_DIR: reportsDir,
      });
      return { first: await first, second, reportsDir };
    })();
    return shared;
  };
  test.afterAll(async () => {
    await mock?.close();
  });

  test('a second run into a folder a live run holds is refused at once (exit 2), and the first run completes intact', async () => {
    const { first: done, second, reportsDir } = await runs();
    expect(second.exitCode, second.stdout + second.stderr).toBe(2);
    expect(second.stderr).toContain(`The reports folder ${reportsDir} is in use by another conformance run`);
    expect(second.stderr).toContain('OICP_REPORTS_DIR=');
    expect(second.stderr).toContain('Nothing was sent.');
    expect(second.stdout).not.toMatch(/passed|failed/);

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
  });

  test('a stale lock of a run that died is taken over, also when its process id is in use again, and the run says so', async () => {
    const { first: run, reportsDir } = await runs();
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(
      `Took over the stale lock ${path.join(reportsDir, LOCK_FILE)} of an earlier run (process ${process.pid} on ${os.hostname()}, started 2026-01-01T00:00:00Z): that process has ended (process id ${process.pid} now belongs to a process started later).`,
    );
    expect(mock.requestCount()).toBe(3);
    expect(fs.existsSync(path.join(reportsDir, LOCK_FILE))).toBe(false);
  });

  test("a run stopped by a configuration error leaves none of the previous run's reports, and prints no results", async () => {
    const { first: good, reportsDir } = await runs();
    const history = path.join(reportsDir, 'history', 'allure-history.jsonl');
    expect(good.exitCode, good.stdout + good.stderr).toBe(0);
    for (const output of ['allure-report', 'allure-results', 'junit.xml', 'run.json', 'coverage.md', 'html'])
      expect(fs.existsSync(path.join(reportsDir, output)), output).toBe(true);
    // The run recorded what it wrote, for the next run to remove.
    const recorded = (
      JSON.parse(fs.readFileSync(path.join(reportsDir, OUTPUTS_FILE), 'utf8')) as {
        outputs: Array<{ name: string }>;
      }
    ).outputs.map((o) => o.name);
    expect(recorded).toEqual(
      expect.arrayContaining(['allure-report', 'allure-results', 'junit.xml', 'run.json', 'html']),
    );
    expect(recorded).not.toContain('screenshots');
    fs.writeFileSync(path.join(reportsDir, 'my-notes.txt'), 'kept');

    const stopped = await runConformance({
      OICP_BASE_URL: mock.url,
      OICP_SCENARIOS: brokenScenarios(),
      OICP_REPORTS_DIR: reportsDir,
    });
    expect(stopped.exitCode).toBe(2);
    expect(stopped.stderr).toContain('Configuration error');
    expect(stopped.stderr).toContain('No report was written');
    expect(stopped.stdout).not.toMatch(/\d+ passed|Quality gate/);
    // Nothing left that could be taken for this run's report; the history and the user's own files stay.
    expect(fs.readdirSync(reportsDir).sort()).toEqual([MARKER_FILE, OUTPUTS_FILE, 'history', 'my-notes.txt']);
    expect(fs.readFileSync(history, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(mock.requestCount()).toBe(3);
  });
});
