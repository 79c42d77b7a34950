import { isDeepStrictEqual } from 'node:util';
import type { Matcher } from '../scenarios/types.ts';
import { formatViolations, OICP } from '../schemas/registry.ts';
import {
  ACKNOWLEDGED_REFUSAL_CODES,
  bodyFinding,
  DOCUMENTED_ANSWER_STATEMENTS,
  type JsonBodyKind,
  type JudgedBody,
  judgedBody,
} from './answer-kind.ts';
import {
  answerObject,
  authorizationStatusOf,
  type Check,
  CheckFailure,
  joined,
  readPath,
  show,
  statusCodeOf,
  type UnmetExpectation,
} from './check.ts';

const BODY_SCHEMAS: Record<JsonBodyKind, string> = {
  eRoamingAuthorizationStart: OICP.response,
  FaultBody: OICP.faultBody,
  OicpERoamingFault: OICP.statusFault,
};

/** The body judged against a schema: JSON, with a message the contract or the scenario names. */
const judgedJsonBody = (ex: Parameters<Check['appliesTo']>[0]) =>
  ex.answer?.json !== undefined ? judgedBody(ex) : undefined;

export const bodyMatchesSchema: Check = {
  name: 'bodyMatchesSchema',
  title: 'The answer body is the OICP message of its HTTP status',
  verdict: 'failure',
  category: 'schema',
  source:
    "schemas/oicp/: the message Hubject's contract documents for the status that arrived — 200 an eRoamingAuthorizationStart (OICP 2.3 OpenAPI), 400 and 500 a FaultBody, 401 and 404 an OicpERoamingFault (Hubject's authorization API export) — judged whatever status the scenario expected; on another status, the body the scenario expects. Properties OICP does not list are tolerated (docs/errata.md E-12)",
  statements: [
    ...DOCUMENTED_ANSWER_STATEMENTS,
    'answer-authorization-status-mandatory',
    'answer-status-code-mandatory',
    'authorization-status-values',
    'answer-partner-session-id-length',
    'guide-answer-nulls',
    'system-error-acknowledgement',
    'flow-partner-not-found-300',
    'flow-partner-locked-017',
  ],
  appliesTo: (ex) => judgedJsonBody(ex) !== undefined,
  verify(ex, { schemas }) {
    const judged = judgedJsonBody(ex) as JudgedBody;
    const body = ex.answer?.json;
    const violations = schemas.answerViolations(BODY_SCHEMAS[judged.kind], body);
    if (violations.length === 0) return;
    const acknowledgement = schemas.answerViolations(OICP.acknowledgement, body).length === 0;
    if (judged.kind === 'eRoamingAuthorizationStart' && acknowledgement && isAcknowledgedRefusal(body))
      return;
    // Hubject's 500 carries a StatusCode body where its API export documents a FaultBody: E-17.
    const knownDeviation =
      judged.kind === 'FaultBody' &&
      ex.answer?.status === 500 &&
      schemas.answerViolations(OICP.statusFault, body).length === 0;
    const expected = `a body valid against ${judged.kind} (the message of HTTP ${ex.answer?.status})`;
    const received = acknowledgement
      ? `an eRoamingAcknowledgement (Result ${show((body as { Result?: unknown }).Result)}, StatusCode.Code ${show(statusCodeOf(ex)?.Code)}), not an answer of this operation`
      : `${violations.length} violation(s):\n${formatViolations(violations)
          .split('\n')
          .map((line) => `    ${line}`)
          .join('\n')}`;
    throw new CheckFailure(this, {
      expected,
      received,
      deviation: knownDeviation ? 'E-17' : undefined,
      hint: acknowledgement
        ? `OICP names an eRoamingAcknowledgement for an AuthorizeStart only as a refusal: Result false with ${ACKNOWLEDGED_REFUSAL_CODES.join(', ')} (the eRoamingAuthorization diagram; 01 Communication Paradigms, Error handling)`
        : undefined,
      ...bodyFinding(judged, expected, received),
    });
  },
};

/**
 * A valid eRoamingAcknowledgement that refuses with a code OICP names an acknowledgement for (Partner not found,
 * Partner locked, a system error): an answer the text allows on HTTP 200 besides the eRoamingAuthorizationStart.
 * What it means for the scenario is judged by its status and code expectations.
 */
function isAcknowledgedRefusal(body: unknown): boolean {
  const { Result, StatusCode } = body as { Result: boolean; StatusCode: { Code: unknown } };
  return Result === false && ACKNOWLEDGED_REFUSAL_CODES.includes(String(StatusCode.Code));
}

export const answerPropertiesKnown: Check = {
  name: 'answerPropertiesKnown',
  title: 'The answer carries only properties OICP defines (any other is reported, never a failure)',
  verdict: 'advisory',
  category: 'schema',
  source:
    'docs/errata.md E-12: Hubject may add properties to its answers (the OpenAPI forbids none); each one OICP does not define is named, so that a new field is seen rather than hidden',
  appliesTo: (ex) => judgedJsonBody(ex) !== undefined,
  verify(ex, { schemas }) {
    const kind = (judgedJsonBody(ex) as JudgedBody).kind;
    // A body that is not the message at all is bodyMatchesSchema's finding; its extra properties add nothing.
    if (schemas.answerViolations(BODY_SCHEMAS[kind], ex.answer?.json).length > 0) return;
    const unknown = schemas.unknownProperties(BODY_SCHEMAS[kind], ex.answer?.json);
    if (unknown.length === 0) return;
    throw new CheckFailure(this, {
      expected: `only the properties ${kind} defines`,
      received: `${unknown.length} other propert${unknown.length === 1 ? 'y' : 'ies'}: ${unknown.join(', ')}`,
      hint: 'tolerated: a target may extend its answers; check the OICP release notes whether the property is new',
    });
  },
};

