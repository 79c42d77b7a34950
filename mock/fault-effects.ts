import { randomUUID } from 'node:crypto';
import type { FaultName } from './faults.ts';
import type { MockOutcome } from './registry.ts';
import { statusText } from './status-codes.ts';
import type { AuthorizationAnswer, MockContext, MockResponse } from './types.ts';

/**
 * Rules of how the mock reads a request that come from the OICP text; a fault may switch one of them off
 * (and so bring back what the mock did before it followed the text).
 */
export interface RequestReading {
  /** UIDs upper-cased before validation and lookup (OICP 2.3 CPO, 03 Data Types). */
  upperCaseUids: boolean;
  /** A SessionID the mock did not issue refused with 400 (OICP 2.3 CPO, 01 Communication Paradigms, Session handling). */
  refuseForeignSessionIds: boolean;
}

export const NORMAL_READING: Readonly<RequestReading> = {
  upperCaseUids: true,
  refuseForeignSessionIds: true,
};

/**
 * How each fault mode bends the normal answer path. A fault acts at one stage so that it changes exactly one
 * thing: how the request is read, what the mock decides, the shape of the answer body, or how the HTTP
 * answer is delivered. One fault (`acknowledgement-instead-of-answer`) replaces the whole answer, to every
 * AuthorizeStart request, valid or not.
 */
export interface FaultEffect {
  /** Answers every AuthorizeStart request (valid or not: no check runs) with this instead. */
  replace?(): MockResponse;
  /** Switches off a rule of how requests are read. */
  reading?: Partial<RequestReading>;
  decide?(outcome: MockOutcome): MockOutcome;
  /** Returns the body to send; may break the answer type on purpose, hence `unknown`. */
  reshape?(answer: AuthorizationAnswer): unknown;
  deliver?(response: MockResponse, context: MockContext): MockResponse;
}

const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';
/** The SessionID of the OICP SessionID type's documentation, given to every Authorized answer by `repeated-session-id`. */
const REPEATED_SESSION_ID = 'b2688855-7f00-0002-6d8e-48d883f6abb6';
const DESCRIPTION_MAX_LENGTH = 200;
/** 2 MiB: twice the suite's default answer size limit. */
const OVERSIZE_BYTES = 2 * 1024 * 1024;

function whenAuthorized(change: (answer: AuthorizationAnswer) => unknown) {
  return (answer: AuthorizationAnswer): unknown =>
    answer.AuthorizationStatus === 'Authorized' ? change(answer) : answer;
}

function withContentType(response: MockResponse, contentType: string): MockResponse {
  return { ...response, headers: { ...response.headers, 'Content-Type': contentType } };
}

function descriptionOverLimit(code: string): string {
  const start = `${statusText(code) ?? 'Status'}. `;
  const filler = 'Additional diagnostic text that belongs in AdditionalInfo, not in Description. ';
  return (start + filler.repeat(4)).slice(0, DESCRIPTION_MAX_LENGTH + 40);
}

/** An eRoamingAcknowledgement where an eRoamingAuthorizationStart belongs (a valid body of another operation). */
function acknowledgement(): MockResponse {
  return {
    status: 200,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, 'Process-ID': randomUUID() },
    body: JSON.stringify({
      Result: true,
      StatusCode: { Code: '000', Description: null, AdditionalInfo: null },
      SessionID: null,
      CPOPartnerSessionID: null,
      EMPPartnerSessionID: null,
    }),
  };
}

const HTML_PAGE = [
  '<!DOCTYPE html>',
  '<html><head><title>Service Unavailable</title></head>',
  '<body><h1>Service temporarily unavailable</h1><p>Please try again later.</p></body></html>',
  '',
].join('\n');

