import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readRawConfig } from '@allurereport/core';
import { projectRoot } from '../../src/paths.ts';
import {
  FAILURE_CATEGORIES,
  FAILURE_CATEGORY_LABEL,
  type FailureCategory,
  failureCategory,
} from '../../src/record/failure-category.ts';
import {
  type RunRecord,
  readRunRecord,
  type ScenarioRecord,
  writeRunRecord,
} from '../../src/record/run-record.ts';
import { runScope, selectionWords } from '../../src/record/run-scope.ts';
import { RELAXED_RULE_LABEL, UNCONFIRMED_LABEL } from '../../src/report/allure-evidence.ts';
import { keepTheDifference } from '../../src/report/difference.ts';
import { conformanceExitCode, formatQualityGate, gateRuleInWords } from '../../src/report/quality-gate.ts';
import {
  cutLine,
  formatRunHeader,
  formatRunSummary,
  listThatFits,
  relaxedInWords,
  runSummary,
  summarizeRun,
  totalsLine,
} from '../../src/report/summary.ts';
import { UNCONFIRMED_TITLE } from '../../src/report/unconfirmed.ts';
import { expect, test } from '../support/test.ts';

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

test('advisories are grouped by check: a count, one example, the scenarios folded', () => {
  const text = summarizeRun(writeRecord(runRecord()), 'this-run') ?? '';
  expect(text).toContain(
    'Advisories (best-practice findings; they do not fail the run; every one is in the report):',
  );
  expect(text).toContain(
    '  ! requestCarriesEvseId · 1 scenario · e.g. expected an EvseID in the request, received EvseID (absent)\n      rfid-ok',
  );
  // A foreign target raising the same finding on 120 scenarios: two lines, not 120.
  const record = runRecord();
  const many = Array.from({ length: 120 }, (_v, i) => ({
    id: `s-${i}`,
    title: `scenario ${i}`,
    feature: 'RFID',
    status: 'passed' as const,
    durationMs: 1,
    advisories: ['processIdCaptured: expected a Process-ID header, received none'],
  }));
  const lines = formatRunSummary(runSummary({ ...record, scenarios: [...record.scenarios, ...many] }), {
    width: 100,
  }).split('\n');
  const processId = lines.filter((line) => line.includes('processIdCaptured'));
  expect(processId).toEqual([
    '  ! processIdCaptured · 120 scenarios · e.g. expected a Process-ID header, received none',
  ]);
  const folded = lines[lines.indexOf(processId[0] as string) + 1] ?? '';
  expect(folded).toMatch(/^ {6}s-0, s-1, .*, … and \d+ more$/);
  expect(folded.length).toBeLessThanOrEqual(100);
});

test('expected and received are never cut: a long pair goes on lines of its own, the shared part shortened', () => {
  const sent = 'cpo-d7c1b2a4-5e6f-4a8b-9c0d-1e2f3a4b650f';
  const record = runRecord();
  const failed: ScenarioRecord = {
    id: 'fixture-partner-session-echo',
    title: 'The CPOPartnerSessionID sent with an authorization comes back unchanged',
    feature: 'Session identifiers',
    status: 'failed',
    durationMs: 3,
    category: 'protocol',
    advisories: [],
    verdicts: {
      scenario: 'fixture-partner-session-echo',
      attempts: 1,
      failed: [
        {
          check: 'fieldsAsExpected',
          category: 'field',
          expected: `CPOPartnerSessionID to equal "${sent}"`,
          received: `CPOPartnerSessionID = "${sent}-x"`,
          rule: 'rule',
        },
        {
          check: 'cpoPartnerSessionIdEchoed',
          category: 'protocol',
          expected: 'x',
          received: 'y',
          rule: 'rule',
        },
      ],
      advisories: [],
      unconfirmed: [],
      passed: [],
      notApplicable: [],
    },
  };
  for (const width of [80, 100, 200]) {
    const lines = formatRunSummary(runSummary({ ...record, scenarios: [failed] }), { width }).split('\n');
    const at = lines.findIndex((line) => line.includes('fixture-partner-session-echo ·'));
    const detail = lines.slice(at + 1, at + 4).join('\n');
    // The one place where they differ survives at every width: the end of the received value.
    expect(detail).toContain('650f"');
    expect(detail).toContain('650f-x"');
    expect(detail).toContain('(+1 more: cpoPartnerSessionIdEchoed)');
    for (const line of lines.slice(at + 1, at + 4)) expect(line.length).toBeLessThanOrEqual(width);
  }
  // Nothing shared: nothing shortened, however long.
  expect(keepTheDifference('a'.repeat(50), 'b'.repeat(50), 20)).toEqual({
    expected: 'a'.repeat(50),
    received: 'b'.repeat(50),
  });
  expect(keepTheDifference(`x ${sent}`, `y ${sent}-x`, 30)).toEqual({
    expected: 'x cpo-…b650f',
    received: 'y cpo-…b650f-x',
  });
});

