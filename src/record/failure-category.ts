import type { CheckCategory } from '../checks/check.ts';

/**
 * What a failed scenario points at, so that a failing nightly is triaged at a glance: the same words in
 * the console summary and in the Allure report's categories (allurerc.mjs matches the label below).
 */
export type FailureCategory = 'configuration' | CheckCategory;

export const FAILURE_CATEGORIES: Readonly<Record<FailureCategory, { title: string; meaning: string }>> = {
  configuration: {
    title: 'Configuration error',
    meaning: 'a profile value, scenario or setting is wrong; nothing (or not what was meant) was sent',
  },
  transport: {
    title: 'Transport error',
    meaning: 'no answer in time: connection, TLS, timeout or the time budget',
  },
  status: {
    title: 'Unexpected status / code',
    meaning:
      'the HTTP status, AuthorizationStatus or StatusCode is not the one the scenario expects as an OICP rule',
  },
  schema: {
    title: 'Schema violation',
    meaning: 'the answer does not match the OICP schema',
  },
  protocol: {
    title: 'Protocol rule',
    meaning: 'a cross-field rule of the protocol is broken (SessionID, ProviderID, code table, content type)',
  },
  field: {
    title: 'Unexpected field value',
    meaning:
      'an answer field the scenario names (other than the status and the code) does not have the value it expects as an OICP rule',
  },
  'best-practice': {
    title: 'Best practice',
    meaning: 'a best-practice finding the profile treats as a failure',
  },
};

/** The Allure label that carries the category key; allurerc.mjs files results by it. */
export const FAILURE_CATEGORY_LABEL = 'failureCategory';

/** The Playwright annotation with the same key, for the console summary (read from the JSON report). */
export const FAILURE_CATEGORY_ANNOTATION = 'failure-category';

const ERROR_CATEGORIES: ReadonlyArray<[RegExp, FailureCategory]> = [
  [/^(?:Error: )?TransportError\b/, 'transport'],
  [/^(?:Error: )?(?:RequestLintError|InputError)\b/, 'configuration'],
];

/**
 * The category of a failed scenario: of its first failed check in registry order (transport and HTTP status
 * first, then the body, the expectations, the protocol rules), so that a wrong HTTP status is not filed as
 * the schema violation it causes — except that a field expectation yields to any other failed check: a
 * broken protocol rule (the CPOPartnerSessionID not echoed) explains the field expectation that names the
 * same field, so a catalogue scenario and a generated case with the same fault land in the same category.
 * Without failed checks, the error says it: a TransportError, or a RequestLintError / InputError
 * (configuration). Anything else is a fault of the suite itself and stays uncategorised (Allure files it
 * under its default "Test errors").
 */
export function failureCategory(
  failedChecks: ReadonlyArray<{ category: string }>,
  errorMessage: string | undefined,
): FailureCategory | undefined {
  const known = failedChecks
    .map((check) => check.category)
    .filter((category): category is FailureCategory => Object.hasOwn(FAILURE_CATEGORIES, category));
  const first = known.find((category) => category !== 'field') ?? known[0];
  if (first) return first;
  const message = errorMessage?.trimStart() ?? '';
  return ERROR_CATEGORIES.find(([pattern]) => pattern.test(message))?.[1];
}
