import { isDeepStrictEqual } from 'node:util';
import type { Matcher, ResponseBodyKind } from '../scenarios/types.ts';
import { formatViolations, OICP } from '../schemas/registry.ts';
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
import { answersWithExpectedJsonBody } from './transport.ts';

type JsonBodyKind = Exclude<ResponseBodyKind, 'any'>;

const BODY_SCHEMAS: Record<JsonBodyKind, string> = {
  eRoamingAuthorizationStart: OICP.response,
  FaultBody: OICP.faultBody,
  OicpERoamingFault: OICP.statusFault,
};

/** The body judged against its schema: the expected kind, on the expected status, parsed as JSON. */
const hasExpectedJsonBody = (ex: Parameters<Check['appliesTo']>[0]) =>
  answersWithExpectedJsonBody(ex) && ex.answer?.json !== undefined;

export const bodyMatchesSchema: Check = {
  name: 'bodyMatchesSchema',
  title: 'The answer body matches the OICP schema of the expected answer',
  verdict: 'failure',
  category: 'schema',
  source:
    "schemas/oicp/ (OICP 2.3 eRoamingAuthorizationStart; FaultBody and OicpERoamingFault of Hubject's authorization API export); properties OICP does not list are tolerated (docs/errata.md E-12)",
  expectation: 'body',
  appliesTo: hasExpectedJsonBody,
  verify(ex, { schemas }) {
    const kind = ex.scenario.expect.body as JsonBodyKind;
    const body = ex.answer?.json;
    const violations = schemas.answerViolations(BODY_SCHEMAS[kind], body);
    if (violations.length === 0) return;
    // Hubject's 500 carries a StatusCode body where its API export documents a FaultBody: E-17.
    const knownDeviation =
      kind === 'FaultBody' &&
      ex.answer?.status === 500 &&
      schemas.answerViolations(OICP.statusFault, body).length === 0;
    throw new CheckFailure(this, {
      expected: `a body valid against ${kind}`,
      received: `${violations.length} violation(s):\n${formatViolations(violations)
        .split('\n')
        .map((line) => `    ${line}`)
        .join('\n')}`,
      deviation: knownDeviation ? 'E-17' : undefined,
    });
  },
};

export const answerPropertiesKnown: Check = {
  name: 'answerPropertiesKnown',
  title: 'The answer carries only properties OICP defines (any other is reported, never a failure)',
  verdict: 'advisory',
  category: 'schema',
  source:
    'docs/errata.md E-12: Hubject may add properties to its answers (the OpenAPI forbids none); each one OICP does not define is named, so that a new field is seen rather than hidden',
  appliesTo: hasExpectedJsonBody,
  verify(ex, { schemas }) {
    const kind = ex.scenario.expect.body as JsonBodyKind;
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
  source: "the scenario's expectation and its basis (OICP 2.3 StatusCode code table)",
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
  category: 'status',
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
