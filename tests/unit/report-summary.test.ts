import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readRawConfig } from '@allurereport/core';
import { expect, test } from '@playwright/test';
import { projectRoot } from '../../src/paths.ts';
import { UNCONFIRMED_LABEL } from '../../src/report/allure-evidence.ts';
import {
  FAILURE_CATEGORIES,
  FAILURE_CATEGORY_LABEL,
  type FailureCategory,
  failureCategory,
} from '../../src/report/failure-category.ts';
import { conformanceExitCode, formatQualityGate } from '../../src/report/quality-gate.ts';
import {
  type RunRecord,
  readRunRecord,
  type ScenarioRecord,
  writeRunRecord,
} from '../../src/report/run-record.ts';
import {
  cutLine,
  formatRunHeader,
  formatRunSummary,
  listThatFits,
  runSummary,
  summarizeRun,
  totalsLine,
} from '../../src/report/summary.ts';
import { UNCONFIRMED_TITLE } from '../../src/report/unconfirmed.ts';

/** A run record with one passed scenario (with an advisory), one check-failed, one transport-failed, two skipped. */
function runRecord(): RunRecord {
  const scenario = (overrides: Partial<ScenarioRecord> & { id: string }): ScenarioRecord => ({
    title: overrides.id,
    feature: 'RFID (Mifare family)',
    status: 'passed',
    durationMs: 5,
    advisories: [],
    ...overrides,
  });
  return {
    runId: 'this-run',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:05.000Z',
    loaded: 130,
    planned: 5,
    status: 'failed',
    errors: [],
    scenarios: [
      scenario({
        id: 'rfid-ok',
        title: 'A known card is authorized',
        advisories: ['requestCarriesEvseId: expected an EvseID in the request, received EvseID (absent)'],
      }),
      scenario({
        id: 'rfid-unknown',
        title: 'An RFID card no EMP knows is refused with code 102',
        status: 'failed',
        category: 'status',
        error: 'ScenarioFailed: 2 check(s) failed: a, b',
        verdicts: {
          scenario: 'rfid-unknown',
          failed: [
            {
              check: 'authorizationStatusAsExpected',
              category: 'status',
              expected: 'AuthorizationStatus "NotAuthorized"',
              received: 'AuthorizationStatus "Authorized"',
              rule: 'the scenario expectation',
            },
            {
              check: 'statusCodeAsExpected',
              category: 'status',
              expected: '"102"',
              received: '"000"',
              rule: 'x',
            },
          ],
          advisories: [],
          unconfirmed: [],
          passed: [],
          notApplicable: [],
        },
      }),
      scenario({
        id: 'rfid-no-contract',
        title: 'A card without contract is refused',
        status: 'failed',
        category: 'transport',
        error: 'TransportError: POST http://127.0.0.1:9/api failed: nothing accepts connections',
      }),
      scenario({
        id: 'evse-out-of-service',
        status: 'skipped',
        skipReason:
          "profile 'qa' has no test data for {{outOfServiceEvseId}} (set OICP_QA_OUT_OF_SERVICE_EVSE_ID)",
        enableWith: ['OICP_QA_OUT_OF_SERVICE_EVSE_ID'],
      }),
      scenario({
        id: 'evse-out-of-service-din',
        status: 'skipped',
        skipReason:
          "profile 'qa' has no test data for {{outOfServiceEvseId}} (set OICP_QA_OUT_OF_SERVICE_EVSE_ID)",
        enableWith: ['OICP_QA_OUT_OF_SERVICE_EVSE_ID'],
      }),
    ],
  };
}

function writeRecord(record: RunRecord): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-summary-'));
  writeRunRecord(root, record);
  return root;
}

