// Playwright's base test without its browser fixtures: the suite opens no browser, and @playwright/test's
// `test` sets up some thirty browser options (viewport, locale, trace recording …) around every scenario —
// each a step with a captured stack trace, more work than the exchange itself.
import { _baseTest as base } from '@playwright/test';
import type { CheckFailure } from '../src/checks/check.ts';
import { ExchangeLogWriter } from '../src/exchange/log-file.ts';
import { NodeTransport } from '../src/exchange/node-transport.ts';
import type { Transport } from '../src/exchange/types.ts';
import { ANNOTATION } from '../src/record/run-record.ts';
import { Redactor } from '../src/redact.ts';
import { AllureEvidence } from '../src/report/allure-evidence.ts';
import { limitAttachment } from '../src/report/attachment-limit.ts';
import { withoutSuiteFrames } from '../src/report/failure-presentation.ts';
import { reportPaths } from '../src/reports-folder/paths.ts';
import { FailFast } from '../src/run/fail-fast.ts';
import type { RunHooks } from '../src/run/scenario-runner.ts';
import { type LoadedSuite, loadSuite } from '../src/run/suite.ts';

interface WorkerFixtures {
  /** Schemas, profile and scenarios, loaded once per worker. */
  suite: LoadedSuite;
  /** One transport per worker (a keep-alive connection pool), configured for the target. */
  transport: Transport;
  /** Shared by the workers of a run: stops the run when the target is dead. */
  failFast: FailFast;
  /** This worker's part of the run's exchange log (merged into exchanges.jsonl by the run's reporter). */
  exchangeLog: { runId: string; record: ExchangeLogWriter['record'] };
  /** Masks the profile's secrets (PINs, keys) in everything the report shows. */
  redactor: Redactor;
}

interface TestFixtures {
  /**
   * The running scenario's report: `evidence`, the Allure view beyond steps and attachments (labels, links,
   * Process-ID, timing, advisories, and the failure category once the test has ended), and `hooks`, which
   * report the runner's phases as Playwright steps (Allure steps) and attachments. One fixture, not two:
   * each fixture is a step set up and torn down around every scenario.
   */
  report: { evidence: AllureEvidence; hooks: RunHooks };
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  suite: [async ({}, use) => use(loadSuite()), { scope: 'worker' }],
  transport: [
    async ({ suite }, use) => {
      const { baseUrl, tls, maxAnswerBytes } = suite.profile;
      const transport = new NodeTransport({ baseUrl, tls, maxAnswerBytes });
      await use(transport);
      transport.close();
    },
    { scope: 'worker' },
  ],
  failFast: [
    async ({ suite }, use) => use(new FailFast(reportPaths().runState, suite.profile.failFast)),
    { scope: 'worker' },
  ],
  exchangeLog: [
    async ({}, use) => {
      const writer = new ExchangeLogWriter(reportPaths().runState);
      await use({ runId: process.env.OICP_RUN_ID ?? '', record: (entry) => writer.record(entry) });
    },
    { scope: 'worker' },
  ],
  redactor: [
    async ({ suite }, use) => use(Redactor.forVariables(suite.profile.variables)),
    { scope: 'worker' },
  ],
  report: async ({ redactor }, use, testInfo) => {
    const evidence = new AllureEvidence(redactor);
    const findingsAttached = new Set<string>();
    // Every format of the reports carries every attachment: each is cut to a size worth keeping.
    const attach = async (name: string, contentType: string, body: string) => {
      const limited = limitAttachment(body, contentType);
      await testInfo.attach(name, { contentType: limited.contentType, body: limited.body });
    };
    const attachFinding = async (finding: CheckFailure) => {
      if (findingsAttached.has(finding.check)) return;
      findingsAttached.add(finding.check);
      await attach(`advisory-${finding.check}.txt`, 'text/plain', finding.message);
    };
    const hooks: RunHooks = {
      // Not boxed: a boxed step rewrites an error's stack to the step's call site inside the suite; the
      // errors that explain themselves carry no frames at all (withoutSuiteFrames).
      step: <T>(title: string, body: () => Promise<T>): Promise<T> =>
        test.step(title, async () => {
          try {
            return await body();
          } catch (error) {
            throw withoutSuiteFrames(error);
          }
        }),
      attach,
      advisory: async (finding: CheckFailure) => {
        testInfo.annotations.push({ type: ANNOTATION.advisory, description: finding.oneLine });
        await attachFinding(finding);
        await evidence.advisory(finding);
      },
      // The runner's results, by value: the report reads these objects, not the attachments made of them.
      answered: (response) => evidence.answered(response),
      judged: (verdicts) => evidence.judged(verdicts),
    };
    await use({ evidence, hooks });
    // The test body has ended: what became of the scenario (a failed one is filed under its category).
    await evidence.finish(testInfo);
  },
});
