/**
 * Errors that explain themselves: a failed check states what was expected, what arrived and the rule; a
 * transport error the URL and the cause; a configuration error the file, line and field. Their stack only
 * points into the suite's own source, which no reader of a conformance report needs, and which Playwright
 * would print as a code frame. Any other error is a fault of the suite: it keeps its stack.
 */
const SELF_EXPLAINING = new Set([
  'ScenarioFailed',
  'CheckFailure',
  'RequestLintError',
  'TransportError',
  'InputError',
]);

export function withoutSuiteFrames(error: unknown): unknown {
  if (error instanceof Error && SELF_EXPLAINING.has(error.name)) {
    error.stack = `${error.name}: ${error.message}`;
  }
  return error;
}
