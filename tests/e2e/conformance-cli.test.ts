import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/paths.ts';
import { type ConformanceRun, runConformanceProcess, scenarioResults } from '../support/conformance-run.ts';
import { expect, test } from '../support/test.ts';
import { withMock } from '../support/with-mock.ts';

// The real entry point, against in-process mocks on free ports.

const RFID_FILE = 'tests/fixtures/scenarios/rfid.yaml';

// One run of the real entry point, for what it writes and for the settings file it reads: the target is in the
// settings file, the scenarios in the environment. How the file is read is tested in this process
// (tests/unit/settings-file.test.ts), what the command decides with it before Playwright starts in
// tests/cli/settings-file.test.ts.
test.describe('one run of the entry point with a settings file', () => {
  test.describe.configure({ mode: 'default' });
  let shared: Promise<{ run: ConformanceRun; requests: number; settings: string }> | undefined;
  const sharedRun = () => {
    shared ??= withMock({}, async (target) => {
      const settings = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-settings-')), 'qa.env');
      fs.writeFileSync(settings, `OICP_BASE_URL=${target.url}\n`);
      const run = await runConformanceProcess({
        OICP_SETTINGS_FILE: settings,
        OICP_SCENARIOS: RFID_FILE,
        // Left over in a shell: the run sets this for Playwright itself, and only when it starts the embedded mock.
        OICP_RUN_AWAIT_MOCK: 'not a mock',
      });
      return { run, requests: target.requestCount(), settings };
    });
    return shared;
  };

  test('OICP_SCENARIOS=<one file> runs only that file; results, JUnit and the Allure report are written', async () => {
    const { run, requests } = await sharedRun();
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const results = scenarioResults(run);
    expect(results.map((r) => r.id).sort()).toEqual([
      'fixture-rfid-authorized',
      'fixture-rfid-no-contract',
      'fixture-rfid-unknown-uid',
    ]);
    expect(results.every((r) => r.status === 'passed')).toBe(true);
    expect(requests).toBe(3);
    expect(run.stdout).toContain('3 passed, 0 failed');
    expect(fs.readFileSync(path.join(run.reportsDir, 'junit.xml'), 'utf8')).toContain('tests="3"');
    expect(fs.existsSync(path.join(run.reportsDir, 'allure-report', 'index.html'))).toBe(true);
    const allureResults = fs
      .readdirSync(path.join(run.reportsDir, 'allure-results'))
      .filter((f) => f.endsWith('-result.json'))
      .map(
        (f) =>
          JSON.parse(fs.readFileSync(path.join(run.reportsDir, 'allure-results', f), 'utf8')) as {
            name: string;
          },
      );
    // One result per scenario, and one for the run-level checks.
    expect(allureResults.map((r) => r.name).filter((name) => name !== 'Run-level checks')).toHaveLength(3);
    expect(allureResults.filter((r) => r.name === 'Run-level checks')).toHaveLength(1);
    expect(run.stdout).toContain('Run-level checks: ');
    expect(fs.existsSync(path.join(run.reportsDir, 'run-checks.json'))).toBe(true);
  });

  test('the conformance run reads the settings file and its workers see the values', async () => {
    const { run, requests, settings } = await sharedRun();
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`Settings: ${settings} (1 value(s) not already set in the environment)`);
    // The target named only in the file got every request the workers sent.
    expect(scenarioResults(run).every((r) => r.status === 'passed')).toBe(true);
    expect(requests).toBe(scenarioResults(run).length);
  });
});

test('`npx playwright test` without the conformance command refuses, names the command with the same options, and touches no report', async () => {
  // An earlier run's reports: a direct run must neither add to them nor leave them beside its own.
  const reportsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-direct-'));
  fs.mkdirSync(path.join(reportsDir, 'allure-report'));
  fs.writeFileSync(path.join(reportsDir, 'allure-report', 'index.html'), 'earlier run');
  fs.writeFileSync(path.join(reportsDir, 'junit.xml'), 'earlier run');
  const before = fs.readdirSync(reportsDir, { recursive: true }).sort();
  await withMock({}, async (mock) => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      OICP_REPORTS_DIR: reportsDir,
      OICP_BASE_URL: mock.url,
      OICP_SCENARIOS: RFID_FILE,
      OICP_SETTINGS_FILE: 'none',
    };
    // The parent Playwright's own variables would make the child take itself for a worker.
    for (const key of Object.keys(env))
      if (key.startsWith('TEST_') || key.startsWith('PW_') || key === 'OICP_RUN_ID') delete env[key];
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          path.join(projectRoot, 'node_modules', '@playwright', 'test', 'cli.js'),
          'test',
          '--grep',
          '@smoke',
          '--workers',
          '2',
        ],
        { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
      });
      child.stderr.on('data', (chunk) => {
        err += chunk;
      });
      child.on('close', (exit) => resolve({ code: exit, stdout: out, stderr: err }));
    });
    expect(code, stdout + stderr).toBe(2);
    expect(stderr).toContain('npm run conformance -- --grep @smoke --workers 2');
    expect(stderr).toContain('Nothing was run or written (exit code 2)');
    expect(fs.readdirSync(reportsDir, { recursive: true }).sort()).toEqual(before);
    expect(fs.readFileSync(path.join(reportsDir, 'junit.xml'), 'utf8')).toBe('earlier run');
    expect(mock.requestCount()).toBe(0);
  });
});
