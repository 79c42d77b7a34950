import { stripVTControlCharacters } from 'node:util';

/** The parts of an evaluated quality gate rule the console needs. */
export interface GateRuleResult {
  rule: string;
  success: boolean;
  message: string;
}

/** `Quality gate: passed (…)` or `Quality gate: FAILED` with one line per failed rule. */
export function formatQualityGate(results: readonly GateRuleResult[]): string {
  if (results.length === 0) return 'Quality gate: none configured';
  const failed = results.filter((result) => !result.success);
  if (failed.length === 0) return `Quality gate: passed (${results.map((r) => r.rule).join(', ')})`;
  return [
    'Quality gate: FAILED',
    ...failed.map((result) => `  ✘ ${result.rule}: ${stripVTControlCharacters(result.message)}`),
  ].join('\n');
}

/**
 * The conformance run's exit code: Playwright's when scenarios failed (1) or it could not run; 1 when
 * the Allure report could not be generated or the quality gate failed; 0 only when every scenario passed
 * and the gate held. (2, a configuration error, is decided before anything runs.)
 */
export function conformanceExitCode(run: {
  testExitCode: number;
  reportGenerated: boolean | 'not-needed';
  gatePassed: boolean;
}): number {
  if (run.testExitCode !== 0) return run.testExitCode;
  if (run.reportGenerated === false) return 1;
  return run.gatePassed ? 0 : 1;
}
