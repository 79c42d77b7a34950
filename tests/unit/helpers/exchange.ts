import {
  DEFAULT_FAIL_FAST,
  DEFAULT_INVALID_REQUESTS,
  DEFAULT_MAX_ANSWER_BYTES,
  NO_RETRY,
  type Profile,
} from '../../../src/config/profile.ts';
import { decodeAnswer, prepareRequest } from '../../../src/exchange/request.ts';
import type { Exchange, HttpAnswer } from '../../../src/exchange/types.ts';
import type { Scenario, ScenarioExpectation, ScenarioRequest } from '../../../src/scenarios/types.ts';

// Test data for checks and the runner: scenarios, wire answers and exchanges built the way the runner builds them.

export const OPERATOR_ID = 'DE*ABC';
export const EVSE_ID = 'DE*ABC*E1234567';
export const UID = '1234ABCD';

/** A valid eRoamingAuthorizeStart body: RFID card at a named EVSE. */
export function rfidRequestBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    OperatorID: OPERATOR_ID,
    EvseID: EVSE_ID,
    Identification: { RFIDMifareFamilyIdentification: { UID } },
    ...extra,
  };
}

/** The answer of the Hubject integration guide's AuthorizeStart example, verbatim. */
export const INTEGRATION_GUIDE_AUTHORIZED =
  '{"SessionID":"3b129fb6-c4af-476e-8bec-6e307c8e5d25","CPOPartnerSessionID":null,"EMPPartnerSessionID":null,' +
  '"ProviderID":"DE*ICE","AuthorizationStatus":"Authorized","StatusCode":{"Code":"000","Description":null,' +
  '"AdditionalInfo":null},"AuthorizationStopIdentifications":null}';

/** A refused RFID authorization as Hubject answers it: HTTP 200, code 102, optional fields null. */
export const HUBJECT_NOT_AUTHORIZED_102 =
  '{"SessionID":null,"CPOPartnerSessionID":null,"EMPPartnerSessionID":null,"ProviderID":null,' +
  '"AuthorizationStatus":"NotAuthorized","StatusCode":{"Code":"102",' +
  '"Description":"RFID Authentication failed – invalid UID","AdditionalInfo":null},' +
  '"AuthorizationStopIdentifications":null}';

export const HUBJECT_CONTENT_TYPE = 'application/json;charset=utf-8';

export interface ScenarioOverrides {
  id?: string;
  covers?: string[];
  invalid?: boolean;
  request?: Partial<ScenarioRequest>;
  expect?: Partial<ScenarioExpectation>;
}

/** A positive RFID scenario expecting HTTP 200, Authorized, 000; every part can be overridden. */
export function buildScenario(overrides: ScenarioOverrides = {}): Scenario {
  return {
    id: overrides.id ?? 'unit-rfid-authorized',
    title: 'RFID card is authorized',
    feature: 'Unit',
    severity: 'normal',
    tags: [],
    invalid: overrides.invalid ?? false,
    ...(overrides.covers ? { covers: overrides.covers } : {}),
    request: { operatorId: OPERATOR_ID, body: rfidRequestBody(), ...overrides.request },
    expect: {
      status: 200,
      body: 'eRoamingAuthorizationStart',
      authorizationStatus: 'Authorized',
      statusCode: '000',
      fields: {},
      ...overrides.expect,
    },
    source: { file: 'tests/unit/inline.yaml', line: 1 },
  };
}

export interface AnswerOptions {
  status?: number;
  statusText?: string;
  /** Content-Type header; null leaves it out. */
  contentType?: string | null;
  headers?: Record<string, string>;
}

/** An answer as a transport returns it. A string body is UTF-8 encoded, an object is JSON-serialised, a Buffer is sent as is. */
export function httpAnswer(body: string | Buffer | object, options: AnswerOptions = {}): HttpAnswer {
  const bytes = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  const contentType = options.contentType === undefined ? HUBJECT_CONTENT_TYPE : options.contentType;
  const headers: Record<string, string> = {};
  if (contentType !== null) headers['content-type'] = contentType;
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  const status = options.status ?? 200;
  return { status, statusText: options.statusText ?? (status === 200 ? 'OK' : ''), headers, body: bytes };
}

export interface ExchangeOptions {
  scenario?: Scenario;
  /** The wire answer; null means no answer arrived (request abandoned). */
  answer?: HttpAnswer | null;
  elapsedMs?: number;
  timeBudgetMs?: number;
  hubject?: boolean;
}

/** An exchange the way the runner assembles it: request prepared from the scenario, answer decoded once. */
export function buildExchange(options: ExchangeOptions = {}): Exchange {
  const scenario = options.scenario ?? buildScenario();
  const exchange: Exchange = {
    scenario,
    request: prepareRequest(scenario, 'http://127.0.0.1:9'),
    elapsedMs: options.elapsedMs ?? 120,
    timeBudgetMs: options.timeBudgetMs ?? 1000,
    maxAnswerBytes: DEFAULT_MAX_ANSWER_BYTES,
    hubject: options.hubject ?? false,
    attempts: 1,
  };
  const answer = options.answer === undefined ? httpAnswer(INTEGRATION_GUIDE_AUTHORIZED) : options.answer;
  if (answer !== null) exchange.answer = decodeAnswer(answer);
  return exchange;
}

/** The integration guide's answer as an object, with the given fields replaced. */
export function answerBody(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...(JSON.parse(INTEGRATION_GUIDE_AUTHORIZED) as Record<string, unknown>), ...fields };
}

export function buildProfile(variables: Record<string, string> = {}): Profile {
  return {
    name: 'unit',
    description: 'unit tests',
    file: 'tests/unit/inline-profile.yaml',
    baseUrl: 'http://127.0.0.1:9',
    startEmbeddedMock: false,
    hubject: false,
    timeBudgetMs: 1000,
    workers: undefined,
    variables,
    unavailable: {},
    tls: { insecure: false },
    minIntervalMs: 0,
    retry: NO_RETRY,
    invalidRequests: DEFAULT_INVALID_REQUESTS,
    maxAnswerBytes: DEFAULT_MAX_ANSWER_BYTES,
    failFast: DEFAULT_FAIL_FAST,
    hubjectDeviations: [],
    expectations: [],
  };
}
