import path from 'node:path';
import { CHECKS } from '../../src/checks/registry.ts';
import { projectRoot } from '../../src/paths.ts';
import type { ScenarioVerdicts } from '../../src/record/verdicts.ts';
import { processIdOf, verdictsEvidence } from '../../src/report/allure-evidence.ts';
import {
  EPIC,
  identificationType,
  scenarioMetadata,
  scenarioSourceUrl,
  scenarioTestCaseId,
} from '../../src/report/allure-labels.ts';
import { reportEnvironment } from '../../src/report/environment.ts';
import {
  CHECK_TYPES,
  OICP_TYPES,
  OPERATION_DOC,
  TYPE_DOC_BASE,
  typesOfChecks,
} from '../../src/report/oicp-docs.ts';
import { reportPaths } from '../../src/reports-folder/paths.ts';
import { expect, test } from '../support/test.ts';
import { buildProfile, buildScenario } from './helpers/exchange.ts';

const RFID_SOURCE = { file: 'data/scenarios/my-fleet/cards.yaml', line: 26 };

test('the Allure test case of a scenario is derived from its id alone, not its title or file', () => {
  const scenario = { ...buildScenario({ id: 'my-fleet-card-refused' }), source: RFID_SOURCE };
  const renamed = {
    ...scenario,
    title: 'Another title',
    feature: 'Another feature',
    source: { file: 'x.yaml', line: 3 },
  };
  const profile = buildProfile();
  expect(scenarioMetadata(scenario, profile, {}).testCaseId).toBe(
    'oicp-2.3/eRoamingAuthorizeStart/my-fleet-card-refused',
  );
  expect(scenarioMetadata(renamed, profile, {}).testCaseId).toBe(
    scenarioMetadata(scenario, profile, {}).testCaseId,
  );
  expect(scenarioTestCaseId('a')).not.toBe(scenarioTestCaseId('b'));
});

test('labels carry epic, feature, story, severity, scenario id and source; nothing the parameters already say', () => {
  const scenario = {
    ...buildScenario({ id: 'rfid-x' }),
    feature: 'RFID (Mifare family)',
    story: 'Refuse an unknown RFID card',
    severity: 'critical' as const,
    source: RFID_SOURCE,
  };
  const labels = scenarioMetadata(scenario, buildProfile(), {}).labels;
  expect(labels).toEqual(
    expect.arrayContaining([
      { name: 'epic', value: EPIC },
      { name: 'feature', value: 'RFID (Mifare family)' },
      { name: 'story', value: 'Refuse an unknown RFID card' },
      { name: 'severity', value: 'critical' },
      { name: 'scenarioId', value: 'rfid-x' },
      { name: 'scenarioSource', value: 'data/scenarios/my-fleet/cards.yaml:26' },
    ]),
  );
  // The profile is a parameter (it splits the history): a label would only repeat it.
  expect(labels.map((label) => label.name)).not.toContain('targetProfile');
  expect(EPIC).toBe('OICP 2.3 eRoamingAuthorizeStart');
});

test('identification and profile split the history; the target URL is shown but excluded from it', () => {
  const parameters = scenarioMetadata(buildScenario(), buildProfile(), {}).parameters;
  expect(parameters).toEqual([
    { name: 'identification', value: 'RFIDMifareFamilyIdentification', excluded: false },
    { name: 'profile', value: 'unit', excluded: false },
    { name: 'target', value: 'http://127.0.0.1:9', excluded: true },
  ]);
  const none = buildScenario({ request: { body: { OperatorID: 'DE*ABC' } } });
  expect(identificationType(none)).toBe('none');
});

test('links lead to the operation, the request and identification types, and the scenario source', () => {
  const scenario = { ...buildScenario(), source: RFID_SOURCE };
  const links = scenarioMetadata(scenario, buildProfile(), {
    OICP_SOURCE_URL: 'https://git.example/suite/blob/main/',
  }).links;
  const urls = links.map((link) => link.url);
  expect(urls).toContain(OPERATION_DOC);
  expect(urls).toContain(`${TYPE_DOC_BASE}eRoamingAuthorizeStart.yaml`);
  expect(urls).toContain(`${TYPE_DOC_BASE}RFIDMifareFamilyIdentification.yaml`);
  expect(urls).toContain('https://git.example/suite/blob/main/data/scenarios/my-fleet/cards.yaml#L26');
  expect(links.find((link) => link.type === 'source')?.name).toContain('cards.yaml:26');
});

