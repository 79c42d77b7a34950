import { type APIRequestContext, test as base, request } from '@playwright/test';
import { CheckFailure } from '../src/checks/check.ts';
import { clientCertificates } from '../src/config/tls.ts';
import { PlaywrightTransport } from '../src/exchange/playwright-transport.ts';
import type { Transport } from '../src/exchange/types.ts';
import { Redactor } from '../src/redact.ts';
import { AllureEvidence } from '../src/report/allure-evidence.ts';
import { limitAttachment } from '../src/report/attachment-limit.ts';
import { withoutSuiteFrames } from '../src/report/failure-presentation.ts';
import { ANNOTATION } from '../src/report/run-record.ts';
import { cutLine } from '../src/report/summary.ts';
import type { RunHooks } from '../src/run/scenario-runner.ts';
import { loadSuite, type Suite } from '../src/run/suite.ts';

interface WorkerFixtures {
  /** Schemas, profile and scenarios, loaded once per worker. */
  suite: Suite;
  /** One API request context per worker, configured for the target. */
  apiContext: APIRequestContext;
  transport: Transport;
}

interface TestFixtures {
  /**
   * The report's view of the running scenario beyond steps and attachments: labels, links, Process-ID,
   * timing, advisories, and the failure category once the test has ended.
   */
  evidence: AllureEvidence;
  /** Reports the runner's phases as Playwright steps (Allure steps) and attachments. */
  hooks: RunHooks;
}

const isAdvisory = (error: unknown): error is CheckFailure =>
  error instanceof CheckFailure && error.verdict === 'advisory';

export const test = base.extend<TestFixtures, WorkerFixtures>({
  suite: [async ({}, use) => use(loadSuite()), { scope: 'worker' }],
  apiContext: [
    async ({ suite }, use) => {
      const { baseUrl, tls } = suite.profile;
      // The extra CA (OICP_CA_CERT) is trusted through NODE_EXTRA_CA_CERTS, set before the workers start.
      const context = await request.newContext({
        baseURL: baseUrl,
        clientCertificates: clientCertificates(tls, baseUrl),
        ignoreHTTPSErrors: tls.insecure,
      });
      await use(context);
      await context.dispose();
    },
    { scope: 'worker' },
  ],
  transport: [async ({ apiContext }, use) => use(new PlaywrightTransport(apiContext)), { scope: 'worker' }],
  evidence: async ({ suite }, use, testInfo) => {
    const evidence = new AllureEvidence(Redactor.forVariables(suite.profile.variables));
    await use(evidence);
    // The test body has ended: a failed scenario is filed under its category.
    await evidence.finish(testInfo);
  },
  hooks: async ({ evidence }, use, testInfo) => {
    const findingsAttached = new Set<string>();
    // Every format of the reports carries every attachment: each is cut to a size worth keeping.
    const attach = async (name: string, contentType: string, body: string) => {
      const limited = limitAttachment(body, contentType);
      await testInfo.attach(name, { contentType: limited.contentType, body: limited.body });
      await evidence.attached(name, body);
    };
    const attachFinding = async (finding: CheckFailure) => {
      if (findingsAttached.has(finding.check)) return;
      findingsAttached.add(finding.check);
      await attach(`advisory-${finding.check}.txt`, 'text/plain', finding.message);
    };
    await use({
      // Not boxed: a boxed step rewrites an error's stack to the step's call site inside the suite; the
      // errors that explain themselves carry no frames at all (withoutSuiteFrames).
      step: async <T>(title: string, body: () => Promise<T>): Promise<T> => {
        let finding: CheckFailure | undefined;
        const result = await test.step(title, async () => {
          try {
            return await body();
          } catch (error) {
            if (!isAdvisory(error)) throw withoutSuiteFrames(error);
            // A finding, not an error: the step passes and says what it found; the runner still hears of
            // it below and records the advisory.
            finding = error;
            await test.step(`Finding: ${cutLine(error.oneLine, 240)}`, () => attachFinding(error));
            return undefined as T;
          }
        });
        if (finding) throw finding;
        return result;
      },
      attach,
      advisory: async (finding: CheckFailure) => {
        testInfo.annotations.push({ type: ANNOTATION.advisory, description: finding.oneLine });
        await attachFinding(finding);
        await evidence.advisory(finding);
      },
    });
  },
});
