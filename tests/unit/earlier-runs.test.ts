import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkEarlierRunSettings } from '../../src/config/earlier-runs.ts';
import { loadProfile } from '../../src/config/profile.ts';
import { InputError } from '../../src/input/errors.ts';
import { reportPaths } from '../../src/reports-folder/paths.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { exchangeRecord } from '../support/exchange-record.ts';
import { qaEnvironmentFromMockData } from '../support/qa-environment.ts';
import { expect, test } from '../support/test.ts';

// The settings that name an earlier run (OICP_COMPARE_WITH, OICP_MOCK_REPLAY) are checked before anything is
// sent; a replay makes the embedded mock the target of any profile.

const registry = schemaRegistry();
const RECORD = exchangeRecord('s');

function problems(env: Record<string, string | undefined>, reportsDir: string): string[] {
  try {
    checkEarlierRunSettings(reportPaths({ OICP_REPORTS_DIR: reportsDir }), registry, env);
    return [];
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    expect(error.message).toContain('nothing was sent');
    return error.problems.map((p) => `${p.field}: ${p.message}`);
  }
}

test("an earlier run must be a readable exchange log, not this run's own folder; a replay takes no fault", () => {
  const earlier = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-earlier-'));
  fs.writeFileSync(path.join(earlier, 'exchanges.jsonl'), `${JSON.stringify(RECORD)}\n`);
  const own = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-own-'));
  const env: Record<string, string | undefined> = {
    OICP_COMPARE_WITH: earlier,
    OICP_MOCK_REPLAY: path.relative(process.cwd(), earlier),
  };
  expect(problems(env, own)).toEqual([]);
  // The replay is handed to the mock by its absolute path.
  expect(env.OICP_MOCK_REPLAY).toBe(earlier);

  expect(problems({ OICP_COMPARE_WITH: own }, own)).toEqual([
    expect.stringContaining(
      `OICP_COMPARE_WITH: '${own}' is this run's own reports folder, which the run clears when it starts`,
    ),
  ]);
  expect(problems({ OICP_MOCK_REPLAY: path.join(own, 'missing') }, earlier)).toEqual([
    expect.stringContaining('OICP_MOCK_REPLAY: no such file or folder'),
  ]);
  expect(problems({ OICP_COMPARE_WITH: own }, earlier)).toEqual([
    expect.stringContaining('OICP_COMPARE_WITH: this folder holds no exchanges.jsonl'),
  ]);
  fs.writeFileSync(path.join(own, 'broken.jsonl'), 'nope\n');
  expect(problems({ OICP_MOCK_REPLAY: path.join(own, 'broken.jsonl') }, earlier)).toEqual([
    expect.stringMatching(/^: OICP_MOCK_REPLAY: not JSON/),
  ]);
  expect(
    problems(
      { OICP_MOCK_REPLAY: earlier, OICP_MOCK_FAULT: 'http-500', OICP_MOCK_REPLAY_TIMING: 'slow' },
      own,
    ),
  ).toEqual([
    'OICP_MOCK_REPLAY: a replay answers as recorded: it cannot be combined with the fault mode OICP_MOCK_FAULT=http-500',
    "OICP_MOCK_REPLAY_TIMING: must be 'recorded' or 'none', got 'slow'",
  ]);
});

test('a replay makes the embedded mock the target of any profile, without certificate or pause', () => {
  const qa = loadProfile(registry, {
    ...qaEnvironmentFromMockData(),
    OICP_MOCK_REPLAY: '/x',
    OICP_MOCK_PORT: '45123',
  });
  expect(qa).toMatchObject({
    name: 'qa',
    baseUrl: 'http://127.0.0.1:45123',
    startEmbeddedMock: true,
    minIntervalMs: 0,
    workers: undefined,
    tls: { insecure: false },
  });
  // The QA test data still makes the requests.
  expect(qa.variables.operatorId).toBe(loadProfile(registry, {}).variables.operatorId);
  expect(() =>
    loadProfile(registry, { OICP_MOCK_REPLAY: '/x', OICP_BASE_URL: 'http://127.0.0.1:9' }),
  ).toThrow(
    /OICP_MOCK_REPLAY: a replay answers through the embedded mock; OICP_BASE_URL names another target/,
  );
});
