import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadBaseRequests } from '../negatives/scenarios.ts';
import { dataDir } from '../paths.ts';
import type { reportPaths } from '../report/paths.ts';
import type { Suite } from '../run/suite.ts';
import {
  type Coverage,
  computeCoverage,
  coverageMarkdown,
  coverageSummary,
  fieldsOf,
  loadExplainedGaps,
  readRunVerdicts,
} from './coverage.ts';

export const EXPLAINED_GAPS_FILE = path.join(dataDir, 'coverage', 'explained-gaps.yaml');

/** Every request field the base requests of the negative cases carry: the fields of the request schema a valid request can use. */
export function requestFields(suite: Suite): string[] {
  const fields = new Set<string>();
  for (const base of loadBaseRequests(suite.schemas, suite.profile))
    for (const field of fieldsOf(base.body)) fields.add(field);
  return [...fields].sort();
}

/**
 * After a run: computes the coverage of the selected scenarios, writes coverage.md / coverage.json next
 * to the reports, attaches the table to the Allure report (a run-level attachment in allure-results), and
 * returns the console summary.
 */
export function writeCoverage(
  suite: Suite,
  reports: ReturnType<typeof reportPaths>,
): { coverage: Coverage; summary: string } {
  const coverage = computeCoverage(
    suite.scenarios,
    suite.schemas,
    readRunVerdicts(reports.json),
    loadExplainedGaps(suite.schemas, EXPLAINED_GAPS_FILE),
    requestFields(suite),
  );
  const markdown = coverageMarkdown(coverage);
  const markdownFile = path.join(reports.root, 'coverage.md');
  fs.mkdirSync(reports.root, { recursive: true });
  fs.writeFileSync(markdownFile, markdown);
  fs.writeFileSync(path.join(reports.root, 'coverage.json'), JSON.stringify(coverage, null, 2));
  if (fs.existsSync(reports.allureResults)) {
    // Allure's run-level attachments: a globals file naming an attachment file beside the results.
    const source = `${randomUUID()}-attachment.md`;
    fs.writeFileSync(path.join(reports.allureResults, source), markdown);
    fs.writeFileSync(
      path.join(reports.allureResults, `${randomUUID()}-globals.json`),
      JSON.stringify({
        attachments: [{ name: 'Coverage', source, type: 'text/markdown', timestamp: Date.now() }],
        errors: [],
      }),
    );
  }
  return {
    coverage,
    summary: coverageSummary(coverage, path.relative(process.cwd(), markdownFile) || markdownFile),
  };
}
