import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunningMock, startMock } from '../../mock/server.ts';
import { runConformance } from '../support/conformance-run.ts';
import { expect, test } from '../support/test.ts';

// The settings file (OICP_SETTINGS_FILE) as the conformance command reads it, in this process: what it decides
// before Playwright starts. A --grep that selects nothing stops each run there, and says how many scenarios it
// searched — the scenario files the settings chose. That Playwright's workers get the values is
// tests/e2e/conformance-cli.test.ts's (one run of the entry point with a settings file).

let mock: RunningMock;
test.beforeEach(async () => {
  mock = await startMock({ port: 0 });
});
test.afterEach(async () => {
  await mock.close();
});

const NO_MATCH = ['--grep', 'no-scenario-is-called-this'];

function settingsFile(lines: string[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-settings-')), 'team.env');
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

test('the command reads the settings file, says so, and runs with its values', async () => {
  const file = settingsFile([
    `OICP_BASE_URL=${mock.url}`,
    'OICP_SCENARIOS=tests/fixtures/scenarios/batch.yaml',
  ]);
  const run = await runConformance({ OICP_SETTINGS_FILE: file }, { args: NO_MATCH });
  expect(run.exitCode, run.stdout + run.stderr).toBe(2);
  expect(run.stdout).toContain(`Settings: ${file} (2 value(s) not already set in the environment)`);
  // batch.yaml's eight scenarios, not the catalogue.
  expect(run.stderr).toContain(
    "--grep: 'no-scenario-is-called-this' selects none of the 8 loaded scenario(s)",
  );
  expect(mock.requestCount()).toBe(0);
});

test("the caller's environment wins over the settings file", async () => {
  const file = settingsFile([
    `OICP_BASE_URL=${mock.url}`,
    'OICP_SCENARIOS=tests/fixtures/scenarios/batch.yaml',
  ]);
  const run = await runConformance(
    { OICP_SETTINGS_FILE: file, OICP_SCENARIOS: 'tests/fixtures/scenarios/rfid.yaml' },
    { args: NO_MATCH },
  );
  expect(run.exitCode, run.stdout + run.stderr).toBe(2);
  expect(run.stdout).toContain(`Settings: ${file} (1 value(s) not already set in the environment)`);
  // rfid.yaml's three scenarios: the environment's choice.
  expect(run.stderr).toContain(
    "--grep: 'no-scenario-is-called-this' selects none of the 3 loaded scenario(s)",
  );
  expect(mock.requestCount()).toBe(0);
});

test('a mistake in the settings file is a configuration error at its line: exit code 2, nothing sent', async () => {
  const file = settingsFile([
    `OICP_BASE_URL=${mock.url}`,
    'OICP_SCENARIOS=tests/fixtures/scenarios/rfid.yaml',
    'OICP_QA_OPERATER_ID=DE*ABC',
  ]);
  // The --grep stops a command that read past the mistake before Playwright, too: the messages tell them apart.
  const run = await runConformance({ OICP_SETTINGS_FILE: file }, { args: NO_MATCH });
  expect(run.exitCode, run.stdout + run.stderr).toBe(2);
  expect(run.stderr).toContain('Configuration error: ');
  expect(run.stderr).toContain('nothing was sent');
  expect(run.stderr).toContain(
    `${file}:3:1 OICP_QA_OPERATER_ID: is not a setting of the suite or a variable the profile reads`,
  );
  expect(run.stdout).not.toContain('Settings:');
  expect(run.stderr).not.toContain('--grep');
  expect(mock.requestCount()).toBe(0);
});