test('the source link uses OICP_SOURCE_URL, else the GitHub Actions commit; without either, no link at all', () => {
  expect(scenarioSourceUrl(RFID_SOURCE, { OICP_SOURCE_URL: 'https://git.example/r/-/blob/abc' })).toBe(
    'https://git.example/r/-/blob/abc/data/scenarios/my-fleet/cards.yaml#L26',
  );
  expect(
    scenarioSourceUrl(RFID_SOURCE, {
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/oicp-suite',
      GITHUB_SHA: '0123abc',
    }),
  ).toBe('https://github.com/acme/oicp-suite/blob/0123abc/data/scenarios/my-fleet/cards.yaml#L26');
  // An absolute path inside the project is the same file.
  expect(
    scenarioSourceUrl(
      { file: path.join(projectRoot, RFID_SOURCE.file), line: 26 },
      { OICP_SOURCE_URL: 'https://git.example/r/blob/main' },
    ),
  ).toBe('https://git.example/r/blob/main/data/scenarios/my-fleet/cards.yaml#L26');
  // A relative path or a file:// URL would only work on this machine, and the report travels.
  expect(scenarioSourceUrl(RFID_SOURCE, {})).toBeUndefined();
  expect(
    scenarioSourceUrl(
      { file: '/tmp/elsewhere/my scenarios.yaml', line: 4 },
      { OICP_SOURCE_URL: 'https://x' },
    ),
  ).toBeUndefined();
  const links = scenarioMetadata({ ...buildScenario(), source: RFID_SOURCE }, buildProfile(), {}).links;
  expect(links.filter((link) => link.type === 'source')).toEqual([]);
  expect(links.every((link) => /^https:\/\//.test(link.url))).toBe(true);
});

test('every check of the registry says which OICP types it rests on (add new checks to CHECK_TYPES)', () => {
  for (const check of CHECKS) expect(Object.keys(CHECK_TYPES), check.name).toContain(check.name);
  for (const types of Object.values(CHECK_TYPES))
    for (const type of types) expect(OICP_TYPES).toContain(type);
  expect(typesOfChecks(['statusCodeAsExpected', 'statusCodeInOicpTable', 'authorizedHasSessionId'])).toEqual([
    'StatusCode',
    'SessionID',
  ]);
  expect(typesOfChecks(['aCheckThatDoesNotExist'])).toEqual([]);
});

test("Hubject's Process-ID is read from the answer's headers, whatever their case", () => {
  expect(processIdOf({ 'content-type': 'application/json', 'Process-ID': ' 6a1f-77 ' })).toBe('6a1f-77');
  expect(processIdOf({ 'process-id': 'abc' })).toBe('abc');
  expect(processIdOf({ 'content-type': 'application/json' })).toBeUndefined();
  expect(processIdOf({ 'Process-ID': '  ' })).toBeUndefined();
});

test('the verdicts give the report the failed checks in order and every applied check', () => {
  const evidence = verdictsEvidence({
    scenario: 's',
    failed: [
      { check: 'httpStatusAsExpected', category: 'status' },
      { check: 'bodyMatchesSchema', category: 'schema' },
    ],
    advisories: [{ check: 'requestCarriesEvseId', category: 'best-practice' }],
    unconfirmed: [],
    passed: ['answeredWithinBudget'],
    notApplicable: ['authorizedHasSessionId'],
  } as unknown as ScenarioVerdicts);
  expect(evidence.failed.map((f) => f.check)).toEqual(['httpStatusAsExpected', 'bodyMatchesSchema']);
  expect(evidence.applied.sort()).toEqual(
    ['answeredWithinBudget', 'bodyMatchesSchema', 'httpStatusAsExpected', 'requestCarriesEvseId'].sort(),
  );
  expect(evidence.unconfirmed).toEqual([]);
  expect(evidence.relaxed).toEqual([]);
});

test('the environment table states target, profile, versions and run start, and nothing of the account', () => {
  const profile = {
    ...buildProfile({ operatorId: 'DE*SECRETOP', qrPin: '99887766' }),
    startEmbeddedMock: true,
  };
  const environment = reportEnvironment(profile, new Date('2026-01-02T03:04:05Z'), {});
  expect(environment).toMatchObject({
    target: 'http://127.0.0.1:9',
    profile: 'unit (embedded mock, started by the run)',
    'OICP version': '2.3',
    'run start': '2026-01-02T03:04:05.000Z',
    node: process.version,
  });
  expect(environment.endpoint).toContain('eRoamingAuthorizeStart v2.1');
  expect(environment.suite).toMatch(/^oicp-authorize-start-conformance \d+\.\d+\.\d+/);
  expect(environment.playwright).toMatch(/^\d+\.\d+\.\d+/);
  const text = JSON.stringify(environment);
  expect(text).not.toContain('SECRETOP');
  expect(text).not.toContain('99887766');
});

test('the Allure history lives outside the folders each run replaces, and OICP_ALLURE_HISTORY moves it', () => {
  const defaults = reportPaths({ OICP_REPORTS_DIR: '/tmp/r' });
  expect(defaults.allureHistory).toBe('/tmp/r/history/allure-history.jsonl');
  expect(defaults.allureHistory.startsWith(defaults.allureResults)).toBe(false);
  expect(defaults.allureHistory.startsWith(defaults.allureReport)).toBe(false);
  expect(reportPaths({ OICP_ALLURE_HISTORY: '/cache/oicp/history.jsonl' }).allureHistory).toBe(
    '/cache/oicp/history.jsonl',
  );
});
