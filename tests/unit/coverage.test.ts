import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHECKS } from '../../src/checks/registry.ts';
import { loadProfile } from '../../src/config/profile.ts';
import {
  type CoverageInput,
  computeCoverage,
  coverageMarkdown,
  coverageSummary,
  type RunCoverage,
  runCoverage,
  unexplainedGaps,
} from '../../src/coverage/coverage.ts';
import { requestFields, requestRules, runSelection, writeCoverage } from '../../src/coverage/write.ts';
import { generatedNegativeScenarios } from '../../src/negatives/scenarios.ts';
import type { RunRecord, ScenarioRecord } from '../../src/record/run-record.ts';
import { reportPaths } from '../../src/reports-folder/paths.ts';
import { loadStatements } from '../../src/scenarios/statements.ts';
import type { Scenario } from '../../src/scenarios/types.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { runAttachments } from '../support/run-attachments.ts';
import { expect, test } from '../support/test.ts';
import { buildScenario, rfidRequestBody } from './helpers/exchange.ts';

const registry = schemaRegistry();
const profile = loadProfile(registry, {});
const suite = { schemas: registry, profile, scenarios: [] };
const noGaps = { statusCodes: {}, checks: {}, fields: {} };
const rules = requestRules(suite);

/** Every scenario ran (with the given checks), none skipped. */
function ranAll(scenarios: Scenario[], checks: Record<string, string[]> = {}): RunCoverage {
  return { ran: new Map(scenarios.map((s) => [s.id, checks[s.id] ?? []])), skipped: new Set() };
}

function coverageOf(scenarios: Scenario[], overrides: Partial<CoverageInput> = {}) {
  return computeCoverage({
    scenarios,
    registry,
    run: ranAll(scenarios),
    gaps: noGaps,
    requestFields: [],
    requestRules: [],
    variables: profile.variables,
    statements: loadStatements(registry),
    ...overrides,
  });
}

const lowerCaseUid = buildScenario({
  id: 'hand-lowercase-uid',
  invalid: true,
  request: {
    operatorId: 'DE*ABC',
    body: rfidRequestBody({ Identification: { RFIDMifareFamilyIdentification: { UID: '044a2daa856280' } } }),
  },
  expect: { status: 400, body: 'FaultBody', fields: {} },
});
const refused = buildScenario({
  id: 'hand-refused-102',
  expect: {
    status: 200,
    body: 'eRoamingAuthorizationStart',
    authorizationStatus: 'NotAuthorized',
    statusCode: '102',
    fields: {},
  },
});

test('hand-written invalid scenarios count for the rule they break, next to the generated variant', () => {
  const generated = generatedNegativeScenarios(registry, profile);
  const coverage = coverageOf([lowerCaseUid, refused, ...generated], {
    requestFields: requestFields(suite),
    requestRules: rules,
  });
  const uidPattern = coverage.rules.find(
    (r) => r.subject === 'Identification.RFIDMifareFamilyIdentification.UID: pattern',
  );
  expect(uidPattern?.scenarios.sort()).toEqual([
    'hand-lowercase-uid',
    'schema-identification-rfid-mifare-family-identification-uid-pattern',
  ]);
  expect(coverage.rules.every((r) => r.scenarios.length > 0)).toBe(true);
  expect(coverage.rules.length).toBe(generated.length);
});

test('an unresolved {{placeholder}} is never counted as a broken rule: the request is judged as it is sent', () => {
  // Missing OperatorID, written with placeholders for the other fields (as catalogue scenarios are).
  const missingOperator = buildScenario({
    id: 'hand-missing-operator-id',
    invalid: true,
    request: {
      operatorId: '{{operatorId}}',
      body: {
        EvseID: '{{evseId}}',
        Identification: { RFIDMifareFamilyIdentification: { UID: '{{authorizedUid}}' } },
      },
    },
    expect: { status: 400, body: 'FaultBody', fields: {} },
  });
  const coverage = coverageOf([missingOperator], { requestRules: rules });
  const broken = coverage.rules.filter((r) => r.scenarios.includes('hand-missing-operator-id'));
  expect(broken.map((r) => r.subject)).toEqual(['OperatorID: required']);
  // Even when a value cannot be resolved (a variable the profile lacks), its placeholder is not a violation.
  const unresolvable = coverageOf([missingOperator], { requestRules: rules, variables: {} });
  expect(
    unresolvable.rules.filter((r) => r.scenarios.includes('hand-missing-operator-id')).map((r) => r.subject),
  ).toEqual(['OperatorID: required']);
});

