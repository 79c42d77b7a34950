import { CHECKS } from '../checks/registry.ts';
import { RUN_CHECKS } from '../checks/run-level.ts';
import { pointerSegments, YamlSource } from '../input/yaml-file.ts';
import { ruleName } from '../negatives/derive.ts';
import { executedScenarios, type RunRecord } from '../record/run-record.ts';
import { appliedChecks } from '../record/verdicts.ts';
import { resolveScenario } from '../scenarios/resolve.ts';
import type { Statements } from '../scenarios/statements.ts';
import type { Scenario } from '../scenarios/types.ts';
import { OICP, type SchemaRegistry, type SchemaViolation, schemaId } from '../schemas/registry.ts';
import { cutLine, markdownText } from '../text.ts';
import { statementCoverage } from './requirements.ts';

/** One row of a coverage section: what is covered, by which scenarios of the run, and why a gap is acceptable. */
interface CoverageRow {
  subject: string;
  /** Scenarios of this run that covered the row (they ran). */
  scenarios: string[];
  /** Scenarios that would have covered it, but were skipped (test data the profile lacks). */
  skipped?: string[];
  /** The reason a row without scenarios is acceptable (data/coverage/explained-gaps.yaml). */
  explained?: string;
}

export interface Coverage {
  fields: CoverageRow[];
  rules: CoverageRow[];
  statusCodes: CoverageRow[];
  checks: CoverageRow[];
  /** The statements of Hubject's contract (data/oicp/statements.yaml) the run covered. */
  statements: CoverageRow[];
}

export interface ExplainedGaps {
  statusCodes: Record<string, string>;
  checks: Record<string, string>;
  fields: Record<string, string>;
}

/** What a run did with its scenarios: the checks each executed scenario ran, and the skipped ones. */
export interface RunCoverage {
  ran: Map<string, string[]>;
  skipped: Set<string>;
}

/** Whether the run covered a selection rather than the whole catalogue, and how much of it. */
export interface RunSelection {
  selection: boolean;
  ran: number;
  loaded: number;
}

export function loadExplainedGaps(registry: SchemaRegistry, file: string): ExplainedGaps {
  const source = YamlSource.read(file, 'explained coverage gaps');
  source.validate(registry, schemaId('coverage-gaps.schema.json'), 'explained coverage gaps');
  return source.data as ExplainedGaps;
}

/** What a run did, from its record: executed scenarios with the checks they ran, skipped ones. */
export function runCoverage(record: RunRecord | undefined): RunCoverage {
  const ran = new Map<string, string[]>();
  for (const scenario of record ? executedScenarios(record) : [])
    ran.set(scenario.id, scenario.verdicts ? appliedChecks(scenario.verdicts) : []);
  const skipped = new Set((record?.scenarios ?? []).filter((s) => s.status === 'skipped').map((s) => s.id));
  return { ran, skipped };
}

/** The request rule a schema violation stands for, named like the generated variants' rules. */
function ruleOf(violation: SchemaViolation): string | undefined {
  const path = pointerSegments(violation.path);
  if (violation.keyword === 'required' && violation.property)
    return ruleName([...path, violation.property], 'required');
  if (violation.keyword === 'false schema') return ruleName(path, 'not allowed');
  if (['anyOf', 'allOf', 'oneOf', 'if'].includes(violation.keyword)) return undefined;
  return ruleName(path, violation.keyword);
}

/** Dotted paths of every field a JSON value carries (objects and leaves), nulls left out. */
export function fieldsOf(value: unknown, prefix: string[] = []): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    if (item === null || item === undefined) return [];
    const path = [...prefix, key];
    return [path.join('.'), ...fieldsOf(item, path)];
  });
}

