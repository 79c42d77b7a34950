import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeProfileExpectations } from '../../src/config/expectation-overrides.ts';
import { profileFile } from '../../src/config/profile.ts';
import { InputError } from '../../src/input/errors.ts';
import { scenarioMetadata } from '../../src/report/allure-labels.ts';
import { loadSuiteFresh } from '../../src/run/suite.ts';
import { basisOf, expectationKeys } from '../../src/scenarios/basis.ts';
import { expect, test } from '../support/test.ts';

// A profile's per-scenario expectation overrides (expectations:): applied with their provenance, and checked
// against the catalogue before anything is sent — an unknown scenario, an expectation the scenario does not
// make, or one whose basis is an OICP rule is a configuration error with its file, line and field.

const FIXTURE = 'tests/fixtures/scenarios/mock-vs-qa.yaml';
const unique = `${process.pid}-${Date.now()}`;
const written: string[] = [];

/** A copy of the mock profile under a name of its own, with `expectations` appended. */
function profileWith(expectations: string): string {
  const name = `fixture-expectations-${unique}-${written.length}`;
  const mock = fs.readFileSync(profileFile('mock'), 'utf8').replace(/^name: mock$/m, `name: ${name}`);
  fs.writeFileSync(profileFile(name), `${mock}\n${expectations}`);
  written.push(name);
  return name;
}

test.afterAll(() => {
  for (const name of written) fs.rmSync(profileFile(name), { force: true });
});