test('only scenarios the run executed count; a row only skipped scenarios would cover says so and is no unexplained gap', () => {
  const generated = generatedNegativeScenarios(registry, profile);
  const selected = [refused, lowerCaseUid, ...generated];
  // The run executed one generated case and skipped the refusal; the rest were not selected by --grep.
  const first = generated[0] as Scenario;
  const run: RunCoverage = {
    ran: new Map([[first.id, ['httpStatusAsExpected']]]),
    skipped: new Set([refused.id]),
  };
  const coverage = coverageOf(selected, { run, requestRules: rules, requestFields: requestFields(suite) });
  expect(coverage.rules.filter((r) => r.scenarios.length > 0).map((r) => r.subject)).toEqual([first.story]);
  expect(coverage.rules.length).toBe(rules.length);
  const code102 = coverage.statusCodes.find((r) => r.subject === '102');
  expect(code102).toMatchObject({ scenarios: [], skipped: ['hand-refused-102'] });
  expect(unexplainedGaps(coverage)).not.toContain('status code 102');
  expect(coverageMarkdown(coverage)).toContain(
    '| 102 | not run: skipped for want of test data (hand-refused-102) | 0 |',
  );
  expect(coverage.fields.every((r) => r.scenarios.length === 0)).toBe(true);
  expect(coverage.checks.find((r) => r.subject === 'httpStatusAsExpected')?.scenarios).toEqual([first.id]);
});

test('status codes: expected codes list their scenarios, the others are gaps unless explained', () => {
  const explained = {
    ...noGaps,
    statusCodes: { '017': 'needs a TLS client certificate of another operator' },
  };
  const coverage = coverageOf([refused], { gaps: explained });
  expect(coverage.statusCodes).toHaveLength(31);
  expect(coverage.statusCodes.find((r) => r.subject === '102')?.scenarios).toEqual(['hand-refused-102']);
  const gaps = unexplainedGaps(coverage);
  expect(gaps).toContain('status code 210');
  expect(gaps).not.toContain('status code 017');
  expect(gaps).not.toContain('status code 102');
});

test('checks: counted from the checks each scenario ran; a check no scenario ran is a gap', () => {
  const run: RunCoverage = {
    ran: new Map([
      ['a', ['httpStatusAsExpected', 'bodyIsJson']],
      ['b', ['httpStatusAsExpected']],
    ]),
    skipped: new Set(),
  };
  const coverage = coverageOf([], { run });
  expect(coverage.checks.find((r) => r.subject === 'httpStatusAsExpected')?.scenarios).toEqual(['a', 'b']);
  expect(unexplainedGaps(coverage)).toContain('check authorizedHasSessionId');
});

test('request fields: every field a valid request can carry, with the hand-written scenarios using it', () => {
  const fields = requestFields(suite);
  for (const field of [
    'OperatorID',
    'EvseID',
    'CPOPartnerSessionID',
    'PartnerProductID',
    'Identification.QRCodeIdentification.PIN',
    'Identification.RemoteIdentification.EvcoID',
  ]) {
    expect(fields).toContain(field);
  }
  const coverage = coverageOf([refused, lowerCaseUid], { requestFields: fields });
  expect(coverage.fields.find((r) => r.subject === 'EvseID')?.scenarios).toEqual(['hand-refused-102']);
  expect(coverage.fields.find((r) => r.subject === 'SessionID')?.scenarios).toEqual([]);
});