test('two lines per failed scenario: id, title and category; then the failing check with expected and received', () => {
  const text = summarizeRun(writeRecord(runRecord()), 'this-run') ?? '';
  const lines = text.split('\n');
  const start = lines.indexOf('Failed scenarios:');
  expect(lines.slice(start + 1, start + 5)).toEqual([
    '  ✘ rfid-unknown · An RFID card no EMP knows is refused with code 102 · [Unexpected status / code]',
    '      authorizationStatusAsExpected: expected AuthorizationStatus "NotAuthorized", received AuthorizationStatus "Authorized" (+1 more: statusCodeAsExpected)',
    '  ✘ rfid-no-contract · A card without contract is refused · [Transport error]',
    '      POST http://127.0.0.1:9/api failed: nothing accepts connections',
  ]);
  expect(text).toContain('By category: Unexpected status / code 1, Transport error 1');
  expect(lines.at(-1)).toBe('1 passed, 2 failed, 2 skipped, 1 advisory finding(s)');
  expect(text).not.toContain('\u001b[');
});

test('advisories are named: scenario id, check and the finding, one line each', () => {
  const text = summarizeRun(writeRecord(runRecord()), 'this-run') ?? '';
  expect(text).toContain('Advisories (best-practice findings; they do not fail the run):');
  expect(text).toContain(
    '  ! rfid-ok · requestCarriesEvseId: expected an EvseID in the request, received EvseID (absent)',
  );
});

test('skipped scenarios are listed once, grouped by the setting that would enable them', () => {
  const text = summarizeRun(writeRecord(runRecord()), 'this-run') ?? '';
  const lines = text.split('\n');
  expect(lines).toContain(
    '  OICP_QA_OUT_OF_SERVICE_EVSE_ID (2): evse-out-of-service, evse-out-of-service-din',
  );
  expect(lines.filter((line) => line.includes('evse-out-of-service-din'))).toHaveLength(1);
  const summary = runSummary(runRecord());
  expect(summary.skipped).toEqual([
    {
      settings: ['OICP_QA_OUT_OF_SERVICE_EVSE_ID'],
      ids: ['evse-out-of-service', 'evse-out-of-service-din'],
      reason: undefined,
    },
  ]);
});

test('long lines are cut at a word boundary to the width, keeping what identifies the line', () => {
  expect(cutLine('one two three four', 12)).toBe('one two…');
  expect(cutLine('x'.repeat(30), 10)).toBe(`${'x'.repeat(9)}…`);
  expect(cutLine('  spaced \n  out  ', 80)).toBe('spaced out');
  expect(listThatFits(['alpha', 'beta', 'gamma', 'delta'], 25)).toBe('alpha, beta, … and 2 more');
  const record = runRecord();
  const failed = record.scenarios[1] as ScenarioRecord;
  failed.title = `A title ${'very '.repeat(40)}long`;
  const narrow = formatRunSummary(runSummary(record), { width: 100 }).split('\n');
  for (const line of narrow) expect(line.length, line).toBeLessThanOrEqual(100);
  expect(narrow.find((line) => line.startsWith('  ✘ rfid-unknown · A title very'))).toMatch(
    /… · \[Unexpected status \/ code\]$/,
  );
});

test('a fault of the suite itself keeps its stack on the console; a failed check never does', () => {
  const record = runRecord();
  record.scenarios.push({
    id: 'suite-fault',
    title: 'A scenario that hit a bug',
    feature: 'f',
    status: 'failed',
    durationMs: 1,
    advisories: [],
    error: "TypeError: Cannot read properties of undefined (reading 'x')",
    stack:
      "TypeError: Cannot read properties of undefined (reading 'x')\n    at runScenario (src/run/scenario-runner.ts:90:3)",
  });
  const text = formatRunSummary(runSummary(record));
  expect(text).toContain(
    "  ✘ suite-fault · A scenario that hit a bug · [Error]\n      Cannot read properties of undefined (reading 'x')\n        at runScenario (src/run/scenario-runner.ts:90:3)",
  );
  expect(text.match(/ at /g)).toHaveLength(1);
});