function loadError(env: Record<string, string>): InputError {
  try {
    loadSuiteFresh(env);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

test('an override replaces the expectation, and keeps where it came from', () => {
  const name = profileWith(`expectations:
  fixture-drift-unknown-card:
    statusCode: "106"
  fixture-drift-authorized:
    fields:
      ProviderID: { equals: "{{qrProviderId}}" }
`);
  const { scenarios, profile } = loadSuiteFresh({ OICP_ENV: name, OICP_SCENARIOS: FIXTURE });
  const card = scenarios.find((s) => s.id === 'fixture-drift-unknown-card');
  expect(card?.expect.statusCode).toBe('106');
  const basis = basisOf(card ?? { expect: { status: 0, body: 'any', fields: {} } }, 'statusCode');
  expect(basis).toMatchObject({ kind: 'observed', profile: name });
  expect(basis.citation).toContain(`profile '${name}' (data/environments/${name}.yaml:`);
  expect(basis.citation).toContain(
    'the catalogue expected StatusCode.Code "102" (assumption: 102 rather than 106',
  );
  const line =
    fs
      .readFileSync(profileFile(name), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes('statusCode: "106"')) + 1;
  expect(card?.fromProfile).toEqual([
    {
      expectation: 'statusCode',
      expected: 'StatusCode.Code "106"',
      catalogue: {
        expected: 'StatusCode.Code "102"',
        basis: 'assumption',
        citation: '102 rather than 106 for a card no EMP knows (fixture)',
      },
      profile: name,
      source: `data/environments/${name}.yaml:${line}:17`,
    },
  ]);
  // Variables resolve in an override as anywhere in a scenario; the other expectations stay the catalogue's.
  const authorized = scenarios.find((s) => s.id === 'fixture-drift-authorized');
  expect(authorized?.expect.fields.ProviderID).toEqual({ equals: '{{qrProviderId}}' });
  expect(authorized?.expect.statusCode).toBe('000');
  expect(basisOf(authorized as never, 'statusCode').kind).toBe('rule');
  expect(profile.expectations).toHaveLength(2);
  // Scenarios without overrides are untouched.
  expect(scenarios.find((s) => s.id === 'fixture-drift-wrong-pin')?.fromProfile).toBeUndefined();
});

test('an override of an unknown scenario, of a rule, or of an expectation the scenario does not make is refused', () => {
  const name = profileWith(`expectations:
  fixture-drift-unknwn-card:
    statusCode: "106"
  fixture-drift-wrong-pin:
    statusCode: "106"
  fixture-drift-invalid:
    authorizationStatus: NotAuthorized
  fixture-drift-partner-session:
    fields:
      ProviderID: { isNull: false }
  fixture-drift-authorized:
    fields:
      ProviderID: { equals: "{{noSuchVariable}}" }
`);
  const error = loadError({ OICP_ENV: name, OICP_SCENARIOS: FIXTURE });
  expect(error.message).toContain('nothing was sent');
  const file = `data/environments/${name}.yaml`;
  const lines = fs.readFileSync(profileFile(name), 'utf8').split('\n');
  const at = (text: string, from = 0) => lines.findIndex((l, i) => i >= from && l.includes(text)) + 1;
  expect(error.problems.map((p) => `${p.file}:${p.line} ${p.field}: ${p.message}`)).toEqual([
    `${file}:${at('statusCode', at('fixture-drift-unknwn-card'))} expectations.fixture-drift-unknwn-card.statusCode: no scenario 'fixture-drift-unknwn-card' in the catalogue or the selection; did you mean fixture-drift-unknown-card?`,
    expect.stringMatching(
      new RegExp(
        `^${file}:${at('statusCode', at('fixture-drift-wrong-pin'))} expectations\\.fixture-drift-wrong-pin\\.statusCode: scenario 'fixture-drift-wrong-pin' \\(tests/fixtures/scenarios/mock-vs-qa\\.yaml:\\d+\\) states statusCode as an OICP rule \\(OICP 2\\.3 CPO, 02 Services and Operations, [^“]*“[^”]+”\\): a profile can only calibrate observed behaviour and assumptions, never a rule$`,
      ),
    ),
    `${file}:${at('authorizationStatus')} expectations.fixture-drift-invalid.authorizationStatus: scenario 'fixture-drift-invalid' makes no authorizationStatus expectation (it expects: status, body); an override replaces an expectation of the catalogue, it does not add one`,
    `${file}:${at('ProviderID: { isNull')} expectations.fixture-drift-partner-session.fields.ProviderID: scenario 'fixture-drift-partner-session' makes no fields.ProviderID expectation (it expects: status, body, authorizationStatus, fields.CPOPartnerSessionID); an override replaces an expectation of the catalogue, it does not add one`,
    `${file}:${at('noSuchVariable')} expectations.fixture-drift-authorized.fields.ProviderID: unknown variable {{noSuchVariable}}: the profile defines no such variable`,
  ]);
});

test('a malformed override is a schema error at its line', () => {
  const name = profileWith(`expectations:
  fixture-drift-unknown-card:
    statusCode: 106
`);
  const error = loadError({ OICP_ENV: name, OICP_SCENARIOS: FIXTURE });
  expect(error.problems[0]).toMatchObject({
    file: `data/environments/${name}.yaml`,
    field: 'expectations.fixture-drift-unknown-card.statusCode',
    message: expect.stringMatching(/^must be string: quote it/),
  });
  expect(error.problems[0]?.line).toBeGreaterThan(1);
});

test('an override of a catalogue scenario outside the selection is checked against the catalogue, not applied', () => {
  // Any catalogue scenario with an expectation that is not a rule (read from the catalogue, not pinned here).
  const catalogue = loadSuiteFresh({ OICP_SCENARIOS: 'data/scenarios' }).scenarios;
  const target = catalogue
    .flatMap((s) => expectationKeys(s).map((key) => ({ scenario: s, key })))
    .find(({ scenario, key }) => key === 'statusCode' && basisOf(scenario, key).kind !== 'rule');
  if (!target) throw new Error('the catalogue has no statusCode expectation that is not a rule');
  const name = profileWith(`expectations:
  ${target.scenario.id}:
    statusCode: "999"
`);
  const { scenarios } = loadSuiteFresh({ OICP_ENV: name, OICP_SCENARIOS: FIXTURE });
  expect(scenarios.some((s) => s.fromProfile)).toBe(false);
  const all = loadSuiteFresh({ OICP_ENV: name, OICP_SCENARIOS: 'data/scenarios' }).scenarios;
  expect(all.find((s) => s.id === target.scenario.id)?.expect.statusCode).toBe('999');
});

test('a new status takes the body along when the body followed the old status', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-expectations-'));
  fs.writeFileSync(
    path.join(dir, 'status.yaml'),
    `feature: Fixture — a status that is an assumption
basis: { assumption: "the fixture's guess" }
scenarios:
  - id: fixture-oversized-request
    title: An oversized request is answered with HTTP 413
    request:
      operatorId: "{{operatorId}}"
      body: { OperatorID: "{{operatorId}}", Identification: { RFIDMifareFamilyIdentification: { UID: "{{unknownUid}}" } } }
    expect:
      status: 400
`,
  );
  const name = profileWith(`expectations:
  fixture-oversized-request:
    status: 200
`);
  const [scenario] = loadSuiteFresh({ OICP_ENV: name, OICP_SCENARIOS: dir }).scenarios;
  expect(scenario?.expect).toMatchObject({ status: 200, body: 'eRoamingAuthorizationStart' });
  expect(
    scenario?.fromProfile?.map((p) => `${p.expectation}: ${p.catalogue.expected} → ${p.expected}`),
  ).toEqual(['body: a FaultBody body → a eRoamingAuthorizationStart body', 'status: HTTP 400 → HTTP 200']);
});

test('the Allure report marks a scenario with expectations from the profile, without starting a new history', () => {
  const name = profileWith(`expectations:
  fixture-drift-unknown-card:
    statusCode: "106"
`);
  const { scenarios, profile } = loadSuiteFresh({ OICP_ENV: name, OICP_SCENARIOS: FIXTURE });
  const card = scenarios.find((s) => s.id === 'fixture-drift-unknown-card');
  if (!card) throw new Error('fixture scenario missing');
  const metadata = scenarioMetadata(card, profile, {});
  expect(metadata.labels).toEqual(
    expect.arrayContaining([
      { name: 'tag', value: 'calibrated' },
      { name: 'fromProfile', value: `statusCode (profile ${name})` },
    ]),
  );
  expect(metadata.parameters).toContainEqual({
    name: 'expectations from profile',
    value: 'StatusCode.Code "106" (catalogue: StatusCode.Code "102")',
    excluded: true,
  });
  const plain = scenarioMetadata(
    scenarios.find((s) => s.id === 'fixture-drift-wrong-pin') ?? card,
    profile,
    {},
  );
  expect(plain.labels.map((l) => l.value)).not.toContain('calibrated');
  expect(describeProfileExpectations(card)).toContain(
    `statusCode: expects StatusCode.Code "106"\n  from profile '${name}' (data/environments/${name}.yaml:`,
  );
});
