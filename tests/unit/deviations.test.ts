import fs from 'node:fs';
import path from 'node:path';
import { DEVIATION_IDS, HUBJECT_DEVIATIONS } from '../../src/checks/deviations.ts';
import { loadProfile, profileFile } from '../../src/config/profile.ts';
import { InputError } from '../../src/input/errors.ts';
import { projectRoot } from '../../src/paths.ts';
import { schemaId, schemaRegistry } from '../../src/schemas/registry.ts';
import { qaEnvironmentFromMockData } from '../support/qa-environment.ts';
import { expect, test } from '../support/test.ts';

const registry = schemaRegistry();

test('the qa profile accepts every known Hubject deviation; the mock profile none (a mock should be better than the original)', () => {
  expect(loadProfile(registry, {}).hubjectDeviations).toEqual([]);
  // The QA profile needs a client certificate only to run; the setting is read from its file as written.
  const qa = fs.readFileSync(path.join(projectRoot, 'data', 'environments', 'qa.yaml'), 'utf8');
  expect(/^hubjectDeviations: \[(.*)\]$/m.exec(qa)?.[1]?.split(', ')).toEqual(DEVIATION_IDS);
  expect(Object.keys(qaEnvironmentFromMockData())).toContain('OICP_ENV');
});

test('the profile schema offers exactly the known deviations, so that a typo in a profile is an error', () => {
  const schema = registry.document(schemaId('environment.schema.json')) as {
    properties: { hubjectDeviations: { items: { enum: string[] } } };
  };
  expect(schema.properties.hubjectDeviations.items.enum).toEqual(DEVIATION_IDS);
  const profile = { name: 'x', baseUrl: 'https://service-qa.hubject.com', variables: {} };
  expect(
    registry.violations(schemaId('environment.schema.json'), { ...profile, hubjectDeviations: ['E-15'] }),
  ).toEqual([]);
  expect(
    registry.violations(schemaId('environment.schema.json'), { ...profile, hubjectDeviations: ['E-99'] })
      .length,
  ).toBeGreaterThan(0);
});

test('docs/errata.md documents each known deviation with its evidence and its rule', () => {
  const errata = fs.readFileSync(path.join(projectRoot, 'docs', 'errata.md'), 'utf8');
  for (const id of DEVIATION_IDS) {
    const row = errata.split('\n').find((line) => line.startsWith(`| ${id} |`));
    expect(row, `docs/errata.md has no row for ${id}`).toBeDefined();
    expect(row).toMatch(/\b20\d\d\b/);
    expect(row).toContain('Hubject deviation');
    expect(HUBJECT_DEVIATIONS[id].evidence).toMatch(/\b20\d\d\b|status code page/);
  }
});

test('hubjectDeviations only on a Hubject profile: anywhere else it would green a broken rule (exit 2 at its line)', () => {
  const name = `fixture-deviations-${process.pid}-${Date.now()}`;
  // The mock profile stands in for Hubject (hubject: true); this copy is another team's hub.
  const mock = fs
    .readFileSync(profileFile('mock'), 'utf8')
    .replace(/^name: mock$/m, `name: ${name}`)
    .replace(/^hubject: true$/m, 'hubject: false');
  expect(mock).toContain('hubject: false');
  try {
    fs.writeFileSync(profileFile(name), `${mock}\nhubjectDeviations: [E-15]\n`);
    let error: unknown;
    try {
      loadProfile(registry, { OICP_ENV: name });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as InputError).message;
    expect(message).toContain(`data/environments/${name}.yaml:${mock.split('\n').length + 1}`);
    expect(message).toContain('hubjectDeviations');
    expect(message).toContain('hubject: true');
    // The same list on a profile that says its target is Hubject loads.
    fs.writeFileSync(
      profileFile(name),
      `${mock.replace('hubject: false', 'hubject: true')}\nhubjectDeviations: [E-15]\n`,
    );
    expect(loadProfile(registry, { OICP_ENV: name }).hubjectDeviations).toEqual(['E-15']);
  } finally {
    fs.rmSync(profileFile(name), { force: true });
  }
});
