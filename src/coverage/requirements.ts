import type { Check } from '../checks/check.ts';
import type { RunCheck } from '../checks/run-level.ts';
import { statementsOf } from '../scenarios/basis.ts';
import { SOURCES, type SourceId, type Statement, type Statements } from '../scenarios/statements.ts';
import type { Scenario } from '../scenarios/types.ts';

/**
 * The statements of Hubject's contract the request lint enforces on every request a scenario sends
 * (schemas/oicp/eRoamingAuthorizeStart.schema.json and the types it uses): the CPO's own obligations, held to
 * before anything is sent.
 */
export const REQUEST_LINT_STATEMENTS: readonly string[] = [
  'request-operator-and-identification',
  'identification-one-of-five',
  'rfid-identification-not-in-authorization',
  'pin-required-in-authorization',
  'pin-clear-text',
  'hashed-pin-null-in-authorization',
  'pin-length',
  'partner-session-id-length',
  'evco-id-pattern',
  'evse-id-pattern',
  'operator-id-pattern',
  'session-id-pattern',
  'uid-pattern',
  'export-uid-pattern',
  'rfid-mifare-for-rfid',
  'openapi-partner-product-id-length',
  'openapi-request-json',
];

/** What covers one statement: scenarios citing or exercising it, checks enforcing it, the request lint. */
export interface StatementCoverage {
  statement: Statement;
  scenarios: string[];
  checks: string[];
  lint: boolean;
}

export function isCovered(row: StatementCoverage): boolean {
  return row.scenarios.length > 0 || row.checks.length > 0 || row.lint;
}

/** Every statement with what covers it, in the order of the statements file. */
export function statementCoverage(
  statements: Statements,
  scenarios: readonly Scenario[],
  checks: readonly (Pick<Check, 'name' | 'statements'> | Pick<RunCheck, 'name' | 'statements'>)[],
): StatementCoverage[] {
  const byStatement = new Map<string, string[]>();
  for (const scenario of scenarios)
    for (const id of statementsOf(scenario))
      byStatement.set(id, [...(byStatement.get(id) ?? []), scenario.id]);
  return [...statements.values()].map((statement) => ({
    statement,
    scenarios: byStatement.get(statement.id) ?? [],
    checks: checks.filter((check) => check.statements?.includes(statement.id)).map((check) => check.name),
    lint: REQUEST_LINT_STATEMENTS.includes(statement.id),
  }));
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function coveredBy(row: StatementCoverage): string {
  const parts = [
    ...(row.scenarios.length > 0 ? [`scenarios: ${row.scenarios.map((id) => `\`${id}\``).join(', ')}`] : []),
    ...(row.checks.length > 0 ? [`checks: ${row.checks.map((name) => `\`${name}\``).join(', ')}`] : []),
    ...(row.lint ? ['the request lint (every request sent)'] : []),
  ];
  if (parts.length > 0) return parts.join('; ');
  return row.statement.uncovered
    ? `not covered: ${cell(row.statement.uncovered)}`
    : '**not covered, no reason given**';
}

/**
 * docs/requirements.md: every statement of the OICP 2.3 text (and the OpenAPI, the export, the integration
 * guide) that concerns eRoamingAuthorizeStart, with its citation and what covers it, or why nothing does.
 */
export function requirementsMarkdown(rows: readonly StatementCoverage[]): string {
  const covered = rows.filter(isCovered).length;
  const unexplained = rows.filter((r) => !isCovered(r) && !r.statement.uncovered).length;
  const bySource = new Map<SourceId, StatementCoverage[]>();
  for (const row of rows)
    bySource.set(row.statement.source, [...(bySource.get(row.statement.source) ?? []), row]);
  const sections = [...bySource].flatMap(([source, sourceRows]) => [
    `## ${SOURCES[source].title}`,
    '',
    `<${SOURCES[source].url}>`,
    '',
    '| id | section | quoted | what it says for AuthorizeStart | kind | covered by |',
    '|---|---|---|---|---|---|',
    ...sourceRows.map(
      (row) =>
        `| \`${row.statement.id}\` | ${cell(row.statement.section)} | “${cell(row.statement.quote)}” | ${cell(row.statement.says)} | ${row.statement.strength ?? ''}${row.statement.concerns === 'not-authorize-start' ? ' (another operation)' : ''} | ${coveredBy(row)} |`,
    ),
    '',
  ]);
  return [
    '# Requirements traceability: OICP 2.3 eRoamingAuthorizeStart',
    '',
    "Every statement of Hubject's published contract that concerns eRoamingAuthorizeStart — field rules,",
    'MUST/SHOULD/MAY sentences, the branches of the eRoamingAuthorization diagram and their codes — with the',
    'passage it stands in (a few words quoted, to find it), and the scenarios and checks that cover it, or why',
    'nothing does. A scenario covers a statement when one of its rule expectations cites it, or when it lists it',
    'under `covers` (it exercises the statement without resting a rule on it, e.g. where the sources disagree).',
    '',
    `${covered} of ${rows.length} statements covered${unexplained > 0 ? `; ${unexplained} without cover or reason` : ''}. The statements live in`,
    '`data/oicp/statements.yaml`; this file is generated from it, the catalogue and the checks registry:',
    '`npm run docs:requirements`. The run prints the same figure for the scenarios it ran',
    '(`OICP statements: covered/total` on its coverage line).',
    '',
    ...sections,
  ].join('\n');
}
