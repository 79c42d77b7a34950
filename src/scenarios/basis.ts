import { closestAll } from '../text.ts';
import { type RequestDefect, requestDefectBasis } from './defect-basis.ts';
import { citationOf, type Statements } from './statements.ts';
import type { Basis, BasisKind, ExpectationKey, Scenario } from './types.ts';

/**
 * Where each expectation of a scenario comes from (docs/scenarios.md, "Where an expectation comes from"):
 * an OICP rule, observed Hubject behaviour, or an assumption. Only an unmet rule fails a scenario; the
 * others are reported as "not confirmed by this target". Expectations are addressed by key (`status`,
 * `body`, `authorizationStatus`, `statusCode`, `fields.<path>`), so that a scenario id and a key name one
 * expectation across runs and profiles.
 */

const BASIS_KINDS: readonly BasisKind[] = ['rule', 'observed', 'assumption'];

/** The keys a written basis may have: a kind, or the request defect whose basis it takes. */
const WRITTEN_BASIS_KEYS = [...BASIS_KINDS, 'requestDefect'];

/** How a rule is written: the statement of Hubject's contract it rests on, and an optional note of ours. */
interface WrittenRule {
  statement: string;
  note?: string;
}

/** How a basis is written in a scenario file: exactly one of the three keys. */
export interface WrittenBasis {
  /** A string is the old, uncited form: refused with a message saying how to cite. */
  rule?: WrittenRule | string;
  observed?: string;
  assumption?: string;
  /** The basis every request with this defect gets (src/scenarios/defect-basis.ts). */
  requestDefect?: RequestDefect;
}

/**
 * A written basis with its statement looked up. A rule citing no known statement is a problem of the file
 * (returned as a message): a rule is only a rule where Hubject's published contract states it.
 */
export function parseBasis(
  written: WrittenBasis,
  statements: Statements,
  writtenAt?: Basis['writtenAt'],
): Basis | { problem: string; at: string[] } {
  if (typeof written.rule === 'string')
    return {
      problem: `a rule cites the passage of Hubject's published contract it rests on: write rule: { statement: <id> } with an id of data/oicp/statements.yaml (npm run catalogue:basis -- --rules lists the cited ones); a text alone is no citation — where no statement says it, it is observed (with its evidence) or an assumption`,
      at: ['rule'],
    };
  if (written.rule) {
    const statement = statements.get(written.rule.statement);
    if (!statement) {
      const closest = closestAll(written.rule.statement, [...statements.keys()]);
      return {
        problem: `cites no statement of data/oicp/statements.yaml: '${written.rule.statement}'${closest.length > 0 ? ` (did you mean ${closest.map((c) => `'${c}'`).join(' or ')}?)` : ''}; a rule cites the passage of Hubject's published contract it rests on, else it is observed or an assumption`,
        at: ['rule', 'statement'],
      };
    }
    const note = written.rule.note ? ` — ${written.rule.note}` : '';
    return { kind: 'rule', citation: `${citationOf(statement)}${note}`, statement, writtenAt };
  }
  if (written.requestDefect) return { ...requestDefectBasis(written.requestDefect, statements), writtenAt };
  const kind = (['observed', 'assumption'] as const).find((k) => typeof written[k] === 'string');
  if (!kind) return { problem: `not a basis: ${JSON.stringify(written)}`, at: [] };
  return { kind, citation: written[kind] as string, writtenAt };
}

/** A written `expect.basis`: one basis for every expectation, or a map of `default` and expectation keys. */
export function isWrittenBasis(value: object): value is WrittenBasis {
  return WRITTEN_BASIS_KEYS.some((key) => key in value);
}

/**
 * The basis of an expectation of a scenario made in code (the suite's own tests): judged as a rule. A scenario
 * file cannot leave a basis out (a load error), so no catalogue expectation ever takes this.
 */
const UNSTATED_RULE: Basis = {
  kind: 'rule',
  citation: "no basis given: the scenario's own expectation, judged as a rule",
};

