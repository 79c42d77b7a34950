import fs from 'node:fs';
import path from 'node:path';
import { generatedNegativeScenarios, loadBaseRequests } from '../negatives/scenarios.ts';
import { dataDir } from '../paths.ts';
import { executedScenarios, type RunRecord } from '../record/run-record.ts';
import { attachToAllureRun } from '../reports-folder/allure-run-attachment.ts';
import type { reportPaths } from '../reports-folder/paths.ts';
import type { LoadedSuite } from '../run/suite.ts';
import { loadStatements } from '../scenarios/statements.ts';
import {
  type Coverage,
  computeCoverage,
  coverageMarkdown,
  coverageSummary,
  fieldsOf,
  loadExplainedGaps,
  type RunSelection,
  runCoverage,
} from './coverage.ts';

export const EXPLAINED_GAPS_FILE = path.join(dataDir, 'coverage', 'explained-gaps.yaml');

/** Every request field the base requests of the negative cases carry: the fields of the request schema a valid request can use. */
export function requestFields(suite: LoadedSuite): string[] {
  const fields = new Set<string>();
  for (const base of loadBaseRequests(suite.schemas, suite.profile))
    for (const field of fieldsOf(base.body)) fields.add(field);
  return [...fields].sort();
}

/** Every rule of the request schema: one generated negative case each, whether or not the run selected them. */
export function requestRules(suite: LoadedSuite): string[] {
  return generatedNegativeScenarios(suite.schemas, suite.profile).flatMap((s) => (s.story ? [s.story] : []));
}

/**
 * A run covers a selection when OICP_SCENARIOS chose the scenarios, or Playwright ran fewer than were
 * loaded (--grep, --shard, file arguments).
 */
export function runSelection(
  record: RunRecord | undefined,
  loaded: number,
  env: Record<string, string | undefined> = process.env,
): RunSelection {
  const ran = record ? executedScenarios(record).length : 0;
  const planned = record?.planned ?? 0;
  const chosen = Boolean(env.OICP_SCENARIOS?.trim());
  return { selection: chosen || planned < loaded, ran, loaded };
}

/**
 * After a run: computes the coverage of what the run executed, writes coverage.md / coverage.json next
 * to the reports, attaches the table to the Allure report (a run-level attachment in allure-results), and
 * returns the console summary.
 */
export function writeCoverage(
  suite: LoadedSuite,
  reports: ReturnType<typeof reportPaths>,
  record: RunRecord | undefined,
  options: { env?: Record<string, string | undefined>; width?: number } = {},
): { coverage: Coverage; summary: string } {
  const coverage = computeCoverage({
    scenarios: suite.scenarios,
    registry: suite.schemas,
    run: runCoverage(record),
    gaps: loadExplainedGaps(suite.schemas, EXPLAINED_GAPS_FILE),
    requestFields: requestFields(suite),
    requestRules: requestRules(suite),
    variables: suite.profile.variables,
    statements: loadStatements(suite.schemas),
  });
  const selection = runSelection(record, suite.scenarios.length, options.env);
  const markdown = coverageMarkdown(coverage, selection);
  const markdownFile = reports.coverageMarkdown;
  fs.mkdirSync(reports.root, { recursive: true });
  fs.writeFileSync(markdownFile, markdown);
  fs.writeFileSync(reports.coverageJson, JSON.stringify({ selection, ...coverage }));
  attachToAllureRun(reports.allureResults, 'Coverage', markdown);
  return {
    coverage,
    summary: coverageSummary(
      coverage,
      // Absolute, like every other path of the run's console.
      path.resolve(markdownFile),
      selection,
      options.width,
    ),
  };
}
