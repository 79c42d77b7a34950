import { type APIRequestContext, test as base, request } from '@playwright/test';
import type { CheckFailure } from '../src/checks/check.ts';
import { clientCertificates } from '../src/config/tls.ts';
import { PlaywrightTransport } from '../src/exchange/playwright-transport.ts';
import type { Transport } from '../src/exchange/types.ts';
import { Redactor } from '../src/redact.ts';
import { AllureEvidence } from '../src/report/allure-evidence.ts';
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
    await use({
      step: (title, body) => test.step(title, body, { box: true }),
      attach: async (name, contentType, body) => {
        await testInfo.attach(name, { contentType, body });
        await evidence.attached(name, body);
      },
      advisory: async (finding: CheckFailure) => {
        testInfo.annotations.push({ type: 'advisory', description: finding.oneLine });
        await testInfo.attach(`advisory-${finding.check}.txt`, {
          contentType: 'text/plain',
          body: finding.message,
        });
        await evidence.advisory(finding);
      },
    });
  },
});