test('a configuration error is never cut: every line of what to fix, whatever the width', () => {
  const record = runRecord();
  const violation = `/Identification/RFIDMifareFamilyIdentification/UID: must match pattern "${'^([0-9A-F]{8}|[0-9A-F]{14})$'.repeat(4)}"`;
  record.scenarios.push({
    id: 'lint-failed',
    title: 'A refused request',
    feature: 'f',
    status: 'failed',
    category: 'configuration',
    durationMs: 1,
    advisories: [],
    error: `RequestLintError: lint-failed sends a request that violates eRoamingAuthorizeStart (nothing was sent):\n${violation}\nFix the scenario or its profile values, or mark it invalid: true.`,
  });
  const text = formatRunSummary(runSummary(record), { width: 80 });
  expect(text).toContain(
    `  ✘ lint-failed · A refused request · [Configuration error]\n      lint-failed sends a request that violates eRoamingAuthorizeStart (nothing was sent):\n      ${violation}\n      Fix the scenario or its profile values, or mark it invalid: true.\n`,
  );
  expect(text).not.toContain('RequestLintError');
});

test('the totals line stays `N passed, N failed` with optional extras', () => {
  const summary = runSummary(runRecord());
  expect(totalsLine({ ...summary, advisories: [], skippedCount: 0 })).toBe('1 passed, 2 failed');
  for (const line of [
    totalsLine(summary),
    formatRunSummary({ ...summary, failed: [] })
      .split('\n')
      .at(-1),
  ])
    expect(line).toMatch(/^\d+ passed, \d+ failed(, .+)?$/);
});

test("the summary counts only this run: another run's record, or none, gives no summary", () => {
  const root = writeRecord(runRecord());
  expect(summarizeRun(root, 'this-run')).toBeDefined();
  expect(summarizeRun(root, 'another-run')).toBeUndefined();
  expect(summarizeRun('/nonexistent', 'this-run')).toBeUndefined();
  expect(readRunRecord(root, 'another-run')).toBeUndefined();
});

test('the header counts the scenarios that will run, and says when they are a selection', () => {
  expect(formatRunHeader({ planned: 130, loaded: 130, target: "profile 'mock', target http://x" })).toBe(
    "OICP conformance: 130 scenario(s), profile 'mock', target http://x",
  );
  expect(formatRunHeader({ planned: 9, loaded: 130 })).toBe(
    'OICP conformance: 9 of 130 scenario(s) (a selection)',
  );
  expect(formatRunHeader({ planned: 3, loaded: 3, scenariosSetting: 'data/scenarios/x.yaml' })).toBe(
    'OICP conformance: 3 scenario(s) (a selection: OICP_SCENARIOS=data/scenarios/x.yaml)',
  );
});

test('a failed scenario is filed under its first failed check, else what its error says', () => {
  expect(failureCategory([{ category: 'status' }, { category: 'schema' }], 'ScenarioFailed: …')).toBe(
    'status',
  );
  expect(failureCategory([{ category: 'schema' }, { category: 'status' }], undefined)).toBe('schema');
  expect(failureCategory([{ category: 'transport' }], undefined)).toBe('transport');
  expect(failureCategory([], 'TransportError: POST http://x failed: timeout')).toBe('transport');
  expect(failureCategory([], 'RequestLintError: x sends a request that violates …')).toBe('configuration');
  expect(failureCategory([], 'InputError: Invalid configuration')).toBe('configuration');
  expect(failureCategory([], 'Test timeout of 40000ms exceeded.')).toBeUndefined();
  expect(failureCategory([], undefined)).toBeUndefined();
});

