import { stripVTControlCharacters } from 'node:util';

/** The parts of an evaluated quality gate rule the console needs. */
export interface GateRuleResult {
  rule: string;
  success: boolean;
  message: string;
}

/**
 * One rule of the gate in words a recipient of the report understands: what it counts, what it allows,
 * what this run had. Allure's own words ("The number of failed tests 4 exceeds the allowed threshold value 0")
 * hide that only `certification` scenarios count. A rule the suite does not know keeps Allure's message.
 */
export function gateRuleInWords(
  result: { rule: string; success: boolean; actual?: unknown; expected?: unknown; message: string },
  run: { failed: number },
): string {
  const actual = typeof result.actual === 'number' ? result.actual : undefined;
  const allowed = typeof result.expected === 'number' ? result.expected : undefined;
  if (result.rule === 'certification/maxFailures' && actual !== undefined && allowed !== undefined) {
    const counted = `${actual} scenario${actual === 1 ? '' : 's'} tagged @certification failed`;
    const limit = allowed === 0 ? 'the gate allows none' : `the gate allows ${allowed}`;
    const others = run.failed - actual;
    const rest =
      others > 0
        ? `; ${others} other failed scenario${others === 1 ? '' : 's'} (not tagged @certification) do${others === 1 ? 'es' : ''} not count against it`
        : '';
    return `${counted}, ${limit}${rest}`;
  }
  if (result.rule === 'run/minTestsCount' && actual !== undefined && allowed !== undefined)
    return result.success
      ? `${actual} result${actual === 1 ? '' : 's'} in the report (the gate needs at least ${allowed})`
      : `no scenario ran: the gate needs at least ${allowed}, and a run that ran nothing proves nothing`;
  return stripVTControlCharacters(result.message);
}

/**
 * `Quality gate: passed` with each rule in words, or `Quality gate: FAILED` with one line per rule (failed
 * rules first); a selection says that the gate judged a selection.
 */
export function formatQualityGate(
  results: readonly GateRuleResult[],
  options: { selection?: boolean; relaxed?: string } = {},
): string {
  if (results.length === 0) return 'Quality gate: none configured';
  const failed = results.filter((result) => !result.success);
  // What the gate cannot see and a recipient must: a selection, and rules the profile relaxed.
  const on = [
    options.selection ? ' — judged on a selection of the scenarios, not a full run' : '',
    options.relaxed
      ? ` — with OICP rules relaxed by the profile (${options.relaxed}): not plainly conformant`
      : '',
  ].join('');
  const line = (result: GateRuleResult) =>
    `  ${result.success ? '✓' : '✘'} ${result.rule}: ${stripVTControlCharacters(result.message)}`;
  if (failed.length === 0) return [`Quality gate: passed${on}`, ...results.map(line)].join('\n');
  return [
    `Quality gate: FAILED${on}`,
    ...failed.map(line),
    ...results.filter((result) => result.success).map(line),
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
