import * as allure from 'allure-js-commons';
import type { RuntimeMetadataMessage } from 'allure-js-commons/sdk';
import { BaseMessageTestRuntime, getGlobalTestRuntimeWithAutoconfig } from 'allure-js-commons/sdk/runtime';

/** Labels, links, parameters, description and test case id of the running test, in any combination. */
export type AllureMetadata = RuntimeMetadataMessage['data'];

/**
 * Sends the metadata of the running test as one Allure runtime message. Each message is an attachment with a
 * step of its own in Playwright, which captures a stack trace for it: one message per moment of a scenario
 * (its description, its answer, its verdicts) instead of one per label or parameter keeps the evidence from
 * costing more than the exchange. Without a message runtime (none configured), the same through the
 * one-at-a-time API.
 */
export async function sendMetadata(data: AllureMetadata): Promise<void> {
  const runtime = await getGlobalTestRuntimeWithAutoconfig();
  if (runtime instanceof BaseMessageTestRuntime) {
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
