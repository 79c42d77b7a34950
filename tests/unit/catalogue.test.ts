import { expectationsOf } from '../../src/scenarios/basis.ts';
import { loadScenarios } from '../../src/scenarios/load.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { expect, test } from '../support/test.ts';

/**
 * The shipped catalogue states where every expectation comes from. Reads whatever data/scenarios holds
 * (users edit it): no scenario ids, no counts.
 */
const scenarios = loadScenarios(schemaRegistry(), undefined);
const records = expectationsOf(scenarios);

test('every expectation of the catalogue states its basis (a scenario or file basis, never the unstated default)', () => {
  const unstated = records.filter((r) => !r.basis.stated).map((r) => `${r.scenario} ${r.expectation}`);
  expect(unstated, 'give these a basis in their scenario (expect.basis) or file (basis)').toEqual([]);
});

test('every basis cites: a rule names its OICP or Hubject document, an observation its evidence and date, an assumption what is assumed', () => {
  const problems = records.flatMap(({ scenario, expectation, basis }) => {
    const where = `${scenario} ${expectation} (${basis.kind})`;
    if (basis.citation.trim().length < 40) return [`${where}: citation too short to say anything`];
    if (basis.kind === 'rule' && !/OICP|Hubject/.test(basis.citation))
      return [`${where}: a rule names the OICP or Hubject document it comes from`];
    if (basis.kind === 'observed' && !/\b20\d\d\b/.test(basis.citation))
      return [`${where}: an observation names its evidence with a date (source, year)`];
    return [];
  });
  expect(problems).toEqual([]);
});

test('every rule expectation cites a statement of data/oicp/statements.yaml, with where it is written', () => {
  const problems = records
    .filter(({ basis }) => basis.kind === 'rule')
    .flatMap(({ scenario, expectation, basis }) =>
      basis.statement && basis.writtenAt && basis.citation.includes(basis.statement.quote)
        ? []
        : [`${scenario} ${expectation}: a rule without its statement, place or quote`],
    );
  expect(problems).toEqual([]);
});

test('a scenario tagged certification rests on at least one OICP rule besides the message of its status', () => {
  // The body is judged as the message of the status that arrived whatever the scenario says, so a scenario
  // whose other expectations are all observations or assumptions can never fail a certification run.
  const resting = scenarios
    .filter((s) => s.tags.includes('certification'))
    .filter(
      (s) => !records.some((r) => r.scenario === s.id && r.expectation !== 'body' && r.basis.kind === 'rule'),
    )
    .map((s) => `${s.id} (${s.source.file}:${s.source.line})`);
  expect(resting, 'drop the certification tag, or cite the rule the scenario rests on').toEqual([]);
});
