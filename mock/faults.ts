/**
 * The mock's fault modes: each one a single, realistic contract violation. Running the conformance
 * suite against a fault mode must fail on `expectedCheck` (a check of the registry, or a run-level check);
 * if it does not, the suite is blind to that violation. Faults only touch answers to valid requests (the
 * HTTP 200 answer path); the 400/401/404/415 error answers stay normal so that a fault never hides behind a
 * request problem. Two exceptions, on purpose: `acknowledgement-instead-of-answer` answers every
 * AuthorizeStart request alike, valid or not (an error answer in its place would hide it), and
 * `reject-lowercase-uid` is itself a wrong 400.
 */

export const FAULT_NAMES = [
  'authorized-without-session-id',
  'authorized-without-provider-id',
  'authorized-with-error-code',
  'not-authorized-with-success-code',
  'unknown-status-code',
  'numeric-status-code',
  'lowercase-authorization-status',
  'missing-status-code',
  'malformed-session-id',
  'malformed-provider-id',
  'cpo-partner-session-id-altered',
  'cpo-partner-session-id-invented',
  'repeated-session-id',
  'unknown-answer-properties',
  'text-plain-content-type',
  'latin1-charset',
  'html-error-page',
  'invalid-json-body',
  'http-500',
  'slow-answer',
  'oversized-answer',
  'malformed-stop-identification',
  'long-description',
  'authorize-everything',
  'wrong-refusal-code',
  'wrong-provider-id',
  'not-authorized-with-session-id',
  'missing-process-id',
  'authorize-foreign-session-id',
  'acknowledgement-instead-of-answer',
  'reject-lowercase-uid',
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

export interface FaultDefinition {
  /** The violation, as a reader of the report would describe it. */
  description: string;
  /** Name of the suite's check that must fail when the suite runs against this fault. */
  expectedCheck: string;
}

export const FAULTS: Record<FaultName, FaultDefinition> = {
  'authorized-without-session-id': {
    description: 'Authorized answers carry SessionID null.',
    expectedCheck: 'authorizedHasSessionId',
  },
  'authorized-without-provider-id': {
    description: 'Authorized answers carry ProviderID null.',
    expectedCheck: 'authorizedHasProviderId',
  },
  'authorized-with-error-code': {
    description: 'Authorized answers carry StatusCode.Code "210" instead of "000".',
    expectedCheck: 'authorizedHasSuccessCode',
  },
  'not-authorized-with-success-code': {
    description: 'NotAuthorized answers carry StatusCode.Code "000".',
    expectedCheck: 'notAuthorizedHasErrorCode',
  },
  'unknown-status-code': {
    description: 'Every answer carries StatusCode.Code "999", which is not in the OICP code table.',
    expectedCheck: 'statusCodeInOicpTable',
  },
  'numeric-status-code': {
    description: 'StatusCode.Code is a JSON number (0, 102) instead of a three-character string.',
    expectedCheck: 'bodyMatchesSchema',
  },
  'lowercase-authorization-status': {
    description: 'AuthorizationStatus is "authorized" / "notauthorized" instead of the OICP enum values.',
    expectedCheck: 'bodyMatchesSchema',
  },
  'missing-status-code': {
    description: 'The mandatory StatusCode is missing from the answer.',
    expectedCheck: 'bodyMatchesSchema',
  },
  'malformed-session-id': {
    description: 'Authorized answers carry SessionID "not-a-guid-1234", which is not a GUID.',
    expectedCheck: 'authorizedHasSessionId',
  },
  'malformed-provider-id': {
    description:
      'Authorized answers carry ProviderID "DE**ICE", which does not match the ProviderID pattern.',
    expectedCheck: 'bodyMatchesSchema',
  },
  'cpo-partner-session-id-altered': {
    description: 'The CPOPartnerSessionID sent in the request comes back with "-x" appended.',
    expectedCheck: 'cpoPartnerSessionIdEchoed',
  },
  'cpo-partner-session-id-invented': {
    description: 'An answer to a request without CPOPartnerSessionID carries one the mock made up.',
    expectedCheck: 'cpoPartnerSessionIdNotInvented',
  },
  'repeated-session-id': {
    description:
      'Every Authorized answer carries the same SessionID (each answer alone is well-formed; only the whole run shows it).',
    expectedCheck: 'authorizedSessionIdsUnique',
  },
  'unknown-answer-properties': {
    description:
      'Answers carry properties OICP does not define, at the top and inside StatusCode (tolerated: the suite reports an advisory naming them, the run passes).',
    expectedCheck: 'answerPropertiesKnown',
  },
  'text-plain-content-type': {
    description: 'The JSON answer is labelled Content-Type: text/plain;charset=utf-8.',
    expectedCheck: 'contentTypeIsJsonUtf8',
  },
  'latin1-charset': {
    description: 'The JSON answer is labelled Content-Type: application/json;charset=ISO-8859-1.',
    expectedCheck: 'contentTypeIsJsonUtf8',
  },
  'html-error-page': {
    description: 'HTTP 200 with an HTML page (text/html) instead of JSON, as an edge proxy would send.',
    expectedCheck: 'bodyIsJson',
  },
  'invalid-json-body': {
    description: 'HTTP 200 labelled application/json whose body is truncated JSON.',
    expectedCheck: 'bodyIsJson',
  },
  'http-500': {
    description:
      'HTTP 500 with the body Hubject sends then (StatusCode 001, Hubject system error) instead of an answer.',
    expectedCheck: 'httpStatusAsExpected',
  },
  'slow-answer': {
    description:
      "The normal answer arrives only after the slow delay (default 11 s, over the suite's default budget of 10 s).",
    expectedCheck: 'answeredWithinBudget',
  },
  'malformed-stop-identification': {
    description:
      'Authorized answers carry AuthorizationStopIdentifications [{ "UID": "AABBCCDD" }] (no type).',
    expectedCheck: 'stopIdentificationsWellFormed',
  },
  'long-description': {
    description: 'StatusCode.Description is longer than the 200 characters OICP allows.',
    expectedCheck: 'statusTextWithinLimits',
  },
  'authorize-everything': {
    description:
      'Every refused authorization (unknown card, no contract, wrong PIN) is Authorized for DE*ICE.',
    expectedCheck: 'authorizationStatusAsExpected',
  },
  'wrong-refusal-code': {
    description: 'NotAuthorized answers carry code "106" instead of the specific refusal code.',
    expectedCheck: 'statusCodeAsExpected',
  },
  'wrong-provider-id': {
    description:
      'Authorized answers carry ProviderID "DE*XXX" (well-formed, but not the contract\'s provider).',
    expectedCheck: 'fieldsAsExpected',
  },
  'not-authorized-with-session-id': {
    description:
      'NotAuthorized answers still carry a SessionID (a best-practice finding: the suite reports an advisory, the run passes).',
    expectedCheck: 'notAuthorizedWithoutSessionId',
  },
  'oversized-answer': {
    description:
      'Answers are padded with whitespace to 2 MiB (still valid JSON): more than any AuthorizeStart answer needs and than the suite reads.',
    expectedCheck: 'answerBodyComplete',
  },
  'missing-process-id': {
    description:
      "Answers lack Hubject's Process-ID header (a best-practice finding: the suite reports an advisory, the run passes).",
    expectedCheck: 'processIdCaptured',
  },
  'authorize-foreign-session-id': {
    description:
      'A request carrying a SessionID the mock never issued is processed as if it carried none (and Authorized with a fresh SessionID) instead of being refused.',
    expectedCheck: 'refusedAsExpected',
  },
  'acknowledgement-instead-of-answer': {
    description:
      'Every AuthorizeStart request, valid or not, is answered HTTP 200 with an eRoamingAcknowledgement (Result true, code 000) instead of an eRoamingAuthorizationStart or an error answer.',
    expectedCheck: 'bodyMatchesSchema',
  },
  'reject-lowercase-uid': {
    description:
      'A UID with a lower-case letter is rejected with HTTP 400 (the UID pattern) instead of being upper-cased as OICP says Hubject does (shows as an expectation the target does not confirm, not as a failure).',
    expectedCheck: 'expectationUnconfirmed',
  },
};

export function isFaultName(value: unknown): value is FaultName {
  return typeof value === 'string' && (FAULT_NAMES as readonly string[]).includes(value);
}
