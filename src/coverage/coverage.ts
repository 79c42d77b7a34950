import { CHECKS } from '../checks/registry.ts';
import { pointerSegments, YamlSource } from '../input/yaml-file.ts';
import { ruleName } from '../negatives/derive.ts';
import { readRunResults } from '../report/run-results.ts';
import { appliedChecks } from '../run/verdicts.ts';
import type { Scenario } from '../scenarios/types.ts';
import { OICP, type SchemaRegistry, type SchemaViolation, schemaId } from '../schemas/registry.ts';

/** One row of a coverage section: what is covered, by which scenarios, and why a gap is acceptable. */
export interface CoverageRow {
  subject: string;
  scenarios: string[];
  /** The reason a row without scenarios is acceptable (data/coverage/explained-gaps.yaml). */
  explained?: string;
}

export interface Coverage {
  fields: CoverageRow[];
  rules: CoverageRow[];
  statusCodes: CoverageRow[];
  checks: CoverageRow[];
}

export interface ExplainedGaps {
  statusCodes: Record<string, string>;
  checks: Record<string, string>;
  fields: Record<string, string>;
}

/** What each scenario's checks did in a run (the runner's verdicts.json, by scenario id). */
export type RunVerdicts = Map<string, { ran: string[] }>;

export function loadExplainedGaps(registry: SchemaRegistry, file: string): ExplainedGaps {
  const source = YamlSource.read(file, 'explained coverage gaps');
  source.validate(registry, schemaId('coverage-gaps.schema.json'), 'explained coverage gaps');
  return source.data as ExplainedGaps;
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

/**
 * The coverage of a selection of scenarios: request fields used, request rules broken, OICP status codes
 * expected, and checks run (from the run's verdicts). Rules come from the generated negative cases (one per
 * rule of the request schema) plus the hand-written invalid scenarios that break them.
 */
export function computeCoverage(
  scenarios: Scenario[],
  registry: SchemaRegistry,
  verdicts: RunVerdicts,
  gaps: ExplainedGaps,
  requestFields: string[],
): Coverage {
  const handWritten = scenarios.filter((s) => !s.tags.includes('generated'));
  const generated = scenarios.filter((s) => s.tags.includes('generated'));

  const fields = requestFields.map((field) => ({
    subject: field,
    scenarios: handWritten
      .filter((s) => !s.invalid && fieldsOf(s.request.body).includes(field))
      .map((s) => s.id),
    explained: gaps.fields[field],
  }));

  const rules = new Map<string, Set<string>>();
  for (const scenario of generated) {
    if (scenario.story) rules.set(scenario.story, new Set([scenario.id]));
  }
  for (const scenario of handWritten.filter((s) => s.invalid && s.request.body !== undefined)) {
    for (const violation of registry.violations(OICP.request, scenario.request.body)) {
      const rule = ruleOf(violation);
      if (!rule) continue;
      if (!rules.has(rule)) rules.set(rule, new Set());
      rules.get(rule)?.add(scenario.id);
    }
  }

  const codes = (registry.document(schemaId('oicp/StatusCodeCode.schema.json')).enum ?? []) as string[];
  const statusCodes = codes.map((code) => ({
    subject: code,
    scenarios: scenarios.filter((s) => s.expect.statusCode === code).map((s) => s.id),
    explained: gaps.statusCodes[code],
  }));

  const checks = CHECKS.map((check) => ({
    subject: check.name,
    scenarios: [...verdicts.entries()].filter(([, v]) => v.ran.includes(check.name)).map(([id]) => id),
    explained: gaps.checks[check.name],
  }));

  return {
    fields,
    rules: [...rules.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([subject, ids]) => ({ subject, scenarios: [...ids] })),
    statusCodes,
    checks,
  };
}

/** Rows with no scenario and no explanation: what a reader must look at. */
export function unexplainedGaps(coverage: Coverage): string[] {
  const sections: Array<[string, CoverageRow[]]> = [
    ['request field', coverage.fields],
    ['request rule', coverage.rules],
    ['status code', coverage.statusCodes],
    ['check', coverage.checks],
  ];
  return sections.flatMap(([kind, rows]) =>
    rows.filter((r) => r.scenarios.length === 0 && !r.explained).map((r) => `${kind} ${r.subject}`),
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
    const cell =
      row.scenarios.length > 0
        ? row.scenarios.join(', ')
        : row.explained
          ? `gap (explained: ${row.explained})`
          : '**GAP (unexplained)**';
    lines.push(`| \`${row.subject}\` | ${cell} | ${row.scenarios.length} |`);
  }
  return [...lines, ''];
}

/** The full table as Markdown (attached to the report and written next to it). */
export function coverageMarkdown(coverage: Coverage): string {
  const gaps = unexplainedGaps(coverage);
  return [
    '# Coverage of this run',
    '',
    gaps.length === 0 ? 'No unexplained gaps.' : `Unexplained gaps: ${gaps.join('; ')}.`,
    '',
    ...section('Request fields used by hand-written scenarios', coverage.fields, 'field'),
    ...section('Request rules broken (generated and hand-written negative cases)', coverage.rules, 'rule'),
    ...section('OICP status codes expected', coverage.statusCodes, 'code'),
    ...section('Checks run', coverage.checks, 'check'),
  ].join('\n');
}

/** The console version: counts per section and every gap, the full table is in the file. */
export function coverageSummary(coverage: Coverage, file: string): string {
  const count = (rows: CoverageRow[]) =>
    `${rows.filter((r) => r.scenarios.length > 0).length}/${rows.length}`;
  const gapLines = [...coverage.fields, ...coverage.rules, ...coverage.statusCodes, ...coverage.checks]
    .filter((r) => r.scenarios.length === 0)
    .map(
      (r) =>
        `  ${r.explained ? 'explained gap' : 'GAP'}: ${r.subject}${r.explained ? ` — ${r.explained}` : ''}`,
    );
  return [
    `Coverage: request fields ${count(coverage.fields)}, request rules ${count(coverage.rules)}, status codes ${count(coverage.statusCodes)}, checks ${count(coverage.checks)} (table: ${file})`,
    ...gapLines,
  ].join('\n');
}

/** What each scenario's checks did in a run, from Playwright's JSON report (empty when there is none). */
export function readRunVerdicts(jsonReportFile: string): RunVerdicts {
  const verdicts: RunVerdicts = new Map();
  for (const run of readRunResults(jsonReportFile)?.scenarios ?? []) {
    if (run.verdicts) verdicts.set(run.id, { ran: appliedChecks(run.verdicts) });
  }
  return verdicts;
}