test('allurerc.mjs files every failure category under the summary’s words, in precedence order', async () => {
  const config = await readRawConfig(projectRoot, 'allurerc.mjs');
  const categories = config.categories;
  const rules = Array.isArray(categories) ? categories : categories ? categories.rules : [];
  const keys = Object.keys(FAILURE_CATEGORIES) as FailureCategory[];
  for (const key of keys) {
    const rule = rules.find((r) => r.id === `oicp-${key}`);
    expect(rule?.name, key).toBe(FAILURE_CATEGORIES[key].title);
    const matchers = [rule?.matchers ?? []].flat();
    const byLabel = matchers.find((m) => typeof m === 'object' && m.labels?.[FAILURE_CATEGORY_LABEL]);
    if (!byLabel || typeof byLabel !== 'object') throw new Error(`no label matcher for ${key}`);
    const pattern = new RegExp(String(byLabel.labels?.[FAILURE_CATEGORY_LABEL]));
    expect(pattern.test(key)).toBe(true);
    for (const other of keys.filter((k) => k !== key)) expect(pattern.test(other)).toBe(false);
    expect(byLabel.statuses).toEqual(['failed', 'broken']);
  }
  expect(rules.slice(0, 3).map((r) => r.id)).toEqual(['oicp-configuration', 'oicp-transport', 'oicp-status']);
  expect(rules.some((r) => r.id === 'oicp-advisories')).toBe(true);
  // Passed scenarios with an expectation the target did not confirm: their own category, before the advisories.
  const ids = rules.map((r) => r.id);
  const unconfirmed = rules.find((r) => r.id === 'oicp-unconfirmed');
  expect(unconfirmed?.name).toBe(UNCONFIRMED_TITLE);
  expect([unconfirmed?.matchers ?? []].flat()).toEqual([
    { statuses: ['passed'], labels: { [UNCONFIRMED_LABEL]: '.+' } },
  ]);
  expect(ids.indexOf('oicp-unconfirmed')).toBeLessThan(ids.indexOf('oicp-advisories'));
});

test('allurerc.mjs gates on zero failed certification scenarios and keeps a history outside the reports', async () => {
  const config = await readRawConfig(projectRoot, 'allurerc.mjs');
  const certification = config.qualityGate?.rules?.find((rule) => rule.id === 'certification');
  expect(certification?.maxFailures).toBe(0);
  const tag = (value: string) => ({ labels: [{ name: 'tag', value }] });
  // biome-ignore lint/suspicious/noExplicitAny: Allure's filter receives its own TestResult type.
  const filter = certification?.filter as ((tr: any) => boolean) | undefined;
  expect(filter?.(tag('certification'))).toBe(true);
  expect(filter?.(tag('smoke'))).toBe(false);
  expect(config.historyPath).toContain('history');
  expect(config.historyLimit).toBeGreaterThan(1);
});

test('the quality gate is printed plainly and decides the exit code with the scenarios', () => {
  const passed = { rule: 'certification/maxFailures', success: true, message: 'ok' };
  const failed = {
    rule: 'certification/maxFailures',
    success: false,
    message:
      'The number of failed tests \u001b[1m2\u001b[22m exceeds the allowed threshold value \u001b[1m0\u001b[22m',
  };
  expect(formatQualityGate([passed])).toBe('Quality gate: passed (certification/maxFailures)');
  expect(formatQualityGate([failed, { ...passed, rule: 'run/minTestsCount' }])).toBe(
    'Quality gate: FAILED\n  ✘ certification/maxFailures: The number of failed tests 2 exceeds the allowed threshold value 0',
  );
  expect(conformanceExitCode({ testExitCode: 0, reportGenerated: true, gatePassed: true })).toBe(0);
  expect(conformanceExitCode({ testExitCode: 0, reportGenerated: true, gatePassed: false })).toBe(1);
  expect(conformanceExitCode({ testExitCode: 0, reportGenerated: false, gatePassed: true })).toBe(1);
  expect(conformanceExitCode({ testExitCode: 0, reportGenerated: 'not-needed', gatePassed: true })).toBe(0);
  expect(conformanceExitCode({ testExitCode: 1, reportGenerated: true, gatePassed: true })).toBe(1);
});
