import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProfile } from '../../src/config/profile.ts';
import { InputError } from '../../src/input/errors.ts';
import { basisOf, basisTable, expectationKeys, expectationsOf } from '../../src/scenarios/basis.ts';
import { defaultBodyKind, loadScenarios, selectScenarioFiles } from '../../src/scenarios/load.ts';
import { checkPlaceholders, resolveScenario } from '../../src/scenarios/resolve.ts';
import type { Scenario } from '../../src/scenarios/types.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { inputErrorOf } from '../support/input-error.ts';
import { expect, test } from '../support/test.ts';

const registry = schemaRegistry();

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-scenarios-'));
}

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const VALID = `feature: Example
scenarios:
  - id: example-one
    title: One example
    request:
      operatorId: "{{operatorId}}"
      body:
        OperatorID: "{{operatorId}}"
        Identification: { RFIDMifareFamilyIdentification: { UID: "{{authorizedUid}}" } }
    expect:
      status: 200
      authorizationStatus: Authorized
basis: { rule: { statement: broadcast-one-authorizes } }
`;

test('the shipped catalogue loads: unique ids, each with its source line, every variable known to the mock profile', () => {
  // Reads whatever the catalogue holds (users edit it): no ids, no counts.
  const scenarios = loadScenarios(registry, undefined);
  expect(scenarios.length).toBeGreaterThan(0);
  expect(new Set(scenarios.map((s) => s.id)).size).toBe(scenarios.length);
  // Those without a place in data/scenarios/ (one comparison: a step per scenario costs more than the loading).
  const misplaced = scenarios.filter(
    (s) => !/^data\/scenarios\/.+\.yaml$/.test(s.source.file) || !(s.source.line > 1),
  );
  expect(misplaced.map((s) => `${s.id} at ${s.source.file}:${s.source.line}`)).toEqual([]);
  const profile = loadProfile(registry, {});
  expect(() => checkPlaceholders(scenarios, profile.variables, profile.name)).not.toThrow();
});

test('defaults: severity normal, no tags, body schema from the HTTP status', () => {
  const dir = tempDir();
  const [scenario] = loadScenarios(registry, write(dir, 'one.yaml', VALID));
  expect(scenario?.severity).toBe('normal');
  expect(scenario?.tags).toEqual([]);
  expect(scenario?.expect.body).toBe('eRoamingAuthorizationStart');
  expect(scenario?.source.line).toBe(3);
  expect(defaultBodyKind(400)).toBe('FaultBody');
  expect(defaultBodyKind(404)).toBe('OicpERoamingFault');
  expect(defaultBodyKind(401)).toBe('OicpERoamingFault');
  expect(defaultBodyKind(503)).toBe('any');
});

test('a YAML syntax error names file, line and column', () => {
  const dir = tempDir();
  const file = write(dir, 'broken.yaml', 'feature: x\nscenarios:\n  - id: a\n    title: [unclosed\n');
  const error = inputErrorOf(() => loadScenarios(registry, file));
  expect(error.problems[0]?.file).toBe(file);
  expect(error.problems[0]?.line).toBeGreaterThanOrEqual(4);
  expect(error.message).toContain(`${file}:`);
});

test('a schema violation names the field and its line and column', () => {
  const dir = tempDir();
  const file = write(dir, 'bad.yaml', VALID.replace('status: 200', 'status: "200"'));
  const error = inputErrorOf(() => loadScenarios(registry, file));
  expect(error.problems).toEqual([
    expect.objectContaining({
      file,
      line: 11,
      column: 15,
      field: 'scenarios[0].expect.status',
      message: 'must be integer',
    }),
  ]);
});

test('a missing required field points at its parent', () => {
  const dir = tempDir();
  const file = write(dir, 'bad.yaml', VALID.replace('    title: One example\n', ''));
  const error = inputErrorOf(() => loadScenarios(registry, file));
  expect(error.problems[0]).toMatchObject({ line: 3, field: 'scenarios[0]' });
  expect(error.problems[0]?.message).toContain('title');
});