test('the console prints one line of figures and each unexplained gap; explained gaps only in the table', () => {
  const explained = { ...noGaps, statusCodes: { '017': 'needs another certificate' } };
  const coverage = coverageOf([refused], { requestFields: ['OperatorID', 'SessionID'], gaps: explained });
  const markdown = coverageMarkdown(coverage);
  expect(markdown).toContain('| SessionID | **GAP (unexplained)** | 0 |');
  expect(markdown).toContain('| 102 | hand-refused-102 | 1 |');
  expect(markdown).toContain('gap (explained: needs another certificate)');
  const summary = coverageSummary(coverage, 'reports/coverage.md');
  const lines = summary.split('\n');
  expect(lines[0]).toBe(
    `Coverage: request fields 1/2, request rules 0/0, status codes 1/31, checks 0/${CHECKS.length}, OICP statements ${coverage.statements.filter((r) => r.scenarios.length > 0).length}/${coverage.statements.length}. Table: reports/coverage.md`,
  );
  expect(lines).toContain(
    `  Not covered by any scenario and not explained in data/coverage/explained-gaps.yaml (${unexplainedGaps(coverage).length}):`,
  );
  expect(lines).toContain('    - request field SessionID');
  // Gaps of the catalogue are not failures of the target: never written with a failure's mark.
  expect(summary).not.toContain('✘');
  expect(summary).not.toContain('017');
  expect(summary).not.toMatch(/(^|[^n])explained gap/);
  // Never a wall of gaps: ten, then a count.
  expect(lines.filter((l) => l.startsWith('    - '))).toHaveLength(10);
  expect(lines.at(-1)).toMatch(/^ {2}… and \d+ more in reports\/coverage\.md$/);
});

test('a selection says so, counts what ran and lists no gaps', () => {
  const coverage = coverageOf([refused]);
  const selection = { selection: true, ran: 1, loaded: 130 };
  const summary = coverageSummary(coverage, 'reports/coverage.md', selection);
  expect(summary).toContain('Coverage of a selection (1 of 130 scenario(s) ran; only what ran counts)');
  expect(summary).not.toContain('✘');
  expect(coverageMarkdown(coverage, selection)).toContain('This run covered a selection (1 of 130');
});

function record(scenarios: Array<Partial<ScenarioRecord> & { id: string }>, planned: number): RunRecord {
  return {
    runId: 'r',
    startedAt: '',
    finishedAt: '',
    planned,
    status: 'passed',
    errors: [],
    scenarios: scenarios.map((s) => ({
      title: s.id,
      feature: 'f',
      status: 'passed',
      durationMs: 1,
      advisories: [],
      ...s,
    })),
  };
}

test('a run is a selection when OICP_SCENARIOS chose it or Playwright ran fewer scenarios than were loaded', () => {
  const all = record([{ id: 'a' }, { id: 'b', status: 'skipped' }], 2);
  expect(runSelection(all, 2, {})).toEqual({ selection: false, ran: 1, loaded: 2 });
  expect(runSelection(all, 2, { OICP_SCENARIOS: 'data/scenarios/x.yaml' }).selection).toBe(true);
  expect(runSelection(record([{ id: 'a' }], 1), 2, {}).selection).toBe(true);
  const coverage = runCoverage(all);
  expect([...coverage.ran.keys()]).toEqual(['a']);
  expect([...coverage.skipped]).toEqual(['b']);
  expect(runCoverage(undefined).ran.size).toBe(0);
});

test('writeCoverage writes the table and attaches it to the Allure results as a run-level attachment', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-coverage-'));
  const reports = reportPaths({ OICP_REPORTS_DIR: root });
  fs.mkdirSync(reports.allureResults, { recursive: true });
  const { summary } = writeCoverage(
    { ...suite, scenarios: [refused] },
    reports,
    record([{ id: 'hand-refused-102' }], 1),
    { env: {} },
  );
  expect(summary).toContain('Coverage:');
  expect(fs.readFileSync(path.join(root, 'coverage.md'), 'utf8')).toContain('# Coverage of this run');
  const attached = runAttachments(reports.allureResults);
  expect(attached).toHaveLength(1);
  expect(attached[0]).toMatchObject({ name: 'Coverage', type: 'text/markdown' });
  expect(attached[0]?.content).toContain('# Coverage of this run');
});
