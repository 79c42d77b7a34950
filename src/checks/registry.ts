import { notAuthorizedWithoutSessionId, processIdCaptured, requestCarriesEvseId } from './advisories.ts';
import type { Check } from './check.ts';
import {
  answerPropertiesKnown,
  authorizationStatusAsExpected,
  bodyMatchesSchema,
  fieldsAsExpected,
  refusedAsExpected,
  statusCodeAsExpected,
} from './expectations.ts';
import {
  authorizedHasProviderId,
  authorizedHasSessionId,
  authorizedHasSuccessCode,
  cpoPartnerSessionIdEchoed,
  cpoPartnerSessionIdNotInvented,
  notAuthorizedHasErrorCode,
  statusCodeInOicpTable,
  statusTextWithinLimits,
  stopIdentificationsWellFormed,
} from './protocol.ts';
import {
  answerBodyComplete,
  answeredWithinBudget,
  bodyIsJson,
  contentTypeIsJsonUtf8,
  httpStatusAsExpected,
} from './transport.ts';

/**
 * Every check the suite runs, in report order: transport and HTTP first, then the expectations of the
 * scenario, then the protocol's own rules, then advisories. The report, docs/checks.md and the mutation
 * tests all name checks from this list.
 */
export const CHECKS: readonly Check[] = [
  answeredWithinBudget,
  answerBodyComplete,
  httpStatusAsExpected,
  contentTypeIsJsonUtf8,
  bodyIsJson,
  bodyMatchesSchema,
  authorizationStatusAsExpected,
  statusCodeAsExpected,
  refusedAsExpected,
  fieldsAsExpected,
  authorizedHasSessionId,
  authorizedHasProviderId,
  authorizedHasSuccessCode,
  notAuthorizedHasErrorCode,
  statusCodeInOicpTable,
  statusTextWithinLimits,
  cpoPartnerSessionIdEchoed,
  stopIdentificationsWellFormed,
  answerPropertiesKnown,
  cpoPartnerSessionIdNotInvented,
  notAuthorizedWithoutSessionId,
  requestCarriesEvseId,
  processIdCaptured,
];

export function checkNamed(name: string): Check | undefined {
  return CHECKS.find((check) => check.name === name);
}
