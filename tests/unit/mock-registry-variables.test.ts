import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadMockRegistry } from '../../mock/registry.ts';
import { mockRegistryVariables } from '../../src/config/mock-registry-variables.ts';
import { loadProfile, variablesOfOtherProfiles } from '../../src/config/profile.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { inputErrorOf } from '../support/input-error.ts';
import { expect, test } from '../support/test.ts';

// A registry entry of the embedded mock names the mock profile's variable for its values: one edit per card.

const registry = schemaRegistry();

/**
 * A registry of the test's own (the shipped one is the user's to edit): one operator, one operator with EVSEs,
 * and the cards and contracts given (YAML list items).
 */
function registryFile(extra: { rfidCards?: string; contracts?: string; evses?: string }): string {
  const text = [
    'operators:',
    "  - operatorId: 'DE*ABC'",
    "  - operatorId: 'DE*EVS'",
    '    evses:',
    "      - evseId: 'DE*EVS*E1000001*1'",
    extra.evses ?? '',
    extra.rfidCards ? `rfidCards:\n${extra.rfidCards}` : 'rfidCards: []',
    extra.contracts ? `contracts:\n${extra.contracts}` : 'contracts: []',
    '',
  ].join('\n');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-registry-')), 'registry.yaml');
  fs.writeFileSync(file, text);
  return file;
}

/** Variable names of this test's own; the mock profile the user edits must not define them. */
const unique = `Unit${randomBytes(3).toString('hex')}`;
const FLEET_UID = `fleetUid${unique}`;
const FLEET_PROVIDER = `fleetProviderId${unique}`;

const FLEET_CARD = `  - uid: '04F1EE7C0A2B3C'
    variable: ${FLEET_UID}
    variables: { providerId: ${FLEET_PROVIDER} }
    outcome: { status: Authorized, providerId: 'DE*FLT' }
`;

test("an entry's variable and variables become values of the embedded mock's profile, and the mock knows the entry", () => {
  const file = registryFile({
    rfidCards: FLEET_CARD,
    contracts: `  - evcoId: 'DE-FLT-CQR000001-5'
    pin: '4711'
    variable: qrEvcoId${unique}
    variables: { pin: qrPin${unique}, providerId: qrProviderId${unique} }
    outcome: { status: Authorized, providerId: 'DE-FLT' }
`,
    evses: `      - evseId: 'DE*EVS*E1000002*1'
        variable: evseId${unique}`,
  });
  const profile = loadProfile(registry, { OICP_MOCK_REGISTRY: file });
  expect(profile.variables).toMatchObject({
    [FLEET_UID]: '04F1EE7C0A2B3C',
    [FLEET_PROVIDER]: 'DE*FLT',
    [`qrEvcoId${unique}`]: 'DE-FLT-CQR000001-5',
    [`qrPin${unique}`]: '4711',
    [`qrProviderId${unique}`]: 'DE-FLT',
    [`evseId${unique}`]: 'DE*EVS*E1000002*1',
  });
  // The profile's own values are still there.
  const shipped = loadProfile(registry, {});
  const own = Object.keys(shipped.variables).filter(
    (name) => shipped.variableOrigins?.[name]?.file === shipped.file,
  );
  expect(own.length).toBeGreaterThan(0);
  for (const name of own) expect(profile.variables[name]).toBe(shipped.variables[name]);
  expect(profile.mockRegistry).toBe(file);
  expect(profile.variableOrigins?.[FLEET_UID]).toMatchObject({
    file: expect.stringContaining('registry.yaml'),
  });
  // The mock itself reads the same file and knows the card.
  expect(loadMockRegistry(file).cardByUid('04F1EE7C0A2B3C')?.outcome.status).toBe('Authorized');
  // Another profile sees the variable as the mock profile's: its scenarios are skipped there, not a typo.
  expect(variablesOfOtherProfiles(registry, 'qa', { OICP_MOCK_REGISTRY: file }).get(FLEET_UID)).toEqual([
    'mock',
  ]);
  // A profile that is not the embedded mock's takes nothing from the registry.
  expect(variablesOfOtherProfiles(registry, 'mock', { OICP_MOCK_REGISTRY: file }).has(FLEET_UID)).toBe(false);
});

test('a variable defined twice — by two entries, or by an entry and mock.yaml — is an error naming both places', () => {
  const twice = registryFile({
    rfidCards: `${FLEET_CARD}  - uid: '04F1EE7C0A2B3D'
    variable: ${FLEET_UID}
    outcome: { status: NotAuthorized, code: '210' }
`,
  });
  const error = inputErrorOf(() => mockRegistryVariables(registry, twice));
  expect(error.problems).toHaveLength(1);
  expect(error.problems[0]).toMatchObject({ field: 'rfidCards[1].variable', line: expect.any(Number) });
  expect(error.problems[0]?.message).toMatch(
    new RegExp(`\\{\\{${FLEET_UID}\\}\\} is defined twice \\(first at .*registry\\.yaml:\\d+:\\d+\\)`),
  );

  // A name the mock profile itself defines (whichever it is: the profile is the user's to edit).
  const [taken] = Object.keys(loadProfile(registry, {}).variables);
  const clash = registryFile({
    rfidCards: `  - uid: '04F1EE7C0A2B3C'
    variable: ${taken}
    outcome: { status: Authorized, providerId: 'DE*FLT' }
`,
  });
  const both = inputErrorOf(() => loadProfile(registry, { OICP_MOCK_REGISTRY: clash }));
  expect(both.message).toMatch(
    new RegExp(
      `registry\\.yaml:\\d+:\\d+ ${taken}: \\{\\{${taken}\\}\\} is defined here and in data/environments/mock\\.yaml:\\d+:\\d+: keep one`,
    ),
  );
});

test('a variable for a value the entry does not have, or a name that is no variable name, is an error at its line', () => {
  const refusal = registryFile({
    rfidCards: `  - uid: '04F1EE7C0A2B3D'
    variables: { providerId: myRefusedProviderId }
    outcome: { status: NotAuthorized, code: '210' }
`,
  });
  expect(inputErrorOf(() => mockRegistryVariables(registry, refusal)).problems[0]).toMatchObject({
    field: 'rfidCards[0].variables.providerId',
    message: 'names {{myRefusedProviderId}} for the ProviderID of its outcome, but this entry has none',
  });
  const badName = registryFile({
    rfidCards: `  - uid: '04F1EE7C0A2B3D'
    variable: "{{fleetUid}}"
    outcome: { status: NotAuthorized, code: '210' }
`,
  });
  expect(inputErrorOf(() => mockRegistryVariables(registry, badName)).problems[0]).toMatchObject({
    field: 'rfidCards[0].variable',
    line: expect.any(Number),
  });
  const misspelt = registryFile({
    rfidCards: `  - uid: '04F1EE7C0A2B3D'
    varible: fleetUid
    outcome: { status: NotAuthorized, code: '210' }
`,
  });
  expect(inputErrorOf(() => mockRegistryVariables(registry, misspelt)).problems[0]?.message).toBe(
    "unknown property 'varible'; did you mean 'variable' or 'variables'?",
  );
});

test('OICP_MOCK_REGISTRY naming no file stops the run with the file named', () => {
  const missing = path.join(os.tmpdir(), 'no-such-dir-oicp', 'registry.yaml');
  expect(inputErrorOf(() => loadProfile(registry, { OICP_MOCK_REGISTRY: missing })).message).toContain(
    'no-such-dir-oicp/registry.yaml',
  );
});
