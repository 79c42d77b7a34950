import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RunCheckResult, ScenarioAnswer } from '../checks/run-level.ts';
import { FAILURE_CATEGORY_LABEL } from '../record/failure-category.ts';
import { EPIC } from './allure-labels.ts';

const RUN_LEVEL_TITLE = 'Run-level checks';
/** One test case across runs, like a scenario's (allure-labels.ts): its history follows this id. */
export const RUN_LEVEL_TEST_CASE_ID = 'oicp-2.3/eRoamingAuthorizeStart/run-level-checks';

const STATUS: Record<RunCheckResult['status'], string> = {
  passed: 'passed',
  failed: 'failed',
  'not applicable': 'skipped',
};

/**
 * Writes the run-level checks into allure-results as one more test result, "Run-level checks", with one step
 * per check (a failed step opens with expected, received and the rule), so that the report shows what only
 * the whole run can see next to the scenarios. The answers the checks judged are attached.
 */
export function writeAllureRunResult(
  resultsDir: string,
  results: readonly RunCheckResult[],
  answers: readonly ScenarioAnswer[],
  profileName: string,
  timing: { start: number; stop: number },
): string {
  fs.mkdirSync(resultsDir, { recursive: true });
  const uuid = randomUUID();
  const attachment = `${randomUUID()}-attachment.json`;
  fs.writeFileSync(path.join(resultsDir, attachment), JSON.stringify(answers, null, 2));
  const failed = results.filter((r) => r.status === 'failed');
  const parameters = [{ name: 'profile', value: profileName, excluded: false }];
  const result = {
    uuid,
    name: RUN_LEVEL_TITLE,
    fullName: `${EPIC} › ${RUN_LEVEL_TITLE}`,
    testCaseId: RUN_LEVEL_TEST_CASE_ID,
    historyId: `${RUN_LEVEL_TEST_CASE_ID}:${createHash('md5').update(JSON.stringify(parameters)).digest('hex')}`,
    status: failed.length > 0 ? 'failed' : 'passed',
    statusDetails:
      failed.length > 0
        ? {
            message: `${failed.length} run-level check(s) failed: ${failed.map((f) => f.check).join(', ')}`,
            trace: failed.map(explain).join('\n\n'),
          }
        : {},
    stage: 'finished',
    description:
      'Checks that judge the whole run after every scenario has run (src/checks/run-level.ts, docs/checks.md): what no single scenario can see.',
    steps: results.map((r) => ({
      name: `Run check ${r.check}: ${r.title}`,
      status: STATUS[r.status],
      statusDetails: r.status === 'failed' ? { message: explain(r) } : {},
      stage: 'finished',
      steps: [],
      attachments: [],
      parameters: [],
      start: timing.start,
      stop: timing.stop,
    })),
    attachments: [
      {
        name: 'answers judged (scenario, HTTP status, AuthorizationStatus, SessionID)',
        source: attachment,
        type: 'application/json',
      },
    ],
    parameters,
    labels: [
      { name: 'epic', value: EPIC },
      { name: 'feature', value: RUN_LEVEL_TITLE },
      { name: 'severity', value: 'critical' },
      { name: 'targetProfile', value: profileName },
      ...(failed.length > 0 ? [{ name: FAILURE_CATEGORY_LABEL, value: 'protocol' }] : []),
    ],
    links: [],
    start: timing.start,
    stop: timing.stop,
  };
  const file = path.join(resultsDir, `${uuid}-result.json`);
  fs.writeFileSync(file, JSON.stringify(result, null, 2));
  return file;
}

function explain(result: RunCheckResult): string {
  return `${result.check}: ${result.title}\n  expected: ${result.expected}\n  received: ${result.received}\n  rule: ${result.source}`;
}
