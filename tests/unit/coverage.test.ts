import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { CHECKS } from '../../src/checks/registry.ts';
import { loadProfile } from '../../src/config/profile.ts';
import {
  computeCoverage,
  coverageMarkdown,
  coverageSummary,
  unexplainedGaps,
} from '../../src/coverage/coverage.ts';
import { requestFields, writeCoverage } from '../../src/coverage/write.ts';
import { generatedNegativeScenarios } from '../../src/negatives/scenarios.ts';
import { reportPaths } from '../../src/report/paths.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { buildScenario, rfidRequestBody } from './helpers/exchange.ts';

const registry = schemaRegistry();
const profile = loadProfile(registry, {});
const suite = { schemas: registry, profile, scenarios: [] };
const noGaps = { statusCodes: {}, checks: {}, fields: {} };

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
  const coverage = computeCoverage(
    [lowerCaseUid, refused, ...generated],
    registry,
    new Map(),
    noGaps,
    requestFields(suite),
  );
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

test('status codes: expected codes list their scenarios, the others are gaps unless explained', () => {
  const explained = {
    ...noGaps,
    statusCodes: { '017': 'needs a TLS client certificate of another operator' },
  };
  const coverage = computeCoverage([refused], registry, new Map(), explained, []);
  expect(coverage.statusCodes).toHaveLength(31);
  expect(coverage.statusCodes.find((r) => r.subject === '102')?.scenarios).toEqual(['hand-refused-102']);
  const gaps = unexplainedGaps(coverage);
  expect(gaps).toContain('status code 210');
  expect(gaps).not.toContain('status code 017');
  expect(gaps).not.toContain('status code 102');
});

test('checks: counted from the verdicts of the run; a check no scenario ran is a gap', () => {
  const verdicts = new Map([
    ['a', { ran: ['httpStatusAsExpected', 'bodyIsJson'] }],
    ['b', { ran: ['httpStatusAsExpected'] }],
  ]);
  const coverage = computeCoverage([], registry, verdicts, noGaps, []);
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
  const coverage = computeCoverage([refused, lowerCaseUid], registry, new Map(), noGaps, fields);
  expect(coverage.fields.find((r) => r.subject === 'EvseID')?.scenarios).toEqual(['hand-refused-102']);
  expect(coverage.fields.find((r) => r.subject === 'SessionID')?.scenarios).toEqual([]);
});

test('the table marks unexplained gaps; the console summary counts and lists them', () => {
  const coverage = computeCoverage([refused], registry, new Map(), noGaps, ['OperatorID', 'SessionID']);
  const markdown = coverageMarkdown(coverage);
  expect(markdown).toContain('| `SessionID` | **GAP (unexplained)** | 0 |');
  expect(markdown).toContain('| `102` | hand-refused-102 | 1 |');
  const summary = coverageSummary(coverage, 'reports/coverage.md');
  expect(summary).toMatch(
    new RegExp(
      `^Coverage: request fields 1/2, request rules 0/0, status codes 1/31, checks 0/${CHECKS.length}`,
    ),
  );
  expect(summary).toContain('GAP: SessionID');
});

test('writeCoverage writes the table and attaches it to the Allure results as a run-level attachment', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-coverage-'));
  const reports = reportPaths({ OICP_REPORTS_DIR: root });
  fs.mkdirSync(reports.allureResults, { recursive: true });
  const { summary } = writeCoverage({ ...suite, scenarios: [refused] }, reports);
  expect(summary).toContain('Coverage:');
  expect(fs.readFileSync(path.join(root, 'coverage.md'), 'utf8')).toContain('# Coverage of this run');
  const globals = fs.readdirSync(reports.allureResults).filter((f) => f.endsWith('-globals.json'));
  expect(globals).toHaveLength(1);
  const parsed = JSON.parse(fs.readFileSync(path.join(reports.allureResults, globals[0] as string), 'utf8'));
  expect(parsed.attachments[0]).toMatchObject({ name: 'Coverage', type: 'text/markdown' });
  expect(fs.existsSync(path.join(reports.allureResults, parsed.attachments[0].source))).toBe(true);
});
