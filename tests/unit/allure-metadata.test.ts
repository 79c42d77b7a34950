import { createRequire } from 'node:module';
import { expect, test } from '@playwright/test';
import { getGlobalTestRuntime, setGlobalTestRuntime, type TestRuntime } from 'allure-js-commons/sdk/runtime';
import { type AllureMetadata, sendMetadata } from '../../src/report/allure-metadata.ts';

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

test("a moment's labels, links, parameters and description go to allure-playwright's runtime as one message", async () => {
  const runtime = new RecordingRuntime();
  const previous = getGlobalTestRuntime();
  setGlobalTestRuntime(runtime);
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
  try {
    await sendMetadata(data);
  } finally {
    setGlobalTestRuntime(previous);
  }
  expect(runtime.messages).toEqual([{ type: 'metadata', data }]);
});
