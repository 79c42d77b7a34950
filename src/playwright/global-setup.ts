import { reportPaths } from '../reports-folder/paths.ts';
import { FailFast } from '../run/fail-fast.ts';
import { untilAwaitedMockReady } from '../run/mock-process.ts';

/**
 * Before the first scenario of a conformance run: the fail-fast record starts empty, and the embedded mock
 * the command started beside this Playwright is up.
 */
export default async function globalSetup(): Promise<void> {
  FailFast.reset(reportPaths().runState);
  await untilAwaitedMockReady(process.env);
}
