import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunningMock, startMock } from '../../mock/server.ts';
import { conformance } from '../../src/cli/conformance-command.ts';
import { runConformance, runEnvironment } from '../support/conformance-run.ts';
import { expect, test } from '../support/test.ts';

// The conformance command in this process, against its own in-process mock on a free port: what it decides
// before Playwright starts. That a configuration error reaches the shell as exit code 2 is the end-to-end
// tests' (tests/e2e/external-mock.test.ts).
let mock: RunningMock;
test.beforeEach(async () => {
  mock = await startMock({ port: 0 });
});
test.afterEach(async () => {
  await mock.close();
});

const RFID_FILE = 'tests/fixtures/scenarios/rfid.yaml';

test('a broken scenario file stops the run with file and line, exit code 2, and nothing is sent', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-broken-'));
  const file = path.join(dir, 'broken.yaml');
  const broken = fs.readFileSync(RFID_FILE, 'utf8').replace('severity: critical', 'severity: urgent');
  fs.writeFileSync(file, broken);
  const line = broken.split('\n').findIndex((text) => text.includes('severity: urgent')) + 1;
  const run = await runConformance({ OICP_BASE_URL: mock.url, OICP_SCENARIOS: `${RFID_FILE},${file}` });
  expect(run.exitCode).toBe(2);
  expect(run.stderr).toContain('nothing was sent');
  expect(run.stderr).toMatch(
    new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:15 scenarios\\[0\\]\\.severity`),
  );
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(mock.requestCount()).toBe(0);
});

test('an unknown scenario variable stops the run before anything is sent', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-variable-'));
  const file = path.join(dir, 'typo.yaml');
  fs.writeFileSync(file, fs.readFileSync(RFID_FILE, 'utf8').replace('{{unknownUid}}', '{{unknownUID}}'));
  const run = await runConformance({ OICP_BASE_URL: mock.url, OICP_SCENARIOS: file });
  expect(run.exitCode).toBe(2);
  expect(run.stderr).toContain('unknown variable {{unknownUID}}');
  expect(run.stderr).toContain('fixture-rfid-unknown-uid');
  expect(mock.requestCount()).toBe(0);
});

test('a mistake inside a request body stops the run at load time: file, line and column, exit code 2, nothing sent', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-body-typo-'));
  const file = path.join(dir, 'typo.yaml');
  const text = fs
    .readFileSync(RFID_FILE, 'utf8')
    .replace('        Identification:', '        Identfication:');
  fs.writeFileSync(file, text);
  const line = text.split('\n').findIndex((l) => l.includes('Identfication:')) + 1;
  const run = await runConformance({ OICP_BASE_URL: mock.url, OICP_SCENARIOS: file });
  expect(run.exitCode, run.stdout + run.stderr).toBe(2);
  expect(run.stderr).toContain(
    `${file}:${line}:9 scenarios[0].request.body.Identfication: unknown property 'Identfication'; did you mean 'Identification'?`,
  );
  expect(run.stderr).toContain('nothing was sent');
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(mock.requestCount()).toBe(0);
});

test('a --grep that selects nothing says what it searched and the closest scenario ids: exit code 2, nothing sent', async () => {
  const run = await runConformance(
    { OICP_BASE_URL: mock.url, OICP_SCENARIOS: RFID_FILE },
    {
      args: ['--grep', 'fixture-rfid-unkown'],
    },
  );
  expect(run.exitCode, run.stdout + run.stderr).toBe(2);
  expect(run.stderr).toContain("--grep: 'fixture-rfid-unkown' selects none of the 3 loaded scenario(s)");
  expect(run.stderr).toContain('--grep: closest scenario ids: fixture-rfid-unknown-uid');
  expect(run.stdout + run.stderr).not.toContain('No tests found');
  expect(mock.requestCount()).toBe(0);
});

test("the command applies the settings file to a copy: the caller's environment is left as it was", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-settings-'));
  const settingsFile = path.join(dir, 'team.env');
  // A setting the run would use, and a scenario file that stops it before anything is sent.
  fs.writeFileSync(settingsFile, 'OICP_TIME_BUDGET_MS=4000\n');
  const broken = path.join(dir, 'broken.yaml');
  fs.writeFileSync(broken, 'scenarios: [\n');
  const env = runEnvironment({
    OICP_BASE_URL: mock.url,
    OICP_SCENARIOS: broken,
    OICP_SETTINGS_FILE: settingsFile,
  });
  delete env.OICP_TIME_BUDGET_MS;
  const before = { ...env };
  const lines: string[] = [];
  const exitCode = await conformance([], env, {
    log: (text) => lines.push(text),
    error: (text) => lines.push(text),
  });
  expect(exitCode, lines.join('\n')).toBe(2);
  expect(lines).toContain(`Settings: ${settingsFile} (1 value(s) not already set in the environment)`);
  expect(env).toEqual(before);
  expect(mock.requestCount()).toBe(0);
});

test('--help returns 0 with the usage, and neither reads the configuration nor writes a report', async () => {
  const reportsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-help-'));
  const run = await runConformance(
    { OICP_REPORTS_DIR: reportsDir, OICP_SCENARIOS: 'no/such/file.yaml', OICP_BASE_URL: mock.url },
    { args: ['--help'] },
  );
  expect(run.exitCode).toBe(0);
  expect(run.stdout).toContain('Usage: npm run conformance');
  expect(run.stderr).toBe('');
  expect(fs.readdirSync(reportsDir)).toEqual([]);
});
