import { createRequire } from 'node:module';
import { getGlobalTestRuntime, setGlobalTestRuntime, type TestRuntime } from 'allure-js-commons/sdk/runtime';
import type { CheckFailure } from '../../src/checks/check.ts';
import type { ScenarioVerdicts } from '../../src/record/verdicts.ts';
import { Redactor } from '../../src/redact.ts';
import { AllureEvidence } from '../../src/report/allure-evidence.ts';
import { type AllureMetadata, sendMetadata } from '../../src/report/allure-metadata.ts';
import { expect, test } from '../support/test.ts';
import { buildProfile, buildScenario } from './helpers/exchange.ts';

// allure-playwright registers a runtime built on the CommonJS build of allure-js-commons; the suite's modules
// are ES modules and see the ES build. The metadata of a moment must still travel as one message: each
// message is a Playwright step with a stack trace of its own.
const commonJs = createRequire(import.meta.url)('allure-js-commons/sdk/runtime') as {
  MessageTestRuntime: new () => TestRuntime & { sendMessage(message: unknown): Promise<void> };
};

class RecordingRuntime extends commonJs.MessageTestRuntime {
  readonly messages: unknown[] = [];
  override async sendMessage(message: unknown): Promise<void> {
    this.messages.push(message);
  }
}

/** Runs `body` with a recording runtime in place of whatever this worker has. */
async function recorded(body: () => Promise<void>): Promise<unknown[]> {
  const runtime = new RecordingRuntime();
  const previous = getGlobalTestRuntime();
  setGlobalTestRuntime(runtime);
  try {
    await body();
  } finally {
    setGlobalTestRuntime(previous);
  }
  return runtime.messages;
}

test("a moment's labels, links, parameters and description go to allure-playwright's runtime as one message", async () => {
  const data: AllureMetadata = {
    testCaseId: 'oicp-2.3/eRoamingAuthorizeStart/card-refused',
    labels: [
      { name: 'feature', value: 'Identification' },
      { name: 'severity', value: 'critical' },
    ],
    links: [{ url: 'https://example.org/oicp', name: 'OICP', type: 'oicp' }],
    parameters: [
      { name: 'profile', value: 'mock' },
      { name: 'HTTP status', value: '200 OK', excluded: true },
    ],
    description: 'An unknown card is refused.',
  };
  expect(await recorded(() => sendMetadata(data))).toEqual([{ type: 'metadata', data }]);
});

test('a scenario sends two messages: what it is at its start, everything that became of it at its end', async () => {
  const profile = buildProfile({ operatorId: 'DE*ABC' });
  const evidence = new AllureEvidence(new Redactor());
  const advisory = (check: string) =>
    ({
      check,
      oneLine: `${check} found something`,
      message: `${check} found something`,
    }) as unknown as CheckFailure;
  const annotations: Array<{ type: string; description?: string }> = [];
  const messages = await recorded(async () => {
    await evidence.describe(
      { ...buildScenario({ id: 'card-refused' }), description: 'A card is refused.' },
      profile,
    );
    await evidence.advisory(advisory('requestCarriesEvseId'));
    await evidence.advisory(advisory('requestCarriesEvseId'));
    await evidence.answered({ status: '200 OK', elapsedMs: 12.4, headers: { 'Process-ID': 'p-1' } });
    await evidence.judged({
      scenario: 'card-refused',
      failed: [{ check: 'httpStatusAsExpected', category: 'status' }],
      advisories: [],
      unconfirmed: [],
      passed: [],
      notApplicable: [],
    } as unknown as ScenarioVerdicts);
    await evidence.finish({
      status: 'failed',
      expectedStatus: 'passed',
      error: { message: 'httpStatusAsExpected: …' },
      annotations,
    });
  });
  expect(messages).toHaveLength(2);
  const [start, end] = messages as Array<{ data: AllureMetadata }>;
  expect(start?.data.labels?.length).toBeGreaterThan(0);
  expect(end?.data.parameters?.map((p) => p.name)).toEqual(['Process-ID', 'HTTP status', 'response time']);
  expect(end?.data.labels).toEqual(
    expect.arrayContaining([
      { name: 'tag', value: 'advisory' },
      { name: 'advisory', value: 'requestCarriesEvseId' },
      { name: 'failureCategory', value: expect.any(String) },
    ]),
  );
  // The same advisory twice is one label.
  expect(end?.data.labels?.filter((l) => l.name === 'advisory')).toHaveLength(1);
  expect(end?.data.description).toContain('requestCarriesEvseId found something');
  expect(end?.data.description).toContain('A card is refused.');
  expect(annotations.map((a) => a.type)).toContain('failure-category');
});

test('a scenario that ends with nothing to add sends only its start', async () => {
  const evidence = new AllureEvidence(new Redactor());
  const messages = await recorded(async () => {
    await evidence.describe(buildScenario({ id: 'skipped' }), buildProfile());
    await evidence.finish({ status: 'skipped', expectedStatus: 'skipped', annotations: [] });
  });
  expect(messages).toHaveLength(1);
});
