import fs from 'node:fs';
import { stripVTControlCharacters } from 'node:util';

interface JsonSpec {
  title: string;
  tests: Array<{
    results: Array<{ status: string; error?: { message?: string } }>;
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

function specsOf(suite: JsonSuite): JsonSpec[] {
  return [...(suite.specs ?? []), ...(suite.suites ?? []).flatMap(specsOf)];
}

// Playwright leaves ANSI colour codes in error messages.
const plain = stripVTControlCharacters;

/**
 * The console summary of a run, read from Playwright's JSON report: one line per failed scenario
 * (title, first line of the reason), the advisories count, and the totals as `N passed, N failed`.
 */
export function summarizeRun(jsonReportFile: string): string | undefined {
  if (!fs.existsSync(jsonReportFile)) return undefined;
  const report = JSON.parse(fs.readFileSync(jsonReportFile, 'utf8')) as JsonReport;
  const specs = report.suites.flatMap(specsOf);
  const lines: string[] = [];
  let advisories = 0;
  for (const spec of specs) {
    for (const test of spec.tests) {
      advisories += (test.annotations ?? []).filter((a) => a.type === 'advisory').length;
      const last = test.results.at(-1);
      if (!last || last.status === 'passed' || last.status === 'skipped') continue;
      const reason = plain(last.error?.message ?? last.status).split('\n')[0];
      lines.push(`  ✘ ${spec.title}\n      ${reason}`);
    }
  }
  for (const error of report.errors ?? []) lines.push(`  ✘ ${plain(error.message ?? '').split('\n')[0]}`);
  const { expected, unexpected, skipped, flaky } = report.stats;
  const header = lines.length > 0 ? `Failed:\n${lines.join('\n')}\n\n` : '';
  const extra = [
    skipped ? `${skipped} skipped` : '',
    flaky ? `${flaky} flaky` : '',
    advisories ? `${advisories} advisory finding(s)` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${header}${expected + flaky} passed, ${unexpected} failed${extra ? `, ${extra}` : ''}`;
}