test('a selection says what it left out; a full run is a full run', () => {
  const record = runRecord();
  expect(runScope(record)).toMatchObject({ full: false, ran: 3, loaded: 130 });
  expect(selectionWords(runScope(record))).toBe(
    'selection: 3 of 130 scenarios ran (125 left out by --grep, --shard or file arguments; 2 skipped) — not a full run',
  );
  const ran = record.scenarios.filter((s) => s.status !== 'skipped');
  const full = { ...record, loaded: 3, planned: 3, scenarios: ran };
  expect(runScope(full).full).toBe(true);
  expect(selectionWords(runScope(full))).toBeUndefined();
  expect(selectionWords(runScope({ ...full, scenariosSetting: 'data/scenarios/rfid.yaml' }))).toBe(
    'selection: 3 of 3 scenarios ran (OICP_SCENARIOS=data/scenarios/rfid.yaml) — not a full run',
  );
  // Planned but never reported (an interrupted run).
  expect(selectionWords(runScope({ ...full, planned: 3, scenarios: ran.slice(0, 1) }))).toBe(
    'selection: 1 of 3 scenarios ran (2 not run) — not a full run',
  );
});

test('OICP rules a profile relaxed are named per setting in the summary, and the gate says the run is no plain pass', () => {
  const record = runRecord();
  const relaxed = (setting: string) => ({
    setting,
    contract: 'HTTP 400 with a FaultBody',
    accepted: 'HTTP 200 with any body',
    profile: 'lenient',
  });
  const passed = (id: string, setting: string): ScenarioRecord => ({
    id,
    title: id,
    feature: 'Generated',
    status: 'passed',
    durationMs: 1,
    advisories: [],
    verdicts: {
      scenario: id,
      failed: [],
      advisories: [],
      unconfirmed: [],
      passed: [],
      notApplicable: [],
      relaxed: [relaxed(setting)],
    },
  });
  const summary = runSummary({
    ...record,
    scenarios: [
      ...record.scenarios,
      passed('schema-a', 'invalidRequests.enforced'),
      passed('schema-b', 'invalidRequests.enforced'),
      passed('latin1', 'hubjectDeviations: E-15'),
    ],
  });
  const text = formatRunSummary(summary, { width: 200 });
  expect(text).toContain(
    "  ~ invalidRequests.enforced (profile 'lenient') · 2 scenarios · the contract asks HTTP 400 with a FaultBody; accepted: HTTP 200 with any body\n      schema-a, schema-b",
  );
  expect(text).toContain("  ~ hubjectDeviations: E-15 (profile 'lenient') · 1 scenario ·");
  const words = relaxedInWords(summary.relaxed);
  expect(words).toBe('invalidRequests.enforced in 2 scenarios, hubjectDeviations: E-15 in 1 scenario');
  const held = { rule: 'certification/maxFailures', success: true, message: 'none failed' };
  expect(formatQualityGate([held], { relaxed: words })).toBe(
    `Quality gate: passed — with OICP rules relaxed by the profile (${words}): not plainly conformant\n  ✓ certification/maxFailures: none failed`,
  );
  // Nothing relaxed: nothing said.
  expect(relaxedInWords(runSummary(record).relaxed)).toBeUndefined();
  expect(formatRunSummary(runSummary(record))).not.toContain('relaxed');
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
  // A field expectation yields to the rule that explains it: the same fault, the same category, whether a
  // catalogue scenario (field expectation and protocol rule) or a generated case (the rule alone) saw it.
  expect(failureCategory([{ category: 'field' }, { category: 'protocol' }], undefined)).toBe('protocol');
  expect(failureCategory([{ category: 'protocol' }], undefined)).toBe('protocol');
  expect(failureCategory([{ category: 'field' }], undefined)).toBe('field');
  expect(failureCategory([{ category: 'field' }, { category: 'best-practice' }], undefined)).toBe(
    'best-practice',
  );
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
  // A pass that needed a rule relaxed by the profile comes before every other passed category.
  const relaxed = rules.find((r) => r.id === 'oicp-relaxed');
  expect([relaxed?.matchers ?? []].flat()).toEqual([
    { statuses: ['passed'], labels: { [RELAXED_RULE_LABEL]: '.+' } },
  ]);
  expect(ids.indexOf('oicp-relaxed')).toBeLessThan(ids.indexOf('oicp-unconfirmed'));
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

test('the quality gate states its rules in words: what counts, what is allowed, what the run had', () => {
  const allure = {
    rule: 'certification/maxFailures',
    success: false,
    expected: 0,
    actual: 4,
    message:
      'The number of failed tests \u001b[1m4\u001b[22m exceeds the allowed threshold value \u001b[1m0\u001b[22m',
  };
  const words = gateRuleInWords(allure, { failed: 10 });
  expect(words).toBe(
    '4 scenarios tagged @certification failed, the gate allows none; 6 other failed scenarios (not tagged @certification) do not count against it',
  );
  const failed = { ...allure, message: words };
  const ran = { rule: 'run/minTestsCount', success: true, expected: 1, actual: 9, message: '' };
  const ranWords = { ...ran, message: gateRuleInWords(ran, { failed: 10 }) };
  expect(ranWords.message).toBe('9 results in the report (the gate needs at least 1)');
  expect(formatQualityGate([failed, ranWords])).toBe(
    `Quality gate: FAILED\n  ✘ certification/maxFailures: ${words}\n  ✓ run/minTestsCount: 9 results in the report (the gate needs at least 1)`,
  );
  const held = {
    ...allure,
    success: true,
    actual: 0,
    message: gateRuleInWords({ ...allure, actual: 0 }, { failed: 0 }),
  };
  expect(formatQualityGate([held], { selection: true })).toBe(
    'Quality gate: passed — judged on a selection of the scenarios, not a full run\n  ✓ certification/maxFailures: 0 scenarios tagged @certification failed, the gate allows none',
  );
  // A rule the suite does not know keeps Allure's words, without terminal codes.
  expect(gateRuleInWords({ ...allure, rule: 'other/rule' }, { failed: 10 })).toBe(
    'The number of failed tests 4 exceeds the allowed threshold value 0',
  );
  expect(conformanceExitCode({ testExitCode: 0, reportGenerated: true, gatePassed: true })).toBe(0);
  expect(conformanceExitCode({ testExitCode: 0, reportGenerated: true, gatePassed: false })).toBe(1);
  expect(conformanceExitCode({ testExitCode: 0, reportGenerated: false, gatePassed: true })).toBe(1);
  expect(conformanceExitCode({ testExitCode: 0, reportGenerated: 'not-needed', gatePassed: true })).toBe(0);
  expect(conformanceExitCode({ testExitCode: 1, reportGenerated: true, gatePassed: true })).toBe(1);
});
