import * as allure from 'allure-js-commons';
import type { RuntimeMetadataMessage } from 'allure-js-commons/sdk';
import { getGlobalTestRuntimeWithAutoconfig, type TestRuntime } from 'allure-js-commons/sdk/runtime';

/** Labels, links, parameters, description and test case id of the running test, in any combination. */
export type AllureMetadata = RuntimeMetadataMessage['data'];

/**
 * Sends the metadata of the running test as one Allure runtime message. Each message is an attachment with a
 * step of its own in Playwright, which captures a stack trace for it: one message per moment of a scenario
 * (what it is, at its start; what became of it, at its end: AllureEvidence) instead of one per label or
 * parameter keeps the evidence from costing more than the exchange. Without a message runtime (none configured), the same through the
 * one-at-a-time API.
 *
 * A message runtime is told by its `sendMessage`, not by `instanceof`: allure-playwright registers the
 * CommonJS build's class, and this module (an ES module) sees the ES build's — the same class twice, never
 * an instance of the other.
 */
export async function sendMetadata(data: AllureMetadata): Promise<void> {
  const runtime = await getGlobalTestRuntimeWithAutoconfig();
  if (isMessageRuntime(runtime)) {
    await runtime.sendMessage({ type: 'metadata', data });
    return;
  }
  if (data.testCaseId) await allure.testCaseId(data.testCaseId);
  if (data.labels?.length) await allure.labels(...data.labels);
  if (data.links?.length) await allure.links(...data.links);
  for (const { name, value, ...options } of data.parameters ?? [])
    await allure.parameter(name, value, options);
  if (data.description) await allure.description(data.description);
}

interface MessageRuntime {
  sendMessage(message: { type: 'metadata'; data: AllureMetadata }): Promise<void>;
}

function isMessageRuntime(runtime: TestRuntime): runtime is TestRuntime & MessageRuntime {
  return typeof (runtime as Partial<MessageRuntime>).sendMessage === 'function';
}