test('duplicate keys, an invalid matcher regex and a non-JSON raw body without invalid: true are errors', () => {
  const dir = tempDir();
  const dup = write(
    dir,
    'dup.yaml',
    VALID.replace('    title: One example\n', '    title: One example\n    title: Again\n'),
  );
  expect(inputErrorOf(() => loadScenarios(registry, dup)).message).toMatch(/dup\.yaml:5:\d+/);
  const regex = write(
    dir,
    'regex.yaml',
    VALID.replace('Authorized\n', 'Authorized\n      fields:\n        ProviderID: { matches: "(" }\n'),
  );
  expect(inputErrorOf(() => loadScenarios(registry, regex)).problems[0]?.field).toBe(
    'scenarios[0].expect.fields.ProviderID.matches',
  );
  const raw = write(dir, 'raw.yaml', VALID.replace(/ {6}body:\n.*\n.*\n/, '      rawBody: "not json"\n'));
  expect(inputErrorOf(() => loadScenarios(registry, raw)).problems[0]?.message).toContain('invalid: true');
});

test('a scenario id used twice is an error naming both places', () => {
  const dir = tempDir();
  write(dir, 'a.yaml', VALID);
  write(dir, 'b.yaml', VALID);
  const error = inputErrorOf(() => loadScenarios(registry, dir));
  expect(error.problems).toHaveLength(1);
  expect(error.problems[0]?.message).toMatch(
    /duplicate scenario id 'example-one' \(first used at .*a\.yaml:3\)/,
  );
  expect(error.problems[0]?.file).toMatch(/b\.yaml$/);
});

test('OICP_SCENARIOS selects a file, a folder, a glob or a comma-separated list; no match is an error', () => {
  const dir = tempDir();
  const a = write(dir, 'a.yaml', VALID);
  fs.mkdirSync(path.join(dir, 'sub'));
  const b = write(dir, 'sub/b.yml', VALID.replace('example-one', 'example-two'));
  write(dir, 'notes.txt', 'not a scenario');
  expect(selectScenarioFiles(a)).toEqual([a]);
  expect(selectScenarioFiles(dir)).toEqual([a, b]);
  expect(selectScenarioFiles(`${dir}/**/*.yml`)).toEqual([b]);
  expect(selectScenarioFiles(`${a},${b}`)).toEqual([a, b]);
  expect(selectScenarioFiles('tests/fixtures/scenarios/batch.yaml')).toHaveLength(1);
  expect(inputErrorOf(() => selectScenarioFiles(path.join(dir, 'nothing-*.yaml'))).message).toContain(
    'matches no .yaml file',
  );
});

test('an unknown variable is reported with scenario, file and name before anything is sent', () => {
  const dir = tempDir();
  const [scenario] = loadScenarios(
    registry,
    write(dir, 'a.yaml', VALID.replace('{{authorizedUid}}', '{{authorisedUid}}')),
  );
  if (!scenario) throw new Error('no scenario');
  const error = inputErrorOf(() =>
    checkPlaceholders([scenario], { operatorId: 'DE*ABC', authorizedUid: '1234ABCD' }, 'mock'),
  );
  expect(error.problems[0]).toMatchObject({ field: 'example-one', line: 3 });
  expect(error.problems[0]?.message).toContain('{{authorisedUid}}');
  expect(() => resolveScenario(scenario, { operatorId: 'DE*ABC' })).toThrow(/authorisedUid/);
});

