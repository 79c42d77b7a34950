import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { parse } from 'yaml';
import { startMock } from '../../mock/server.ts';
import { applySettingsFile, parseSettings, SUITE_SETTINGS } from '../../src/config/settings-file.ts';
import { runConformance, scenarioResults } from '../support/conformance-run.ts';
import { inputErrorOf } from '../support/input-error.ts';

// QA settings in one file: data/environments/<profile>.env (or OICP_SETTINGS_FILE), read by the run
// when present; the environment wins; every mistake is found at its line.

function settingsFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-settings-'));
  const file = path.join(dir, 'qa.env');
  fs.writeFileSync(file, text);
  return file;
}

test('values the environment lacks are applied; the environment wins; empty values and comments are left out', () => {
  const file = settingsFile(
    [
      '# my QA account',
      'OICP_QA_OPERATOR_ID=DE*ABC',
      'export OICP_QA_EVSE_ID="DE*ABC*E1234567*1"  # quoted',
      "OICP_QA_QR_PIN='12 #34'",
      'OICP_QA_AUTHORIZED_UID=  # REQUIRED',
      'OICP_CLIENT_CERT=/from/file.crt',
    ].join('\n'),
  );
  const env: Record<string, string | undefined> = {
    OICP_ENV: 'qa',
    OICP_SETTINGS_FILE: file,
    OICP_CLIENT_CERT: '/from/shell.crt',
  };
  const applied = applySettingsFile(env);
  expect(applied?.applied.sort()).toEqual(['OICP_QA_EVSE_ID', 'OICP_QA_OPERATOR_ID', 'OICP_QA_QR_PIN']);
  expect(env.OICP_QA_OPERATOR_ID).toBe('DE*ABC');
  expect(env.OICP_QA_EVSE_ID).toBe('DE*ABC*E1234567*1');
  expect(env.OICP_QA_QR_PIN).toBe('12 #34');
  expect(env.OICP_QA_AUTHORIZED_UID).toBeUndefined();
  expect(env.OICP_CLIENT_CERT).toBe('/from/shell.crt');
});

test('a misspelt name, a line that is no setting and an unclosed quote are errors at their line', () => {
  const file = settingsFile(
    [
      'OICP_QA_OPERATOR_ID=DE*ABC',
      'OICP_QA_OPERATER_ID=DE*ABC',
      'just some text',
      'OICP_QA_QR_PIN="1234',
    ].join('\n'),
  );
  const error = inputErrorOf(() => applySettingsFile({ OICP_ENV: 'qa', OICP_SETTINGS_FILE: file }));
  expect(error.message).toContain('nothing was sent');
  expect(error.message).toContain(
    `${file}:2:1 OICP_QA_OPERATER_ID: is not a setting of the suite or a variable the profile reads (did you mean OICP_QA_OPERATOR_ID?)`,
  );
  expect(error.message).toContain(`${file}:3:1: is not a NAME=value line`);
  expect(error.message).toContain(`${file}:4:1 OICP_QA_QR_PIN: has an opening quote without its closing one`);
});

test('OICP_SETTINGS_FILE=none runs without one; a named file that does not exist is an error', () => {
  expect(applySettingsFile({ OICP_ENV: 'qa', OICP_SETTINGS_FILE: 'none' })).toBeUndefined();
  expect(
    inputErrorOf(() => applySettingsFile({ OICP_SETTINGS_FILE: '/nonexistent/qa.env' })).message,
  ).toContain('/nonexistent/qa.env: file not found');
});

test('the committed example lists every QA setting, parses cleanly, and marks the required ones', () => {
  const example = fs.readFileSync('data/environments/qa.env.example', 'utf8');
  const qa = parse(fs.readFileSync('data/environments/qa.yaml', 'utf8')) as {
    variables: Record<string, string>;
  };
  const referenced = Object.values(qa.variables).flatMap((value) =>
    [...value.matchAll(/\$\{([A-Z0-9_]+)(:-)?/g)].map((m) => ({
      name: m[1] as string,
      optional: m[2] !== undefined,
    })),
  );
  const known = new Set<string>([...SUITE_SETTINGS, ...referenced.map((r) => r.name)]);
  // Uncommented, every line parses; commented out, each setting is still there to be found.
  const uncommented = example.replace(/^# (OICP_[A-Z0-9_]+=)/gm, '$1');
  expect(() => parseSettings(uncommented, 'qa.env.example', known)).not.toThrow();
  for (const { name, optional } of referenced) {
    expect(example, `${name} is in qa.env.example`).toMatch(new RegExp(`^(# )?${name}=`, 'm'));
    if (!optional) expect(example).toMatch(new RegExp(`^${name}=\\s+# REQUIRED`, 'm'));
  }
});

test('the conformance run reads the settings file and its workers see the values', async () => {
  const mock = await startMock({ port: 0 });
  try {
    const file = settingsFile(
      [`OICP_BASE_URL=${mock.url}`, 'OICP_SCENARIOS=tests/fixtures/scenarios/batch.yaml'].join('\n'),
    );
    const run = await runConformance({ OICP_SETTINGS_FILE: file });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`Settings: ${file} (2 value(s) not already set in the environment)`);
    expect(scenarioResults(run).every((r) => r.status === 'passed')).toBe(true);
    expect(mock.requestCount()).toBe(scenarioResults(run).length);
  } finally {
    await mock.close();
  }
});
