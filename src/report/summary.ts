import { stripVTControlCharacters } from 'node:util';
import { FAILURE_CATEGORIES, FAILURE_CATEGORY_ANNOTATION, type FailureCategory } from './failure-category.ts';
import { readRunResults, type ScenarioRun } from './run-results.ts';
import { formatUnconfirmed, unconfirmedLines } from './unconfirmed.ts';

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
  /** One line per expectation the target did not confirm (src/report/unconfirmed.ts). */
  unconfirmed: string[];
}

// Playwright leaves ANSI colour codes in error messages.
const plain = (text: string) => stripVTControlCharacters(text);

/** A line that stays a line: whitespace collapsed, long texts cut. */
function oneLine(text: string, limit = 240): string {
  const line = plain(text).replace(/\s+/g, ' ').trim();
  return line.length > limit ? `${line.slice(0, limit - 1)}…` : line;
}

/** The error's first line without the error class (`TransportError: POST … failed: …` → `POST … failed: …`). */
function firstLineOf(message: string): string {
  const first =
    plain(message)
      .split('\n')
      .find((line) => line.trim() !== '') ?? '';
  return first.replace(/^(?:Error: )?[A-Z][A-Za-z]*Error: /, '');
}

function failedScenarioOf(run: ScenarioRun): FailedScenario {
  const categoryKey = run.annotations.find((a) => a.type === FAILURE_CATEGORY_ANNOTATION)?.description;
  const category =
    categoryKey && Object.hasOwn(FAILURE_CATEGORIES, categoryKey)
      ? (categoryKey as FailureCategory)
      : undefined;
  const failures = run.verdicts?.failed ?? [];
  const first = failures[0];
  const reason = first
    ? `expected ${first.expected}, received ${first.received}`
    : firstLineOf(run.errorMessage ?? run.status);
  return { id: run.id, title: run.title, category, checks: failures.map((f) => f.check), reason };
}

/** Reads the summary of a run from Playwright's JSON report. */
export function readRunSummary(jsonReportFile: string): RunSummary | undefined {
  const results = readRunResults(jsonReportFile);
  if (!results) return undefined;
  const failed: FailedScenario[] = [];
  let advisories = 0;
  for (const run of results.scenarios) {
    // Playwright reports run-time annotations on the test and, in newer versions, on the result too.
    advisories += new Set(
      run.annotations.filter((a) => a.type === 'advisory').map((a) => a.description ?? ''),
    ).size;
    if (run.status !== 'passed' && run.status !== 'skipped') failed.push(failedScenarioOf(run));
  }
  const { expected, unexpected, skipped, flaky } = results.stats;
  return {
    failed,
    errors: results.errors.map(firstLineOf),
    passed: expected + flaky,
    failedCount: unexpected,
    skipped,
    flaky,
    advisories,
    unconfirmed: unconfirmedLines(results.scenarios),
  };
}

/** `N passed, N failed` and, when there are any, the extras (`, 2 skipped, 1 advisory finding(s)`). */
export function totalsLine(summary: RunSummary): string {
  const extra = [
    summary.skipped ? `${summary.skipped} skipped` : '',
    summary.flaky ? `${summary.flaky} flaky` : '',
    summary.advisories ? `${summary.advisories} advisory finding(s)` : '',
    summary.unconfirmed.length ? `${summary.unconfirmed.length} expectation(s) not confirmed` : '',
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
  lines.push(...formatUnconfirmed(summary.unconfirmed));
  lines.push(totalsLine(summary));
  return lines.join('\n');
}

/** The console summary of a run, read from Playwright's JSON report (undefined when there is none). */
export function summarizeRun(jsonReportFile: string): string | undefined {
  const summary = readRunSummary(jsonReportFile);
  return summary ? formatRunSummary(summary) : undefined;
}
