import fs from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import { FAILURE_CATEGORIES, FAILURE_CATEGORY_ANNOTATION, type FailureCategory } from './failure-category.ts';

interface JsonAttachment {
  name: string;
  body?: string;
}
interface JsonResult {
  status: string;
  error?: { message?: string };
  attachments?: JsonAttachment[];
  annotations?: Array<{ type: string; description?: string }>;
}
interface JsonSpec {
  title: string;
  tests: Array<{
    results: JsonResult[];
    annotations?: Array<{ type: string; description?: string }>;
  }>;
}
interface JsonSuite {
  title: string;
  specs?: JsonSpec[];
  suites?: JsonSuite[];
}
interface JsonReport {
  suites: JsonSuite[];
  stats: { expected: number; unexpected: number; skipped: number; flaky: number; duration: number };
  errors?: Array<{ message?: string }>;
}

/** One failed scenario, as the console summary states it. */
export interface FailedScenario {
  id: string;
  title: string;
  category?: FailureCategory;
  checks: string[];
  reason: string;
}

export interface RunSummary {
  failed: FailedScenario[];
  /** Errors outside any scenario (a worker crash, a broken spec). */
  errors: string[];
  passed: number;
  failedCount: number;
  skipped: number;
  flaky: number;
  advisories: number;
}

function specsOf(suite: JsonSuite): JsonSpec[] {
  return [...(suite.specs ?? []), ...(suite.suites ?? []).flatMap(specsOf)];
}

// Playwright leaves ANSI colour codes in error messages.
const plain = (text: string) => stripVTControlCharacters(text);

/** A line that stays a line: whitespace collapsed, long texts cut. */
function oneLine(text: string, limit = 240): string {
  const line = plain(text).replace(/\s+/g, ' ').trim();
  return line.length > limit ? `${line.slice(0, limit - 1)}…` : line;
}

interface Verdicts {
  failed?: Array<{ check: string; expected?: string; received?: string }>;
}

function verdictsOf(result: JsonResult): Verdicts | undefined {
  const body = result.attachments?.find((a) => a.name === 'verdicts.json')?.body;
  if (!body) return undefined;
  try {
    return JSON.parse(Buffer.from(body, 'base64').toString('utf8')) as Verdicts;
  } catch {
    return undefined;
  }
}

/** The error's first line without the error class (`TransportError: POST … failed: …` → `POST … failed: …`). */
function firstLineOf(message: string): string {
  const first =
    plain(message)
      .split('\n')
      .find((line) => line.trim() !== '') ?? '';
  return first.replace(/^(?:Error: )?[A-Z][A-Za-z]*Error: /, '');
}

function failedScenarioOf(
  spec: JsonSpec,
  test: JsonSpec['tests'][number],
  result: JsonResult,
): FailedScenario {
  const annotations = [...(test.annotations ?? []), ...(result.annotations ?? [])];
  const idMatch = /^(.*) \[([^\]]+)\]$/.exec(spec.title);
  const id = annotations.find((a) => a.type === 'scenario')?.description ?? idMatch?.[2] ?? spec.title;
  const title = idMatch?.[1] ?? spec.title;
  const categoryKey = annotations.find((a) => a.type === FAILURE_CATEGORY_ANNOTATION)?.description;
  const category =
    categoryKey && Object.hasOwn(FAILURE_CATEGORIES, categoryKey)
      ? (categoryKey as FailureCategory)
      : undefined;
  const failures = verdictsOf(result)?.failed ?? [];
  const first = failures[0];
  const reason =
    first?.expected !== undefined && first.received !== undefined
      ? `expected ${first.expected}, received ${first.received}`
      : firstLineOf(result.error?.message ?? result.status);
  return { id, title, category, checks: failures.map((f) => f.check), reason };
}

/** Reads Playwright's JSON report of a run. */
export function readRunSummary(jsonReportFile: string): RunSummary | undefined {
  if (!fs.existsSync(jsonReportFile)) return undefined;
  const report = JSON.parse(fs.readFileSync(jsonReportFile, 'utf8')) as JsonReport;
  const failed: FailedScenario[] = [];
  let advisories = 0;
  for (const spec of report.suites.flatMap(specsOf)) {
    for (const test of spec.tests) {
      const last = test.results.at(-1);
      const annotations = [...(test.annotations ?? []), ...(last?.annotations ?? [])];
      // Playwright reports run-time annotations on the test and, in newer versions, on the result too.
      advisories += new Set(annotations.filter((a) => a.type === 'advisory').map((a) => a.description ?? ''))
        .size;
      if (!last || last.status === 'passed' || last.status === 'skipped') continue;
      failed.push(failedScenarioOf(spec, test, last));
    }
  }
  const { expected, unexpected, skipped, flaky } = report.stats;
  return {
    failed,
    errors: (report.errors ?? []).map((error) => firstLineOf(error.message ?? '')),
    passed: expected + flaky,
    failedCount: unexpected,
    skipped,
    flaky,
    advisories,
  };
}

/** `N passed, N failed` and, when there are any, the extras (`, 2 skipped, 1 advisory finding(s)`). */
export function totalsLine(summary: RunSummary): string {
  const extra = [
    summary.skipped ? `${summary.skipped} skipped` : '',
    summary.flaky ? `${summary.flaky} flaky` : '',
    summary.advisories ? `${summary.advisories} advisory finding(s)` : '',
  ].filter(Boolean);
  return [`${summary.passed} passed, ${summary.failedCount} failed`, ...extra].join(', ');
}

/**
 * The console summary: one line per failed scenario (id, title, category, failing checks, reason),
 * the failures by category, then the totals as `N passed, N failed[, extras]`.
 */
export function formatRunSummary(summary: RunSummary): string {
  const lines: string[] = [];
  if (summary.failed.length > 0 || summary.errors.length > 0) {
    lines.push('Failed scenarios:');
    for (const scenario of summary.failed) {
      const category = scenario.category ? FAILURE_CATEGORIES[scenario.category].title : 'Error';
      const checks = scenario.checks.length > 0 ? `${scenario.checks.join(', ')}: ` : '';
      lines.push(
        `  ✘ ${scenario.id} · ${oneLine(scenario.title, 120)} · [${category}] ${checks}${oneLine(scenario.reason)}`,
      );
    }
    for (const error of summary.errors) lines.push(`  ✘ ${oneLine(error)}`);
    const byCategory = new Map<string, number>();
    for (const scenario of summary.failed) {
      const title = scenario.category ? FAILURE_CATEGORIES[scenario.category].title : 'Error';
      byCategory.set(title, (byCategory.get(title) ?? 0) + 1);
    }
    if (byCategory.size > 0)
      lines.push('', `By category: ${[...byCategory].map(([title, n]) => `${title} ${n}`).join(', ')}`);
    lines.push('');
  }
  lines.push(totalsLine(summary));
  return lines.join('\n');
}

/** The console summary of a run, read from Playwright's JSON report (undefined when there is none). */
export function summarizeRun(jsonReportFile: string): string | undefined {
  const summary = readRunSummary(jsonReportFile);
  return summary ? formatRunSummary(summary) : undefined;
}