function valueAt(document: unknown, pointer: string): unknown {
  let current = document;
  for (const segment of pointerSegments(pointer)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

const PLACEHOLDER = /\{\{[^}]*\}\}/;

/**
 * The request rules a hand-written invalid scenario breaks, judged on the request it really sends: its
 * placeholders resolved from the profile. A value still holding a `{{placeholder}}` says nothing about a
 * rule (an unresolved `{{evseId}}` is not an EvseID that breaks the pattern), so it never counts.
 */
function rulesBrokenBy(
  scenario: Scenario,
  registry: SchemaRegistry,
  variables: Record<string, string>,
): string[] {
  let body = scenario.request.body;
  try {
    body = resolveScenario(scenario, variables).request.body;
  } catch {
    // A variable the profile lacks: judged as written, placeholders left out below.
  }
  return registry
    .violations(OICP.request, body)
    .filter((violation) => {
      const value = valueAt(body, violation.path);
      return !(typeof value === 'string' && PLACEHOLDER.test(value));
    })
    .flatMap((violation) => ruleOf(violation) ?? []);
}

export interface CoverageInput {
  /** The scenarios the selection loaded (OICP_SCENARIOS): only those the run executed count. */
  scenarios: Scenario[];
  registry: SchemaRegistry;
  run: RunCoverage;
  gaps: ExplainedGaps;
  /** Every request field a valid request can carry. */
  requestFields: string[];
  /** Every rule of the request schema (the generated negative cases' stories). */
  requestRules: string[];
  /** The profile's values, to judge hand-written invalid requests as they are sent. */
  variables: Record<string, string>;
  /** The statements of Hubject's contract that concern AuthorizeStart. */
  statements: Statements;
}

/**
 * The coverage of a run: request fields used, request rules broken, OICP status codes expected, and checks
 * run — counting only the scenarios the run executed. Rules come from the generated negative cases (one per
 * rule of the request schema) plus the hand-written invalid scenarios that break them.
 */
export function computeCoverage(input: CoverageInput): Coverage {
  const { registry, run, gaps } = input;
  const executed = input.scenarios.filter((s) => run.ran.has(s.id));
  const skipped = input.scenarios.filter((s) => run.skipped.has(s.id));
  const handWritten = (list: Scenario[]) => list.filter((s) => !s.tags.includes('generated'));
  const generated = (list: Scenario[]) => list.filter((s) => s.tags.includes('generated'));

  const fieldUsers = (list: Scenario[], field: string) =>
    handWritten(list)
      .filter((s) => !s.invalid && fieldsOf(s.request.body).includes(field))
      .map((s) => s.id);
  const fields = input.requestFields.map((field) =>
    row(field, fieldUsers(executed, field), fieldUsers(skipped, field), gaps.fields[field]),
  );

  const rulesOf = (list: Scenario[]) => {
    const byRule = new Map<string, string[]>();
    const add = (rule: string, id: string) => byRule.set(rule, [...(byRule.get(rule) ?? []), id]);
    for (const scenario of generated(list)) if (scenario.story) add(scenario.story, scenario.id);
    for (const scenario of handWritten(list).filter((s) => s.invalid && s.request.body !== undefined))
      for (const rule of new Set(rulesBrokenBy(scenario, registry, input.variables))) add(rule, scenario.id);
    return byRule;
  };
  const ranRules = rulesOf(executed);
  const skippedRules = rulesOf(skipped);
  const ruleNames = [...new Set([...input.requestRules, ...ranRules.keys()])].sort((a, b) =>
    a.localeCompare(b),
  );
  const rules = ruleNames.map((rule) => row(rule, ranRules.get(rule) ?? [], skippedRules.get(rule) ?? []));

  const codes = (registry.document(schemaId('oicp/StatusCodeCode.schema.json')).enum ?? []) as string[];
  const expecting = (list: Scenario[], code: string) =>
    list.filter((s) => s.expect.statusCode === code).map((s) => s.id);
  const statusCodes = codes.map((code) =>
    row(code, expecting(executed, code), expecting(skipped, code), gaps.statusCodes[code]),
  );

  const checks = CHECKS.map((check) =>
    row(
      check.name,
      [...run.ran.entries()].filter(([, ran]) => ran.includes(check.name)).map(([id]) => id),
      [],
      gaps.checks[check.name],
    ),
  );

  // A statement is covered by a scenario that ran and cites it, by a scenario on which a check enforcing it
  // ran, and, for the request lint's and the run-level checks' statements, by every run that sent a request.
  const citedBy = (list: Scenario[]) => statementCoverage(input.statements, list, RUN_CHECKS);
  const skippedCiting = citedBy(skipped);
  const statements = citedBy(executed).map((cited, index) => {
    const { statement } = cited;
    const enforcing = CHECKS.filter((check) => check.statements?.includes(statement.id)).map((c) => c.name);
    const checkedOn = [...run.ran.entries()]
      .filter(([, applied]) => applied.some((name) => enforcing.includes(name)))
      .map(([id]) => id);
    const everyRequest = (cited.lint || cited.checks.length > 0) && executed.length > 0;
    const scenarios = [
      ...new Set([...cited.scenarios, ...checkedOn, ...(everyRequest ? [EVERY_REQUEST] : [])]),
    ];
    return row(statement.id, scenarios, skippedCiting[index]?.scenarios ?? [], statement.uncovered);
  });

  return { fields, rules, statusCodes, checks, statements };
}

/** The coverage row's stand-in for every scenario of the run (the request lint, the run-level checks). */
const EVERY_REQUEST = '(every request sent)';

function row(subject: string, scenarios: string[], skipped: string[], explained?: string): CoverageRow {
  return {
    subject,
    scenarios,
    ...(scenarios.length === 0 && skipped.length > 0 ? { skipped } : {}),
    ...(explained ? { explained } : {}),
  };
}

const SECTIONS = (coverage: Coverage): Array<[string, CoverageRow[]]> => [
  ['request field', coverage.fields],
  ['request rule', coverage.rules],
  ['status code', coverage.statusCodes],
  ['check', coverage.checks],
  ['OICP statement', coverage.statements],
];

/**
 * Rows no scenario of the run covered, with no explanation and no skipped scenario that would have covered
 * them: what a reader must look at.
 */
export function unexplainedGaps(coverage: Coverage): string[] {
  return SECTIONS(coverage).flatMap(([kind, rows]) =>
    rows
      .filter((r) => r.scenarios.length === 0 && !r.explained && !r.skipped?.length)
      .map((r) => `${kind} ${r.subject}`),
  );
}

function section(title: string, rows: CoverageRow[], what: string): string[] {
  const covered = rows.filter((r) => r.scenarios.length > 0).length;
  const lines = [
    `## ${title} (${covered} of ${rows.length} covered)`,
    '',
    `| ${what} | scenarios | count |`,
    '|---|---|---|',
  ];
  for (const row of rows) {
    const list = (ids: readonly string[]) => ids.map(markdownText).join(', ');
    const cell =
      row.scenarios.length > 0
        ? list(row.scenarios)
        : row.skipped?.length
          ? `not run: skipped for want of test data (${list(row.skipped)})`
          : row.explained
            ? `gap (explained: ${markdownText(row.explained)})`
            : '**GAP (unexplained)**';
    lines.push(`| ${markdownText(row.subject)} | ${cell} | ${row.scenarios.length} |`);
  }
  return [...lines, ''];
}

function selectionNote(selection: RunSelection | undefined): string[] {
  if (!selection?.selection) return [];
  return [
    `This run covered a selection (${selection.ran} of ${selection.loaded} loaded scenario(s) ran): the ` +
      'figures count only what ran, and a gap may be covered by a scenario outside the selection.',
    '',
  ];
}

/** The full table as Markdown (attached to the report and written next to it). */
export function coverageMarkdown(coverage: Coverage, selection?: RunSelection): string {
  const gaps = unexplainedGaps(coverage);
  return [
    '# Coverage of this run',
    '',
    ...selectionNote(selection),
    gaps.length === 0 ? 'No unexplained gaps.' : `Unexplained gaps: ${gaps.map(markdownText).join('; ')}.`,
    '',
    ...section('Request fields used by hand-written scenarios', coverage.fields, 'field'),
    ...section('Request rules broken (generated and hand-written negative cases)', coverage.rules, 'rule'),
    ...section('OICP status codes expected', coverage.statusCodes, 'code'),
    ...section('Checks run', coverage.checks, 'check'),
    ...section(
      'Statements of the OICP 2.3 text covered (data/oicp/statements.yaml, docs/requirements.md)',
      coverage.statements,
      'statement',
    ),
  ].join('\n');
}

/** Unexplained gaps printed on the console at most; the table has all of them. */
const CONSOLE_GAPS = 10;

/**
 * The console version: one line of figures, then each unexplained gap of a full run. Explained gaps stay
 * in the table; on a selection, gaps are expected and not listed.
 */
export function coverageSummary(
  coverage: Coverage,
  file: string,
  selection?: RunSelection,
  width = 200,
): string {
  const count = (rows: CoverageRow[]) =>
    `${rows.filter((r) => r.scenarios.length > 0).length}/${rows.length}`;
  const figures = `request fields ${count(coverage.fields)}, request rules ${count(coverage.rules)}, status codes ${count(coverage.statusCodes)}, checks ${count(coverage.checks)}, OICP statements ${count(coverage.statements)}`;
  if (selection?.selection) {
    return [
      `Coverage of a selection (${selection.ran} of ${selection.loaded} scenario(s) ran; only what ran counts): ${figures}`,
      `  Gaps are judged on a full run. Table: ${file}`,
    ].join('\n');
  }
  const gaps = unexplainedGaps(coverage);
  return [
    `Coverage: ${figures}. Table: ${file}`,
    // Gaps of the catalogue, not failures of the target: written as a list, never with a failure's ✘.
    ...(gaps.length > 0
      ? [
          `  Not covered by any scenario and not explained in data/coverage/explained-gaps.yaml (${gaps.length}):`,
        ]
      : []),
    ...gaps.slice(0, CONSOLE_GAPS).map((gap) => `    - ${cutLine(gap, width - 6)}`),
    ...(gaps.length > CONSOLE_GAPS ? [`  … and ${gaps.length - CONSOLE_GAPS} more in ${file}`] : []),
  ].join('\n');
}
