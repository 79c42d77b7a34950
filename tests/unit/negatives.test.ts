import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProfile } from '../../src/config/profile.ts';
import { NegativeCaseDeriver } from '../../src/negatives/derive.ts';
import { generatedNegativeScenarios, loadBaseRequests } from '../../src/negatives/scenarios.ts';
import { schemasDir } from '../../src/paths.ts';
import { parseSelection } from '../../src/run/suite.ts';
import { OICP, SchemaRegistry, schemaRegistry } from '../../src/schemas/registry.ts';
import { expect, test } from '../support/test.ts';

const registry = schemaRegistry();
const profile = loadProfile(registry, {});

test('every generated variant is rejected by our request schema, and ids are unique', () => {
  const scenarios = generatedNegativeScenarios(registry, profile);
  expect(scenarios.length).toBeGreaterThanOrEqual(40);
  expect(new Set(scenarios.map((s) => s.id)).size).toBe(scenarios.length);
  for (const scenario of scenarios) {
    expect(scenario.invalid).toBe(true);
    expect(registry.violations(OICP.request, scenario.request.body).length, scenario.id).toBeGreaterThan(0);
  }
});

test('each kind of rule gets its variant, with the expected id', () => {
  const ids = generatedNegativeScenarios(registry, profile).map((s) => s.id);
  for (const id of [
    'schema-operator-id-missing',
    'schema-identification-missing',
    'schema-body-unknown-property',
    'schema-operator-id-pattern',
    'schema-evse-id-type',
    'schema-cpo-partner-session-id-max-length',
    'schema-identification-empty',
    'schema-identification-two-members',
    'schema-identification-rfid-identification-not-allowed',
    'schema-identification-rfid-mifare-family-identification-uid-pattern',
    'schema-identification-qr-code-identification-pin-missing',
    'schema-identification-qr-code-identification-hashed-pin-not-null',
    'schema-identification-plug-and-charge-identification-evco-id-pattern',
    'schema-identification-remote-identification-evco-id-missing',
  ]) {
    expect(ids, id).toContain(id);
  }
});

test("the lint/enforced split follows the schema's lint comments and sets the expectation from the profile", () => {
  const byId = new Map(generatedNegativeScenarios(registry, profile).map((s) => [s.id, s]));
  const lint = [
    'schema-body-unknown-property',
    'schema-identification-two-members',
    'schema-identification-rfid-identification-not-allowed',
    'schema-identification-qr-code-identification-hashed-pin-not-null',
    'schema-partner-product-id-max-length',
  ];
  const enforced = [
    'schema-operator-id-missing',
    'schema-identification-empty',
    'schema-identification-rfid-mifare-family-identification-uid-pattern',
    'schema-session-id-pattern',
  ];
  for (const id of lint) {
    expect(byId.get(id)?.tags, id).toContain('lint');
    expect(byId.get(id)?.expect).toMatchObject({ status: 200, body: 'eRoamingAuthorizationStart' });
  }
  for (const id of enforced) {
    expect(byId.get(id)?.tags, id).toContain('enforced');
    expect(byId.get(id)?.expect).toMatchObject({ status: 400, body: 'FaultBody' });
  }
  const stricter = {
    ...profile,
    invalidRequests: { ...profile.invalidRequests, lint: { status: 422, body: 'any' as const } },
  };
  const unknown = generatedNegativeScenarios(registry, stricter).find(
    (s) => s.id === 'schema-body-unknown-property',
  );
  expect(unknown?.expect).toMatchObject({ status: 422, body: 'any' });
  // A lint-only rule is not Hubject's contract: changing its answer relaxes no OICP rule.
  expect(unknown?.relaxedByProfile).toBeUndefined();
});

test('a profile expecting another answer to a broken enforced rule relaxes that rule, and each such scenario says so', () => {
  expect(generatedNegativeScenarios(registry, profile).some((s) => s.relaxedByProfile)).toBe(false);
  const lenient = {
    ...profile,
    invalidRequests: { ...profile.invalidRequests, enforced: { status: 200, body: 'any' as const } },
  };
  const scenarios = generatedNegativeScenarios(registry, lenient);
  const enforced = scenarios.filter((s) => s.tags.includes('enforced'));
  expect(enforced.length).toBeGreaterThan(0);
  for (const scenario of enforced)
    expect(scenario.relaxedByProfile, scenario.id).toEqual([
      {
        setting: 'invalidRequests.enforced',
        contract: 'HTTP 400 with a FaultBody',
        accepted: 'HTTP 200 with any body',
        profile: profile.name,
      },
    ]);
  for (const scenario of scenarios.filter((s) => s.tags.includes('lint')))
    expect(scenario.relaxedByProfile, scenario.id).toBeUndefined();
});

test('the variants are deterministic: same ids, titles and bodies in every process', () => {
  const first = generatedNegativeScenarios(registry, profile);
  const second = generatedNegativeScenarios(registry, profile);
  expect(second.map((s) => [s.id, s.title, s.request])).toEqual(first.map((s) => [s.id, s.title, s.request]));
});

test('a variant changes one thing: the path operatorID stays the valid one of its base', () => {
  const pattern = generatedNegativeScenarios(registry, profile).find(
    (s) => s.id === 'schema-operator-id-pattern',
  );
  expect(pattern?.request.operatorId).toBe(profile.variables.operatorId);
  expect((pattern?.request.body as Record<string, unknown> | undefined)?.OperatorID).toBe(
    `${profile.variables.operatorId}#`,
  );
});

test('adding a rule to the request schema adds its variant automatically', () => {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-schemas-'));
  fs.cpSync(schemasDir, copy, { recursive: true });
  const file = path.join(copy, 'oicp', 'eRoamingAuthorizeStart.schema.json');
  const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
  // A new rule: EMPPartnerSessionID at least 3 characters.
  schema.properties.EMPPartnerSessionID = {
    anyOf: [{ type: 'null' }, { type: 'string', maxLength: 250, minLength: 3 }],
  };
  fs.writeFileSync(file, JSON.stringify(schema));
  const extended = new SchemaRegistry(copy);
  const before = new NegativeCaseDeriver(registry)
    .derive(loadBaseRequests(registry, profile))
    .map((v) => v.id);
  const after = new NegativeCaseDeriver(extended)
    .derive(loadBaseRequests(extended, profile))
    .map((v) => v.id);
  expect(after.filter((id) => !before.includes(id))).toEqual(['schema-emp-partner-session-id-min-length']);
});

test('an invalid base request is refused: variants must come from a valid request', () => {
  expect(() =>
    new NegativeCaseDeriver(registry).derive([{ name: 'broken', body: { OperatorID: 'DE*ABC' } }]),
  ).toThrow("base request 'broken' is not valid");
});

test('OICP_SCENARIOS: unset runs files and generated cases; "generated" selects the generated cases', () => {
  expect(parseSelection(undefined)).toEqual({ files: undefined, generated: true });
  expect(parseSelection('generated')).toEqual({ files: '', generated: true });
  expect(parseSelection('data/x.yaml')).toEqual({ files: 'data/x.yaml', generated: false });
  expect(parseSelection('data/x.yaml, generated')).toEqual({ files: 'data/x.yaml', generated: true });
});
