import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { calibrate, calibrationMarkdown, writeCalibration } from '../../src/calibration/calibrate.ts';
import type { ExpectationOverride } from '../../src/config/profile.ts';
import { EXCHANGE_FORMAT, type ExchangeRecord } from '../../src/exchange/log-entry.ts';
import type { ScenarioRecord } from '../../src/record/run-record.ts';
import type { UnconfirmedExpectation } from '../../src/record/verdicts.ts';
import { reportPaths } from '../../src/reports-folder/paths.ts';
import type { Matcher } from '../../src/scenarios/types.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { runAttachments } from '../support/run-attachments.ts';
import { expect, test } from '../support/test.ts';
import { buildScenario } from './helpers/exchange.ts';

// The calibration of a run: each expectation the target did not confirm, the value it answered, and a block
// for the profile that the profile's schema accepts.

const schemas = schemaRegistry();

function unconfirmed(
  expectation: UnconfirmedExpectation['expectation'],
  extra: Partial<UnconfirmedExpectation> = {},
) {
  return {
    check: 'statusCodeAsExpected',
    expectation,
    basis: 'assumption' as const,
    citation: 'the fixture assumes it',
    expected: `${expectation} as the catalogue says`,
    received: `${expectation} as the target answered`,
    ...extra,
  };
}

function scenarioRecord(id: string, list: UnconfirmedExpectation[]): ScenarioRecord {
  return {
    id,
    title: id,
    feature: 'Unit',
    status: 'passed',
    durationMs: 1,
    advisories: [],
    verdicts: { scenario: id, failed: [], advisories: [], unconfirmed: list, passed: [], notApplicable: [] },
  };
}

function logged(
  id: string,
  status: number,
  body: unknown,
  generated: ExchangeRecord['generated'] = [],
): ExchangeRecord {
  return {
    format: EXCHANGE_FORMAT,
    runId: 'run-7',
    scenario: id,
    title: id,
    feature: 'Unit',
    source: 'unit.yaml:1',
    profile: 'qa',
    target: 'https://service-qa.hubject.com',
    at: '2026-01-01T00:00:00.000Z',
    request: { method: 'POST', url: 'https://x/p', path: '/p', headers: {}, body: {}, bytes: 2 },
    answer: {
      status,
      reason: 'OK',
      headers: { 'content-type': 'application/json', 'process-id': 'pid-1' },
      body,
      bytes: 10,
      elapsedMs: 3,
    },
    attempts: 1,
    verdict: 'passed',
    generated,
  };
}

const PROFILE = { name: 'qa', file: 'data/environments/qa.yaml', baseUrl: 'https://service-qa.hubject.com' };

test('each unconfirmed expectation gets the value the target answered, as the profile writes it', () => {
  const fields: Record<string, Matcher> = {
    'StatusCode.Description': { matches: '^RFID' },
    EMPPartnerSessionID: { isNull: true },
    AuthorizationStopIdentifications: { minItems: 2 },
    SessionID: { equals: 'x' },
    ProviderID: { equals: 'DE*ICE' },
  };
  const scenario = buildScenario({ id: 'refusal', expect: { fields } });
  const answer = {
    AuthorizationStatus: 'NotAuthorized',
    StatusCode: { Code: '106', Description: 'Keine positive Antwort' },
    EMPPartnerSessionID: 'emp-assigned-1',
    AuthorizationStopIdentifications: [{ RFIDMifareFamilyIdentification: { UID: 'AABBCCDD' } }],
    SessionID: 'b2688855-7f00-0000-0000-000000000001',
    ProviderID: '***',
  };
  const calibration = calibrate({
    records: [
      scenarioRecord('refusal', [
        unconfirmed('status'),
        unconfirmed('body'),
        unconfirmed('authorizationStatus'),
        unconfirmed('statusCode', { basis: 'observed' }),
        unconfirmed('fields.StatusCode.Description'),
        unconfirmed('fields.EMPPartnerSessionID'),
        unconfirmed('fields.AuthorizationStopIdentifications'),
        unconfirmed('fields.SessionID'),
        unconfirmed('fields.ProviderID'),
      ]),
      scenarioRecord('nothing-came-back', [unconfirmed('statusCode')]),
    ],
    exchanges: [
      logged('refusal', 200, answer, [{ path: 'answer.body.SessionID', by: 'target' }]),
      {
        ...logged('nothing-came-back', 200, {}),
        answer: undefined,
        noAnswer: { kind: 'timeout', message: 'x', elapsedMs: 1 },
      },
    ],
    scenarios: [scenario, buildScenario({ id: 'nothing-came-back' })],
    profile: { ...PROFILE, expectations: [] },
    schemas,
    runId: 'run-7',
  });
  const proposals = Object.fromEntries(
    calibration.entries.map((e) => [
      `${e.scenario} ${e.expectation}`,
      e.proposed ?? `not proposed: ${e.notProposed}`,
    ]),
  );
  expect(proposals).toEqual({
    'refusal status': 200,
    // Not an eRoamingAuthorizationStart (its ProviderID is no ProviderID), but a StatusCode body.
    'refusal body': 'OicpERoamingFault',
    'refusal authorizationStatus': 'NotAuthorized',
    'refusal statusCode': '106',
    'refusal fields.StatusCode.Description': { equals: 'Keine positive Antwort' },
    'refusal fields.EMPPartnerSessionID': { isNull: false },
    'refusal fields.AuthorizationStopIdentifications': { minItems: 1 },
    'refusal fields.SessionID': 'not proposed: the target makes this value fresh for every answer',
    'refusal fields.ProviderID': 'not proposed: the value is masked (it carries a secret)',
    'nothing-came-back statusCode': 'not proposed: no answer arrived: there is nothing to calibrate to',
  });
  expect(calibration.entries[0]?.processId).toBe('pid-1');
  expect(calibration.paste).toBe('add');

  // The block is YAML the profile's schema accepts, and says the same.
  const block = parse(calibration.yaml ?? '') as { expectations: Record<string, unknown> };
  expect(
    schemas.violations('https://oicp-conformance.example/schemas/environment.schema.json', {
      name: 'qa',
      baseUrl: 'x',
      variables: {},
      ...block,
    }),
  ).toEqual([]);
  expect(block.expectations.refusal).toEqual({
    status: 200,
    body: 'OicpERoamingFault',
    authorizationStatus: 'NotAuthorized',
    statusCode: '106',
    fields: {
      'StatusCode.Description': { equals: 'Keine positive Antwort' },
      EMPPartnerSessionID: { isNull: false },
      AuthorizationStopIdentifications: { minItems: 1 },
    },
  });
  expect(calibration.yaml).toContain(
    'statusCode: "106"  # catalogue: statusCode as the catalogue says (observed)',
  );

  const markdown = calibrationMarkdown(calibration);
  expect(markdown).toContain(
    '10 expectation(s) of 2 scenario(s) are observed Hubject behaviour or our assumption',
  );
  expect(markdown).toContain(
    '| refusal | statusCode | observed | statusCode as the catalogue says | statusCode as the target answered | pid-1 |',
  );
  // Every value is Markdown-escaped (src/text.ts, markdownText): it renders as written.
  expect(markdown).toContain('## For data/environments/qa\\.yaml');
  expect(markdown).toContain(
    '- refusal · fields\\.ProviderID: the value is masked \\(it carries a secret\\)',
  );
});

