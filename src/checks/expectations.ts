import { isDeepStrictEqual } from 'node:util';
import type { Matcher, ResponseBodyKind } from '../scenarios/types.ts';
import { formatViolations, OICP } from '../schemas/registry.ts';
import {
  answerObject,
  authorizationStatusOf,
  type Check,
  CheckFailure,
  readPath,
  show,
  statusCodeOf,
} from './check.ts';

const BODY_SCHEMAS: Record<Exclude<ResponseBodyKind, 'any'>, string> = {
  eRoamingAuthorizationStart: OICP.response,
  FaultBody: OICP.faultBody,
  OicpERoamingFault: OICP.statusFault,
};

export const bodyMatchesSchema: Check = {
  name: 'bodyMatchesSchema',
  title: 'The answer body matches the OICP schema of the expected answer',
  verdict: 'failure',
  category: 'schema',
  source: 'schemas/oicp/ (OICP 2.3 eRoamingAuthorizationStart, FaultBody, OicpERoamingFault)',
  // Judged only when the HTTP status is the expected one: a body of an unexpected status says little.
  appliesTo: (ex) =>
    ex.answer?.json !== undefined &&
    ex.scenario.expect.body !== 'any' &&
    ex.answer.status === ex.scenario.expect.status,
  verify(ex, { schemas }) {
    const kind = ex.scenario.expect.body as Exclude<ResponseBodyKind, 'any'>;
    const violations = schemas.violations(BODY_SCHEMAS[kind], ex.answer?.json);
    if (violations.length === 0) return;
    throw new CheckFailure(this, {
      expected: `a body valid against ${kind}`,
      received: `${violations.length} violation(s):\n${formatViolations(violations)
        .split('\n')
        .map((line) => `    ${line}`)
        .join('\n')}`,
    });
  },
};

export const authorizationStatusAsExpected: Check = {
  name: 'authorizationStatusAsExpected',
  title: 'AuthorizationStatus is the one the scenario expects',
  verdict: 'failure',
  category: 'status',
  source: 'the scenario expectation (OICP 2.3 eRoamingAuthorizationStart.AuthorizationStatus)',
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
  source: 'the scenario expectation (OICP 2.3 status code table)',
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
  source: 'the scenario expectation (expect.fields)',
  appliesTo: (ex) => ex.answer !== undefined && Object.keys(ex.scenario.expect.fields).length > 0,
  verify(ex) {
    const mismatches = Object.entries(ex.scenario.expect.fields).flatMap(([path, matcher]) => {
      const value = readPath(ex.answer?.json, path);
      const problem = matcherProblem(value, matcher);
      return problem ? [{ path, problem, value }] : [];
    });
    if (mismatches.length === 0) return;
    throw new CheckFailure(this, {
      expected: mismatches.map((m) => `${m.path} ${m.problem}`).join('; '),
      received: mismatches.map((m) => `${m.path} = ${show(m.value)}`).join('; '),
    });
  },
};
