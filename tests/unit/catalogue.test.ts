import { expect, test } from '@playwright/test';
import { expectationsOf } from '../../src/scenarios/basis.ts';
import { loadScenarios } from '../../src/scenarios/load.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';

/**
 * The shipped catalogue states where every expectation comes from. Reads whatever data/scenarios holds
 * (users edit it): no scenario ids, no counts.
 */
const records = expectationsOf(loadScenarios(schemaRegistry(), undefined));

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