export const authorizationStatusAsExpected: Check = {
  name: 'authorizationStatusAsExpected',
  title: 'AuthorizationStatus is the one the scenario expects',
  verdict: 'failure',
  category: 'status',
  source:
    "the scenario's expectation and its basis (OICP 2.3 eRoamingAuthorizationStart.AuthorizationStatus)",
  expectation: 'authorizationStatus',
  appliesTo: (ex) => ex.answer !== undefined && ex.scenario.expect.authorizationStatus !== undefined,
  verify(ex) {
    const received = authorizationStatusOf(ex);
    if (received === ex.scenario.expect.authorizationStatus) return;
    throw new CheckFailure(this, {
      expected: `AuthorizationStatus ${show(ex.scenario.expect.authorizationStatus)}`,
      received: answerObject(ex) ? `AuthorizationStatus ${show(received)}` : 'no JSON object in the answer',
      hint:
        received === 'Authorized' && ex.scenario.expect.authorizationStatus === 'NotAuthorized'
          ? 'the target authorized an identification the scenario expects to be refused; if the target is a mock, its data may lack this case'
          : undefined,
    });
  },
};

export const statusCodeAsExpected: Check = {
  name: 'statusCodeAsExpected',
  title: 'StatusCode.Code is the one the scenario expects',
  verdict: 'failure',
  category: 'status',
  source:
    "the scenario's expectation and its basis (OICP 2.3 StatusCode code table); the code alone decides, never the Description (01 Communication Paradigms, Status codes)",
  statements: ['status-code-analysis'],
  expectation: 'statusCode',
  appliesTo: (ex) => ex.answer !== undefined && ex.scenario.expect.statusCode !== undefined,
  verify(ex) {
    const statusCode = statusCodeOf(ex);
    const code = statusCode?.Code;
    if (code === ex.scenario.expect.statusCode) return;
    throw new CheckFailure(this, {
      expected: `StatusCode.Code ${show(ex.scenario.expect.statusCode)}`,
      received: statusCode
        ? `StatusCode.Code ${show(code)}${typeof statusCode.Description === 'string' ? ` (${statusCode.Description})` : ''}`
        : 'no StatusCode in the answer',
    });
  },
};

export const refusedAsExpected: Check = {
  name: 'refusedAsExpected',
  title: 'The request is refused (any negative response: not an Authorized answer)',
  verdict: 'failure',
  category: 'status',
  source:
    "the scenario's expectation and its basis: a rule that says a request is refused without saying how (e.g. OICP 2.3 CPO, 01 Communication Paradigms, Session handling: a SessionID Hubject did not create gets a negative response)",
  expectation: 'refused',
  appliesTo: (ex) => ex.answer !== undefined && ex.scenario.expect.refused === true,
  verify(ex) {
    const status = ex.answer?.status ?? 0;
    const authorized = status >= 200 && status < 300 && authorizationStatusOf(ex) === 'Authorized';
    if (!authorized) return;
    throw new CheckFailure(this, {
      expected: 'a negative response (NotAuthorized, or an error answer)',
      received: `HTTP ${status}, AuthorizationStatus "Authorized"${typeof answerObject(ex)?.SessionID === 'string' ? `, SessionID ${show(answerObject(ex)?.SessionID)}` : ''}`,
      hint: 'the target went on to authorize a request the contract says it must refuse before any further step',
    });
  },
};

function matcherProblem(value: unknown, matcher: Matcher): string | undefined {
  if ('equals' in matcher)
    return isDeepStrictEqual(value, matcher.equals) ? undefined : `to equal ${show(matcher.equals)}`;
  if ('matches' in matcher) {
    return typeof value === 'string' && new RegExp(matcher.matches).test(value)
      ? undefined
      : `to match /${matcher.matches}/`;
  }
  if ('isNull' in matcher) {
    const isNull = value === null || value === undefined;
    if (isNull === matcher.isNull) return undefined;
    return matcher.isNull ? 'to be null or absent' : 'to be present and not null';
  }
  return Array.isArray(value) && value.length >= matcher.minItems
    ? undefined
    : `to be an array of at least ${matcher.minItems} item(s)`;
}

export const fieldsAsExpected: Check = {
  name: 'fieldsAsExpected',
  title: 'The answer fields the scenario names have the expected values',
  verdict: 'failure',
  category: 'field',
  source: "the scenario's expectations (expect.fields), each with its basis",
  // Each field matcher is its own expectation: a failure names every unmet one (UnmetExpectation).
  expectation: 'fields.<path>',
  appliesTo: (ex) => ex.answer !== undefined && Object.keys(ex.scenario.expect.fields).length > 0,
  verify(ex) {
    const unmet = Object.entries(ex.scenario.expect.fields).flatMap(([path, matcher]): UnmetExpectation[] => {
      const value = readPath(ex.answer?.json, path);
      const problem = matcherProblem(value, matcher);
      return problem
        ? [
            {
              expectation: `fields.${path}`,
              expected: `${path} ${problem}`,
              received: `${path} = ${show(value)}`,
            },
          ]
        : [];
    });
    if (unmet.length === 0) return;
    throw new CheckFailure(this, { ...joined(unmet), unmet });
  },
};