test('variables resolve everywhere; a generator gives one value per scenario run and a new one next run', () => {
  const dir = tempDir();
  const text = VALID.replace(
    'OperatorID: "{{operatorId}}"',
    'OperatorID: "{{operatorId}}"\n        CPOPartnerSessionID: "cpo-{{$uuid}}"',
  ).replace(
    'authorizationStatus: Authorized',
    'authorizationStatus: Authorized\n      fields:\n        CPOPartnerSessionID: { equals: "cpo-{{$uuid}}" }',
  );
  const [scenario] = loadScenarios(registry, write(dir, 'a.yaml', text));
  if (!scenario) throw new Error('no scenario');
  const variables = { operatorId: 'DE*ABC', authorizedUid: '1234ABCD' };
  const first = resolveScenario(scenario, variables);
  const body = first.request.body as Record<string, unknown>;
  expect(first.request.operatorId).toBe('DE*ABC');
  expect(body.Identification).toEqual({ RFIDMifareFamilyIdentification: { UID: '1234ABCD' } });
  expect(body.CPOPartnerSessionID).toMatch(/^cpo-[0-9a-f-]{36}$/);
  expect(first.expect.fields.CPOPartnerSessionID).toEqual({ equals: body.CPOPartnerSessionID });
  const second = resolveScenario(scenario, variables);
  expect((second.request.body as Record<string, unknown>).CPOPartnerSessionID).not.toBe(
    body.CPOPartnerSessionID,
  );
  // The loaded scenario itself is never modified.
  expect((scenario.request.body as Record<string, unknown>).OperatorID).toBe('{{operatorId}}');
});

