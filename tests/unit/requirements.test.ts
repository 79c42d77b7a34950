import fs from 'node:fs';
import path from 'node:path';
import { DOCUMENTED_ANSWER_STATEMENTS } from '../../src/checks/answer-kind.ts';
import { CHECKS } from '../../src/checks/registry.ts';
import { RUN_CHECKS } from '../../src/checks/run-level.ts';
import {
  isCovered,
  REQUEST_LINT_STATEMENTS,
  requirementsMarkdown,
  statementCoverage,
} from '../../src/coverage/requirements.ts';
import { projectRoot } from '../../src/paths.ts';
import { loadStatements, type Statement } from '../../src/scenarios/statements.ts';
import type { Basis } from '../../src/scenarios/types.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { expect, test } from '../support/test.ts';
import { buildScenario } from './helpers/exchange.ts';

const registry = schemaRegistry();
const statements = loadStatements(registry);

const statement = (id: string, extra: Partial<Statement> = {}): Statement => ({
  id,
  source: 'cpo-02',
  section: 'eRoamingAuthorizeStart',
  quote: `the words of ${id}`,
  says: `what ${id} says`,
  line: 1,
  ...extra,
});
const rule = (s: Statement): Basis => ({ kind: 'rule', citation: s.quote, statement: s });

test('every statement a check, the request lint or the answer kinds name is in data/oicp/statements.yaml', () => {
  const named = [
    ...CHECKS.flatMap((check) => check.statements ?? []),
    ...RUN_CHECKS.flatMap((check) => check.statements),
    ...REQUEST_LINT_STATEMENTS,
    ...DOCUMENTED_ANSWER_STATEMENTS,
  ];
  expect(named.filter((id) => !statements.has(id))).toEqual([]);
});

test('a failure check that judges no scenario expectation rests on at least one statement of the contract', () => {
  const uncited = [...CHECKS.filter((c) => c.verdict === 'failure' && !c.expectation), ...RUN_CHECKS]
    .filter((check) => (check.statements ?? []).length === 0)
    .map((check) => check.name);
  // The transport checks judge delivery (time budget, a whole body), which OICP leaves to HTTP.
  expect(uncited.sort()).toEqual(['answerBodyComplete', 'answeredWithinBudget']);
});

test('a statement is covered by a rule citing it, a scenario listing it under covers, a check enforcing it, or the lint', () => {
  const cited = statement('cited');
  const exercised = statement('exercised');
  const enforced = statement('enforced');
  const linted = statement('pin-length');
  const open = statement('open');
  const excused = statement('excused', { uncovered: 'the CPO cannot observe it' });
  const map = new Map([cited, exercised, enforced, linted, open, excused].map((s) => [s.id, s]));
  const citing = buildScenario({
    id: 'citing',
    expect: { basis: { default: rule(cited), byExpectation: {} } },
  });
  const covering = buildScenario({ id: 'covering', covers: ['exercised'] });
  const rows = statementCoverage(map, [citing, covering], [{ name: 'someCheck', statements: ['enforced'] }]);
  const byId = new Map(rows.map((row) => [row.statement.id, row]));
  expect(byId.get('cited')?.scenarios).toEqual(['citing']);
  expect(byId.get('exercised')?.scenarios).toEqual(['covering']);
  expect(byId.get('enforced')?.checks).toEqual(['someCheck']);
  expect(byId.get('pin-length')?.lint).toBe(true);
  expect(rows.filter(isCovered).map((row) => row.statement.id)).toEqual([
    'cited',
    'exercised',
    'enforced',
    'pin-length',
  ]);

  const markdown = requirementsMarkdown(rows);
  expect(markdown).toContain('4 of 6 statements covered; 1 without cover or reason.');
  expect(markdown).toContain('| `cited` | eRoamingAuthorizeStart | “the words of cited” | what cited says |');
  expect(markdown).toContain('scenarios: `citing`');
  expect(markdown).toContain('checks: `someCheck`');
  expect(markdown).toContain('the request lint (every request sent)');
  expect(markdown).toContain('not covered: the CPO cannot observe it');
  expect(markdown).toContain('| `open` |');
  expect(markdown).toContain('**not covered, no reason given**');
});

test('a rule that applies to no expectation covers nothing: only the bases the scenario uses count', () => {
  const unused = statement('unused');
  const used = statement('used');
  const scenario = buildScenario({
    id: 'refusal',
    expect: {
      fields: {},
      basis: { default: rule(used), byExpectation: { 'fields.ProviderID': rule(unused) } },
    },
  });
  const rows = statementCoverage(new Map([unused, used].map((s) => [s.id, s])), [scenario], []);
  expect(rows.map((row) => [row.statement.id, row.scenarios])).toEqual([
    ['unused', []],
    ['used', ['refusal']],
  ]);
});

test('docs/requirements.md lists every statement of data/oicp/statements.yaml (npm run docs:requirements)', () => {
  const doc = fs.readFileSync(path.join(projectRoot, 'docs', 'requirements.md'), 'utf8');
  const missing = [...statements.keys()].filter((id) => !doc.includes(`| \`${id}\` |`));
  expect(missing, 'run npm run docs:requirements').toEqual([]);
});

test('a statement file with a duplicate id or a quote of the wrong shape is refused at its line', async () => {
  const os = await import('node:os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-statements-'));
  const file = path.join(dir, 'statements.yaml');
  const entry = (id: string) =>
    `  - id: ${id}\n    source: cpo-01\n    section: REST\n    quote: a few words\n    says: what it says\n`;
  fs.writeFileSync(file, `statements:\n${entry('one')}${entry('one')}`);
  expect(() => loadStatements(registry, file)).toThrow(/statements\.yaml:7.*duplicate statement id 'one'/s);
  fs.writeFileSync(file, `statements:\n${entry('two').replace('cpo-01', 'cpo-09')}`);
  expect(() => loadStatements(registry, file)).toThrow(/statements\.yaml:3.*source/s);
});
