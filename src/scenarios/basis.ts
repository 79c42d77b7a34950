import type { Basis, BasisKind, ExpectationKey, Scenario } from './types.ts';

/**
 * Where each expectation of a scenario comes from (docs/scenarios.md, "Where an expectation comes from"):
 * an OICP rule, observed Hubject behaviour, or an assumption. Only an unmet rule fails a scenario; the
 * others are reported as "not confirmed by this target". Expectations are addressed by key (`status`,
 * `body`, `authorizationStatus`, `statusCode`, `fields.<path>`), so that a scenario id and a key name one
 * expectation across runs and profiles.
 */

export const BASIS_KINDS: readonly BasisKind[] = ['rule', 'observed', 'assumption'];

/** How a basis is written in a scenario file: exactly one of the three keys, with its citation. */
export type WrittenBasis = Partial<Record<BasisKind, string>>;

export function parseBasis(written: WrittenBasis): Basis {
  const kind = BASIS_KINDS.find((k) => typeof written[k] === 'string');
  if (!kind) throw new Error(`not a basis: ${JSON.stringify(written)}`);
  return { kind, citation: written[kind] as string };
}

/** A written `expect.basis`: one basis for every expectation, or a map of `default` and expectation keys. */
export function isWrittenBasis(value: object): value is WrittenBasis {
  return BASIS_KINDS.some((kind) => kind in value);
}

/** The basis of an expectation nobody gave one: the scenario is its writer's own contract, so a rule. */
export const UNSTATED_RULE: Basis = {
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

const TABLE_COLUMNS = ['status', 'body', 'authorizationStatus', 'statusCode', 'fields'] as const;

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