export const FAULT_EFFECTS: Record<FaultName, FaultEffect> = {
  'authorized-without-session-id': {
    reshape: whenAuthorized((answer) => ({ ...answer, SessionID: null })),
  },
  'authorized-without-provider-id': {
    reshape: whenAuthorized((answer) => ({ ...answer, ProviderID: null })),
  },
  'authorized-with-error-code': {
    reshape: whenAuthorized((answer) => ({
      ...answer,
      StatusCode: { ...answer.StatusCode, Code: '210', Description: statusText('210') },
    })),
  },
  'not-authorized-with-success-code': {
    reshape: (answer) =>
      answer.AuthorizationStatus === 'NotAuthorized'
        ? { ...answer, StatusCode: { Code: '000', Description: null, AdditionalInfo: null } }
        : answer,
  },
  'unknown-status-code': {
    reshape: (answer) => ({ ...answer, StatusCode: { ...answer.StatusCode, Code: '999' } }),
  },
  'numeric-status-code': {
    reshape: (answer) => ({
      ...answer,
      StatusCode: { ...answer.StatusCode, Code: Number(answer.StatusCode.Code) },
    }),
  },
  'lowercase-authorization-status': {
    reshape: (answer) => ({ ...answer, AuthorizationStatus: answer.AuthorizationStatus.toLowerCase() }),
  },
  'missing-status-code': {
    reshape: ({ StatusCode: _dropped, ...answerWithoutStatusCode }) => answerWithoutStatusCode,
  },
  'malformed-session-id': {
    reshape: whenAuthorized((answer) => ({ ...answer, SessionID: 'not-a-guid-1234' })),
  },
  'malformed-provider-id': {
    reshape: whenAuthorized((answer) => ({ ...answer, ProviderID: 'DE**ICE' })),
  },
  'cpo-partner-session-id-altered': {
    reshape: (answer) =>
      answer.CPOPartnerSessionID === null
        ? answer
        : { ...answer, CPOPartnerSessionID: `${answer.CPOPartnerSessionID}-x` },
  },
  'cpo-partner-session-id-invented': {
    reshape: (answer) =>
      answer.CPOPartnerSessionID === null
        ? { ...answer, CPOPartnerSessionID: `mock-${randomUUID()}` }
        : answer,
  },
  'repeated-session-id': {
    reshape: whenAuthorized((answer) => ({ ...answer, SessionID: REPEATED_SESSION_ID })),
  },
  'unknown-answer-properties': {
    reshape: (answer) => ({
      ...answer,
      StatusCode: { ...answer.StatusCode, TraceID: randomUUID() },
      AuthorizationValidUntil: '2030-01-01T00:00:00Z',
    }),
  },
  'text-plain-content-type': {
    deliver: (response) => withContentType(response, 'text/plain;charset=utf-8'),
  },
  'latin1-charset': {
    deliver: (response) => withContentType(response, 'application/json;charset=ISO-8859-1'),
  },
  'html-error-page': {
    deliver: (response) => ({
      status: 200,
      headers: { ...response.headers, 'Content-Type': 'text/html;charset=utf-8' },
      body: HTML_PAGE,
    }),
  },
  'invalid-json-body': {
    // Any proper prefix of a serialised object lacks its closing brace, so it never parses.
    deliver: (response) => ({
      ...response,
      body: response.body.slice(0, Math.floor(response.body.length / 2)),
    }),
  },
  'http-500': {
    // The body Hubject sent with a 500 (captured 2022); the mock keeps UTF-8, so that the fault is the status alone.
    deliver: (response) => ({
      status: 500,
      headers: { ...response.headers, 'Content-Type': JSON_CONTENT_TYPE },
      body: JSON.stringify({
        StatusCode: { Code: '001', Description: statusText('001'), AdditionalInfo: null },
      }),
    }),
  },
  'slow-answer': {
    deliver: (response, context) => ({ ...response, delayMs: context.slowDelayMs }),
  },
  'oversized-answer': {
    // Whitespace between JSON tokens is allowed: the body stays a valid answer, only its size is wrong.
    deliver: (response) => ({
      ...response,
      body: response.body.replace(/^\{/, `{${' '.repeat(OVERSIZE_BYTES)}`),
    }),
  },
  'malformed-stop-identification': {
    reshape: whenAuthorized((answer) => ({
      ...answer,
      AuthorizationStopIdentifications: [{ UID: 'AABBCCDD' }],
    })),
  },
  'long-description': {
    reshape: (answer) => ({
      ...answer,
      StatusCode: { ...answer.StatusCode, Description: descriptionOverLimit(answer.StatusCode.Code) },
    }),
  },
  'authorize-everything': {
    // Authorized outcomes keep their own provider, so that only the refusals are wrong.
    decide: (outcome) =>
      outcome.status === 'Authorized' ? outcome : { status: 'Authorized', providerId: 'DE*ICE' },
  },
  'wrong-refusal-code': {
    decide: (outcome) => (outcome.status === 'NotAuthorized' ? { ...outcome, code: '106' } : outcome),
  },
  'wrong-provider-id': {
    reshape: whenAuthorized((answer) => ({ ...answer, ProviderID: 'DE*XXX' })),
  },
  'not-authorized-with-session-id': {
    reshape: (answer) =>
      answer.AuthorizationStatus === 'NotAuthorized' ? { ...answer, SessionID: randomUUID() } : answer,
  },
  'missing-process-id': {
    deliver: (response) => {
      const { 'Process-ID': _processId, ...headers } = response.headers;
      return { ...response, headers };
    },
  },
  'authorize-foreign-session-id': {
    reading: { refuseForeignSessionIds: false },
  },
  'acknowledgement-instead-of-answer': {
    replace: acknowledgement,
  },
  'reject-lowercase-uid': {
    reading: { upperCaseUids: false },
  },
};
