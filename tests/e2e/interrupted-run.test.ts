import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/paths.ts';
import { readRunRecord } from '../../src/record/run-record.ts';
import { freePort, isListening } from '../support/listen.ts';
import { expect, test } from '../support/test.ts';

// Four scenarios, one worker: the holding mock answers two, holds the third; the fourth never starts.
const SCENARIOS = 'tests/fixtures/scenarios/interrupted.yaml';
const ANSWERED = 2;

/** Gone, or a zombie nobody has reaped yet: either way it runs no more. */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** Waits for a condition the run makes true (a file line, a request), checking every 50 ms; no fixed sleep. */
async function until(what: string, condition: () => boolean, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!condition()) {
    if (exited()) throw new Error(`the run ended before ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function lines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** `npm run conformance` as a child process, its own reports folder, the test's own settings only. */
function startConformance(env: Record<string, string>, args: string[]): ChildProcess {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env, OICP_SETTINGS_FILE: 'none' };
  for (const key of Object.keys(childEnv))
    if (key.startsWith('TEST_') || key.startsWith('PW_')) delete childEnv[key];
  for (const key of ['OICP_MOCK_PORT', 'OICP_ENV', 'OICP_RUN_ID', 'FORCE_COLOR'])
    if (!(key in env)) delete childEnv[key];
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/conformance.ts', ...args], {
    cwd: projectRoot,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

for (const [signal, code] of [
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const) {
  test(`${signal} during the scenarios: the external mock stops, what ran is reported as interrupted, exit code ${code}`, async () => {
    const port = await freePort();
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-holding-mock-'));
    const reportsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-run-'));
    const child = startConformance(
      {
        OICP_MOCK_COMMAND: `node --import tsx tests/support/holding-mock.ts --port ${port} --answer ${ANSWERED} --dir ${state}`,
        OICP_BASE_URL: `http://127.0.0.1:${port}`,
        OICP_SCENARIOS: SCENARIOS,
        OICP_REPORTS_DIR: reportsDir,
        // The held request must still be waiting when the signal comes, however slow the machine.
        OICP_TIME_BUDGET_MS: '120000',
      },
      ['--workers', '1'],
    );
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    let exited = false;
    void closed.then(() => {
      exited = true;
    });
    try {
      // Two scenarios answered, the third one's request is held at the mock: the run is in the middle.
      await until(
        `request ${ANSWERED + 1} at the mock`,
        () => lines(path.join(state, 'requests')).length > ANSWERED,
        () => exited,
      );
      const mockPid = Number(fs.readFileSync(path.join(state, 'pid'), 'utf8'));
      child.kill(signal);
      const exitCode = await closed;
      expect(exitCode, output).toBe(code);

      // The mock and everything of the run have stopped: its port is free, its process gone.
      expect(await isListening(port)).toBe(false);
      expect(processGone(mockPid)).toBe(true);

      // What ran is recorded, marked interrupted; the scenario stopped midway is named, not judged.
      const record = readRunRecord(reportsDir);
      expect(record, output).toBeDefined();
      expect(record?.status).toBe('interrupted');
      expect(record?.interruptedBy).toBe(signal);
      const ran = record?.scenarios.length ?? 0;
      expect(ran).toBeGreaterThan(0);
      expect(record?.unfinished).toHaveLength(1);
      expect(record?.planned).toBe(4);
      expect(output).toContain(`interrupted by ${signal}: ${ran} of 4 scenarios ran`);
      expect(output).not.toContain('No results of this run');
      expect(output).not.toMatch(/already used|reuseExistingServer/);

      // JUnit and the Allure report hold the scenarios that ran, and the report says it was interrupted.
      expect(fs.readFileSync(path.join(reportsDir, 'junit.xml'), 'utf8')).toContain(`tests="${ran}"`);
      expect(fs.existsSync(path.join(reportsDir, 'allure-report', 'index.html'))).toBe(true);
      const results = path.join(reportsDir, 'allure-results');
      const scenarioResults = fs
        .readdirSync(results)
        .filter((file) => file.endsWith('-result.json'))
        .map((file) => JSON.parse(fs.readFileSync(path.join(results, file), 'utf8')) as { name: string })
        .filter((result) => /\]$/.test(result.name));
      expect(scenarioResults).toHaveLength(ran);
      expect(fs.readFileSync(path.join(results, 'environment.properties'), 'utf8')).toContain(
        `interrupted by ${signal}: ${ran} of 4 scenarios ran`,
      );
    } finally {
      if (!exited) child.kill('SIGKILL');
      const pidFile = path.join(state, 'pid');
      if (fs.existsSync(pidFile)) {
        const pid = Number(fs.readFileSync(pidFile, 'utf8'));
        if (!processGone(pid)) process.kill(pid, 'SIGKILL');
      }
    }
  });
}