/** Every expectation the scenario makes, in the order the checks judge them. */
export function expectationKeys(scenario: Pick<Scenario, 'expect'>): ExpectationKey[] {
  const { expect } = scenario;
  return [
    'status',
    ...(expect.body !== 'any' ? (['body'] as const) : []),
    ...(expect.authorizationStatus !== undefined ? (['authorizationStatus'] as const) : []),
    ...(expect.statusCode !== undefined ? (['statusCode'] as const) : []),
    ...(expect.refused ? (['refused'] as const) : []),
    ...Object.keys(expect.fields).map((path): ExpectationKey => `fields.${path}`),
  ];
}

export interface ResolvedBasis extends Basis {
  /** Given in the scenario or its file (not the unstated default). */
  stated: boolean;
}

/** The basis of one expectation: its own, else the scenario's default (which includes the file's), else a rule. */
export function basisOf(scenario: Pick<Scenario, 'expect'>, key: ExpectationKey): ResolvedBasis {
  const bases = scenario.expect.basis;
  const given = bases?.byExpectation[key] ?? bases?.default;
  return given ? { ...given, stated: true } : { ...UNSTATED_RULE, stated: false };
}

/** What the expectation asks for, in words (`HTTP 200`, `StatusCode.Code "102"`, `ProviderID equals "DE*ICE"`). */
export function describeExpectation(scenario: Pick<Scenario, 'expect'>, key: ExpectationKey): string {
  const { expect } = scenario;
  if (key === 'status') return `HTTP ${expect.status}`;
  if (key === 'body') return `a ${expect.body} body`;
  if (key === 'authorizationStatus') return `AuthorizationStatus ${expect.authorizationStatus}`;
  if (key === 'statusCode') return `StatusCode.Code "${expect.statusCode}"`;
  if (key === 'refused') return 'a negative response (anything but Authorized)';
  const path = key.slice('fields.'.length);
  const matcher = expect.fields[path];
  if (!matcher) return path;
  const [operator, operand] = Object.entries(matcher)[0] ?? ['', ''];
  return `${path} ${operator} ${JSON.stringify(operand)}`;
}

export interface ExpectationRecord {
  scenario: string;
  expectation: ExpectationKey;
  expected: string;
  basis: ResolvedBasis;
}

/** Every expectation of every scenario with its basis: the data of the basis table and of calibration. */
export function expectationsOf(scenarios: readonly Scenario[]): ExpectationRecord[] {
  return scenarios.flatMap((scenario) =>
    expectationKeys(scenario).map((expectation) => ({
      scenario: scenario.id,
      expectation,
      expected: describeExpectation(scenario, expectation),
      basis: basisOf(scenario, expectation),
    })),
  );
}

const TABLE_COLUMNS = ['status', 'body', 'authorizationStatus', 'statusCode', 'refused', 'fields'] as const;

function column(key: ExpectationKey): (typeof TABLE_COLUMNS)[number] {
  return key.startsWith('fields.') ? 'fields' : (key as Exclude<(typeof TABLE_COLUMNS)[number], 'fields'>);
}

/** The expectations counted by basis (rows) and kind of expectation (columns), as a Markdown table. */
export function basisTable(records: readonly ExpectationRecord[]): string {
  const count = (kind: BasisKind | undefined, col: (typeof TABLE_COLUMNS)[number] | undefined) =>
    records.filter(
      (r) =>
        (kind === undefined || r.basis.kind === kind) && (col === undefined || column(r.expectation) === col),
    ).length;
  const row = (label: string, kind: BasisKind | undefined) =>
    `| ${label} | ${TABLE_COLUMNS.map((col) => count(kind, col)).join(' | ')} | ${count(kind, undefined)} |`;
  return [
    `| basis | ${TABLE_COLUMNS.join(' | ')} | total |`,
    `|---|${TABLE_COLUMNS.map(() => '---:').join('|')}|---:|`,
    ...BASIS_KINDS.map((kind) => row(kind, kind)),
    row('**total**', undefined),
  ].join('\n');
}

/** The statements a scenario rests a rule on or exercises (`covers`): what it covers of the OICP text. */
export function statementsOf(scenario: Pick<Scenario, 'expect' | 'covers'>): string[] {
  const cited = expectationKeys(scenario).flatMap((key) => {
    const basis = basisOf(scenario, key);
    return basis.kind === 'rule' && basis.statement ? [basis.statement.id] : [];
  });
  return [...new Set([...cited, ...(scenario.covers ?? [])])];
}