test.describe('where an expectation comes from (basis)', () => {
  const withBases = (fileBasis: string, expectBasis: string) => `feature: Bases
${fileBasis}
scenarios:
  - id: based
    title: One scenario with bases
    request:
      operatorId: "{{operatorId}}"
      body:
        OperatorID: "{{operatorId}}"
        Identification: { RFIDMifareFamilyIdentification: { UID: "{{unknownUid}}" } }
    expect:
      status: 200
      authorizationStatus: NotAuthorized
      statusCode: "102"
      fields:
        EMPPartnerSessionID: { isNull: true }
${expectBasis}
`;
  const load = (text: string) => loadScenarios(registry, write(tempDir(), 'bases.yaml', text))[0] as Scenario;
  const kinds = (scenario: Scenario) =>
    Object.fromEntries(expectationKeys(scenario).map((key) => [key, basisOf(scenario, key).kind]));

  test('an expectation without any basis is a load error at its scenario: a rule must cite its passage', () => {
    const error = inputErrorOf(() => load(withBases('', '')));
    expect(error.problems[0]?.message).toContain(
      'states no basis for status, body, authorizationStatus, statusCode, fields.EMPPartnerSessionID',
    );
    expect(error.problems[0]?.message).toContain('rule: { statement: <id in data/oicp/statements.yaml> }');
    expect(error.problems[0]?.line).toBe(12);
  });

  test('a rule cites a statement of the OICP statements file: its quote in the citation, an unknown id or a bare text is an error at its line', () => {
    const scenario = load(
      withBases('basis: { rule: { statement: broadcast-one-authorizes, note: the card is known } }', ''),
    );
    const basis = basisOf(scenario, 'authorizationStatus');
    expect(basis.statement?.id).toBe('broadcast-one-authorizes');
    expect(basis.citation).toContain(`“${basis.statement?.quote}”`);
    expect(basis.citation).toContain('— the card is known');
    expect(basis.writtenAt).toEqual({ file: expect.stringContaining('bases.yaml'), line: 2 });
    const unknown = inputErrorOf(() =>
      load(withBases('basis: { rule: { statement: broadcast-one-authorised } }', '')),
    );
    expect(unknown.problems[0]?.message).toContain(
      "cites no statement of data/oicp/statements.yaml: 'broadcast-one-authorised'",
    );
    expect(unknown.problems[0]?.message).toContain("did you mean 'broadcast-one-authorizes'");
    expect(unknown.problems[0]?.line).toBe(2);
    const bare = inputErrorOf(() => load(withBases('basis: { rule: "OICP 2.3, as we read it" }', '')));
    expect(bare.problems[0]?.message).toContain('a rule cites the passage');
    expect(bare.problems[0]?.line).toBe(2);
  });

  test('requestDefect takes the basis every request with that defect gets: a validation error is a rule, a wrong JSON type an assumption', () => {
    const validation = load(withBases('basis: { requestDefect: validation }', ''));
    expect(basisOf(validation, 'status')).toMatchObject({
      kind: 'rule',
      statement: { id: 'export-400-fault-body' },
    });
    const type = load(withBases('basis: { requestDefect: type }', ''));
    expect(basisOf(type, 'status').kind).toBe('assumption');
    expect(basisOf(type, 'status').citation).toContain('JSON binding');
  });

  test('one basis for all, or a map: the own key wins, then the own default, then the file key, then the file default', () => {
    const scenario = load(
      withBases(
        `basis:
  default: { rule: { statement: broadcast-one-authorizes } }
  statusCode: { observed: "capture 2022" }
  body: { rule: { statement: openapi-200-authorization-start } }`,
        `      basis:
        default: { assumption: "the scenario's own assumption" }
        fields.EMPPartnerSessionID: { observed: "capture 2021" }`,
      ),
    );
    // What the scenario says beats its file: its default covers statusCode and body, the file's keys do not.
    expect(kinds(scenario)).toEqual({
      status: 'assumption',
      body: 'assumption',
      authorizationStatus: 'assumption',
      statusCode: 'assumption',
      'fields.EMPPartnerSessionID': 'observed',
    });
    expect(basisOf(scenario, 'fields.EMPPartnerSessionID')).toMatchObject({
      kind: 'observed',
      citation: 'capture 2021',
      stated: true,
    });
    const fileKeys = load(
      withBases(
        `basis:
  default: { rule: { statement: broadcast-one-authorizes } }
  statusCode: { observed: "capture 2022" }`,
        '      basis:\n        fields.EMPPartnerSessionID: { observed: "capture 2021" }',
      ),
    );
    expect(kinds(fileKeys)).toEqual({
      status: 'rule',
      body: 'rule',
      authorizationStatus: 'rule',
      statusCode: 'observed',
      'fields.EMPPartnerSessionID': 'observed',
    });
    const single = load(
      withBases(
        'basis: { rule: { statement: broadcast-one-authorizes } }',
        '      basis: { assumption: "all of it" }',
      ),
    );
    expect(new Set(Object.values(kinds(single)))).toEqual(new Set(['assumption']));
    const fileOnly = load(withBases('basis: { observed: "capture 2022" }', ''));
    expect(basisOf(fileOnly, 'statusCode')).toMatchObject({
      kind: 'observed',
      citation: 'capture 2022',
      stated: true,
    });
  });

  test('a basis for an expectation the scenario does not make is an error with its line', () => {
    const error = inputErrorOf(() =>
      load(
        withBases(
          '',
          '      basis:\n        fields.ProviderID: { assumption: "a typo leaves nothing to qualify" }',
        ),
      ),
    );
    const typo = error.problems.find((p) => p.message.includes('names no expectation of this scenario'));
    expect(typo?.message).toContain('fields.EMPPartnerSessionID');
    expect(typo?.line).toBe(18);
  });

  test('a basis says exactly one of rule, observed, assumption, with a citation', () => {
    for (const bad of [
      '      basis: { rule: "a", assumption: "b" }',
      '      basis: { guess: "c" }',
      '      basis: { rule: "" }',
      '      basis:\n        statuscode: { rule: "typo in the key" }',
    ]) {
      expect(() => load(withBases('', bad)), bad).toThrow(InputError);
    }
  });

  test('the basis table counts expectations by basis and kind', () => {
    const scenario = load(
      withBases(
        'basis: { rule: { statement: broadcast-one-authorizes } }',
        '      basis:\n        statusCode: { assumption: "x" }',
      ),
    );
    expect(basisTable(expectationsOf([scenario]))).toBe(
      [
        '| basis | status | body | authorizationStatus | statusCode | refused | fields | total |',
        '|---|---:|---:|---:|---:|---:|---:|---:|',
        '| rule | 1 | 1 | 1 | 0 | 0 | 1 | 4 |',
        '| observed | 0 | 0 | 0 | 0 | 0 | 0 | 0 |',
        '| assumption | 0 | 0 | 0 | 1 | 0 | 0 | 1 |',
        '| **total** | 1 | 1 | 1 | 1 | 0 | 1 | 5 |',
      ].join('\n'),
    );
  });
});
