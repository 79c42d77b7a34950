import fs from 'node:fs';
import path from 'node:path';
import { evaluateRunChecks, type RunCheckResult, type ScenarioAnswer } from '../checks/run-level.ts';
import type { RunRecord } from '../record/run-record.ts';
import { reportPaths } from '../reports-folder/paths.ts';
import { writeAllureRunResult } from './allure-run-result.ts';

/** Where the run-level verdicts are kept for tools (the mutation tests, a later comparison of runs). */
export const RUN_CHECKS_FILE = path.basename(reportPaths({}).runChecks);

export interface RunChecksOutcome {
  /** False when a run-level check failed: the run fails (exit code 1). */
  passed: boolean;
  /** The console lines. */
  text: string;
  results: RunCheckResult[];
}

/**
 * Judges the whole run after its scenarios: reads every scenario's verdicts from the run record (the answer
 * summary each one records), evaluates the run-level checks, writes `run-checks.json` and a
 * "Run-level checks" result into allure-results (when the run writes them), and says how it went. The one
 * call the conformance CLI makes.
 */
export function judgeRun(
  reports: ReturnType<typeof reportPaths>,
  run: Pick<RunRecord, 'scenarios'> | undefined,
  profileName: string,
  started: number,
): RunChecksOutcome {
  if (!run) {
    return {
      passed: true,
      text: 'Run-level checks: not evaluated (this run wrote no run record)',
      results: [],
    };
  }
  const answers: ScenarioAnswer[] = run.scenarios.flatMap((scenario) =>
    scenario.verdicts?.answer ? [{ scenario: scenario.id, answer: scenario.verdicts.answer }] : [],
  );
  // Nothing answered, nothing to judge: and no synthetic result that would make an empty run look like one.
  if (answers.length === 0)
    return { passed: true, text: 'Run-level checks: no answers to judge', results: [] };
  const results = evaluateRunChecks(answers);
  fs.mkdirSync(reports.root, { recursive: true });
  fs.writeFileSync(reports.runChecks, `${JSON.stringify({ answers: answers.length, results }, null, 2)}\n`);
  if (fs.existsSync(reports.allureResults))
    writeAllureRunResult(reports.allureResults, results, answers, profileName, {
      start: started,
      stop: Date.now(),
    });
  return { passed: results.every((r) => r.status !== 'failed'), text: formatRunChecks(results), results };
}

/** `Run-level checks: passed (…)` or `Run-level checks: FAILED` with expected and received of each failure. */
function formatRunChecks(results: readonly RunCheckResult[]): string {
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length === 0) {
    return `Run-level checks: passed (${results.map((r) => (r.status === 'passed' ? r.check : `${r.check} not applicable`)).join(', ')})`;
  }
  return [
    'Run-level checks: FAILED',
    ...failed.map((r) => `  ✘ ${r.check}: expected ${r.expected}, received ${r.received}`),
  ].join('\n');
}