test('with overrides already in the profile, the block replaces its expectations and keeps the others', () => {
  const existing: ExpectationOverride[] = [
    {
      scenario: 'kept',
      expectation: 'statusCode',
      value: '210',
      at: { file: 'qa.yaml', line: 3, field: '', message: '' },
    },
    {
      scenario: 'refusal',
      expectation: 'statusCode',
      value: '102',
      at: { file: 'qa.yaml', line: 5, field: '', message: '' },
    },
  ];
  const calibration = calibrate({
    records: [scenarioRecord('refusal', [unconfirmed('statusCode', { basis: 'observed', profile: 'qa' })])],
    exchanges: [logged('refusal', 200, { StatusCode: { Code: '106' } })],
    scenarios: [buildScenario({ id: 'refusal' })],
    profile: { ...PROFILE, expectations: existing },
    schemas,
  });
  expect(calibration.paste).toBe('replace');
  expect(parse(calibration.yaml ?? '')).toEqual({
    expectations: { kept: { statusCode: '210' }, refusal: { statusCode: '106' } },
  });
  expect(calibration.yaml).toContain('statusCode: "106"  # replaces the profile’s value');
  expect(calibrationMarkdown(calibration)).toContain(
    "Replace the profile's `expectations:` block with this one",
  );
});

test('nothing unconfirmed, nothing to calibrate: the file says so', () => {
  const calibration = calibrate({
    records: [scenarioRecord('fine', [])],
    exchanges: [],
    scenarios: [],
    profile: { ...PROFILE, expectations: [] },
    schemas,
  });
  expect(calibration.yaml).toBeUndefined();
  expect(calibrationMarkdown(calibration)).toContain('nothing to calibrate');
});

test('calibration.md and its twin are written after every run; the Allure report gets it when it lists anything', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-calibration-'));
  const reports = reportPaths({ OICP_REPORTS_DIR: root });
  fs.mkdirSync(reports.allureResults, { recursive: true });
  const empty = calibrate({
    records: [],
    exchanges: [],
    scenarios: [],
    profile: { ...PROFILE, expectations: [] },
    schemas,
  });
  writeCalibration(reports, empty);
  expect(fs.readFileSync(reports.calibrationMarkdown, 'utf8')).toContain('nothing to calibrate');
  expect(JSON.parse(fs.readFileSync(reports.calibrationJson, 'utf8')).entries).toEqual([]);
  expect(runAttachments(reports.allureResults)).toEqual([]);
  writeCalibration(
    reports,
    calibrate({
      records: [scenarioRecord('refusal', [unconfirmed('statusCode')])],
      exchanges: [logged('refusal', 200, { StatusCode: { Code: '106' } })],
      scenarios: [buildScenario({ id: 'refusal' })],
      profile: { ...PROFILE, expectations: [] },
      schemas,
    }),
  );
  const [attachment] = runAttachments(reports.allureResults);
  expect(attachment).toMatchObject({ name: 'Calibration', type: 'text/markdown' });
  expect(attachment?.content).toContain('statusCode: "106"');
});
