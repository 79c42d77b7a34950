import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { evaluateRunChecks, RUN_CHECKS, type ScenarioAnswer } from '../../src/checks/run-level.ts';
import type { AnswerSummary, ScenarioVerdicts } from '../../src/record/verdicts.ts';
import { RUN_LEVEL_TEST_CASE_ID } from '../../src/report/allure-run-result.ts';
import { judgeRun, RUN_CHECKS_FILE } from '../../src/report/run-checks.ts';
import { reportPaths } from '../../src/reports-folder/paths.ts';
import { expect, test } from '../support/test.ts';

const GUID_A = '3b129fb6-c4af-476e-8bec-6e307c8e5d25';
const GUID_B = 'b2688855-7f00-0002-6d8e-48d883f6abb6';

const authorized = (
  scenario: string,
  sessionId: string,
  extra: Partial<AnswerSummary> = {},
): ScenarioAnswer => ({
  scenario,
  answer: { status: 200, authorizationStatus: 'Authorized', sessionId, ...extra },
});

const statusOf = (answers: ScenarioAnswer[]) => evaluateRunChecks(answers)[0];

test('authorizedSessionIdsUnique: distinct SessionIDs pass; one SessionID in two Authorized answers fails, naming both', () => {
  expect(statusOf([authorized('a', GUID_A), authorized('b', GUID_B)])?.status).toBe('passed');
  const repeated = statusOf([
    authorized('a', GUID_A),
    authorized('b', GUID_B),
    authorized('c', GUID_A.toUpperCase()),
  ]);
  expect(repeated?.status).toBe('failed');
  expect(repeated?.expected).toBe('a different SessionID in each of the 3 Authorized answers');
  expect(repeated?.received).toBe(`SessionID ${GUID_A} in 2 answers (a, c)`);
});

test('authorizedSessionIdsUnique counts only SessionIDs Hubject generated for an authorization', () => {
  // A refusal's SessionID is the advisory notAuthorizedWithoutSessionId's business; a SessionID the CPO sent is the CPO's.
  const answers = [
    authorized('a', GUID_A),
    { scenario: 'refused', answer: { status: 200, authorizationStatus: 'NotAuthorized', sessionId: GUID_A } },
    authorized('sent', GUID_A, { sessionIdSentByCpo: true }),
    authorized('b', GUID_B),
  ];
  expect(statusOf(answers)?.status).toBe('passed');
  expect(statusOf([authorized('a', GUID_A)])?.status).toBe('not applicable');
  expect(RUN_CHECKS.map((c) => c.name)).toEqual(['authorizedSessionIdsUnique']);
});

/** The run record a run writes: one entry per scenario with its verdicts. */
function recordOf(verdicts: Array<Partial<ScenarioVerdicts> & { scenario: string }>) {
  return {
    scenarios: verdicts.map((v) => ({
      id: v.scenario,
      title: v.scenario,
      feature: 'Fixture',
      status: 'passed' as const,
      durationMs: 1,
      advisories: [],
      verdicts: { failed: [], advisories: [], unconfirmed: [], passed: [], notApplicable: [], ...v },
    })),
  };
}

function reportsWith(
  verdicts: Array<Partial<ScenarioVerdicts> & { scenario: string }>,
  allureResults = true,
) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-run-checks-'));
  const reports = reportPaths({ OICP_REPORTS_DIR: root });
  if (allureResults) fs.mkdirSync(reports.allureResults);
  return { reports, record: recordOf(verdicts) };
}

test('judgeRun reads the answers from the verdicts, fails on a repeated SessionID, and writes run-checks.json and an Allure result', () => {
  const { reports, record } = reportsWith([
    { scenario: 'one', answer: { status: 200, authorizationStatus: 'Authorized', sessionId: GUID_A } },
    { scenario: 'two', answer: { status: 200, authorizationStatus: 'Authorized', sessionId: GUID_A } },
    { scenario: 'timed-out' },
  ]);
  const outcome = judgeRun(reports, record, 'mock', Date.now());
  expect(outcome.passed).toBe(false);
  expect(outcome.text).toBe(
    `Run-level checks: FAILED\n  ✘ authorizedSessionIdsUnique: expected a different SessionID in each of the 2 Authorized answers, received SessionID ${GUID_A} in 2 answers (one, two)`,
  );
  const kept = JSON.parse(fs.readFileSync(path.join(reports.root, RUN_CHECKS_FILE), 'utf8'));
  expect(kept.answers).toBe(2);
  expect(kept.results[0]).toMatchObject({ check: 'authorizedSessionIdsUnique', status: 'failed' });

  const files = fs.readdirSync(reports.allureResults);
  const resultFile = files.find((f) => f.endsWith('-result.json')) as string;
  const result = JSON.parse(fs.readFileSync(path.join(reports.allureResults, resultFile), 'utf8'));
  expect(result).toMatchObject({
    name: 'Run-level checks',
    testCaseId: RUN_LEVEL_TEST_CASE_ID,
    status: 'failed',
    statusDetails: { message: '1 run-level check(s) failed: authorizedSessionIdsUnique' },
  });
  expect(result.steps).toEqual([
    expect.objectContaining({
      name: 'Run check authorizedSessionIdsUnique: Every Authorized answer of the run carries its own SessionID',
      status: 'failed',
      statusDetails: {
        message: expect.stringContaining(`received: SessionID ${GUID_A} in 2 answers (one, two)`),
      },
    }),
  ]);
  expect(result.labels).toEqual(expect.arrayContaining([{ name: 'failureCategory', value: 'protocol' }]));
  const attachment = fs.readFileSync(path.join(reports.allureResults, result.attachments[0].source), 'utf8');
  expect(JSON.parse(attachment)).toHaveLength(2);
});

test('judgeRun: a passing run passes; without allure-results (JSON reporter only) no Allure file is made', () => {
  const { reports, record } = reportsWith(
    [
      { scenario: 'one', answer: { status: 200, authorizationStatus: 'Authorized', sessionId: GUID_A } },
      { scenario: 'two', answer: { status: 200, authorizationStatus: 'Authorized', sessionId: GUID_B } },
    ],
    false,
  );
  const outcome = judgeRun(reports, record, 'mock', Date.now());
  expect(outcome).toMatchObject({
    passed: true,
    text: 'Run-level checks: passed (authorizedSessionIdsUnique)',
  });
  expect(fs.existsSync(reports.allureResults)).toBe(false);
  expect(fs.existsSync(path.join(reports.root, RUN_CHECKS_FILE))).toBe(true);
});

test('judgeRun: nothing answered, nothing judged, and no synthetic test that would make an empty run look like one', () => {
  const { reports, record } = reportsWith([{ scenario: 'timed-out' }]);
  expect(judgeRun(reports, record, 'mock', Date.now())).toEqual({
    passed: true,
    text: 'Run-level checks: no answers to judge',
    results: [],
  });
  expect(fs.readdirSync(reports.allureResults)).toEqual([]);
  expect(judgeRun(reports, undefined, 'mock', Date.now()).text).toContain(
    'not evaluated (this run wrote no run record)',
  );
});
