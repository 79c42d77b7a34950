import { type Check, type CheckContext, CheckFailure } from '../../src/checks/check.ts';
import { answerPropertiesKnown } from '../../src/checks/expectations.ts';
import { statusCodeInOicpTable } from '../../src/checks/protocol.ts';
import { CHECKS, checkNamed } from '../../src/checks/registry.ts';
import { contentTypeIsJsonUtf8 } from '../../src/checks/transport.ts';
import type { Exchange, HttpAnswer } from '../../src/exchange/types.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { expect, test } from '../support/test.ts';
import {
  answerBody,
  buildExchange,
  buildScenario,
  HUBJECT_NOT_AUTHORIZED_102,
  httpAnswer,
  INTEGRATION_GUIDE_AUTHORIZED,
  rfidRequestBody,
} from './helpers/exchange.ts';

const context: CheckContext = { schemas: schemaRegistry() };

interface Case {
  name: string;
  exchange: Exchange;
}

interface FailCase extends Case {
  /** Texts the failure must show: what was expected and what arrived. */
  mentions: string[];
}

interface CheckCases {
  passes: Case[];
  fails: FailCase[];
  /** Exchanges the check must not judge. */
  notApplicable?: Case[];
}

function failureOf(check: Check, exchange: Exchange): CheckFailure {
  try {
    check.verify(exchange, context);
  } catch (error) {
    if (error instanceof CheckFailure) return error;
    throw error;
  }
  throw new Error(`${check.name} passed, but a CheckFailure was expected`);
}

// Shared scenarios and answers.
const expectNotAuthorized102 = buildScenario({
  expect: { authorizationStatus: 'NotAuthorized', statusCode: '102' },
});
const expectFault400 = buildScenario({
  invalid: true,
  request: { body: { EvseID: 'DE*ABC*E1234567' } },
  expect: { status: 400, body: 'FaultBody', authorizationStatus: undefined, statusCode: undefined },
});
const expectRefused = buildScenario({
  expect: { refused: true, authorizationStatus: undefined, statusCode: undefined },
});
const expect401 = buildScenario({
  expect: { status: 401, body: 'OicpERoamingFault', authorizationStatus: undefined, statusCode: '017' },
});
const expect404 = buildScenario({
  expect: { status: 404, body: 'OicpERoamingFault', authorizationStatus: undefined, statusCode: '300' },
});
const withCpoSession = buildScenario({
  request: { body: rfidRequestBody({ CPOPartnerSessionID: 'cpo-session-42' }) },
});

const guideAnswer = httpAnswer(INTEGRATION_GUIDE_AUTHORIZED);
const notAuthorized102 = httpAnswer(HUBJECT_NOT_AUTHORIZED_102);
const faultBody400 = httpAnswer(
  {
    message: 'Validation failed',
    validationErrors: [{ fieldReference: 'OperatorID', errorMessage: 'must not be null' }],
    extendedInfo: null,
  },
  { status: 400, statusText: 'Bad Request' },
);
const unauthorized401 = httpAnswer(
  { StatusCode: { Code: '017', Description: 'Unauthorized Access', AdditionalInfo: null } },
  { status: 401, statusText: 'Unauthorized' },
);
const partnerNotFound404 = httpAnswer(
  { StatusCode: { Code: '300', Description: 'Partner not found' } },
  { status: 404, statusText: 'Not Found' },
);
const partnerNotFound404Latin1 = httpAnswer(
  { StatusCode: { Code: '300', Description: 'Partner not found', AdditionalInfo: null } },
  { status: 404, statusText: 'Not Found', contentType: 'application/json;charset=ISO-8859-1' },
);
/** HTTP 400 FaultBodies as Hubject sends them (captured 2021–2022): field errors, extendedInfo, message alone. */
const faultBody400Captured = httpAnswer(
  {
    message: 'Error parsing/validating JSON.',
    validationErrors: [
      {
        fieldReference: 'operatorEvseData.evseDataRecord[0].hotlinePhoneNumber',
        errorMessage: 'must match "^\\+[0-9]{5,15}$"',
      },
      {
        fieldReference: 'operatorEvseData.evseDataRecord[0].geoCoordinates',
        errorMessage: 'may not be null',
      },
    ],
  },
  { status: 400, statusText: 'Bad Request' },
);
const faultBody400WithExtendedInfo = httpAnswer(
  {
    message: 'Error parsing/validating JSON.',
    validationErrors: [{ fieldReference: 'identification', errorMessage: 'may not be null' }],
    extendedInfo: null,
  },
  { status: 400, statusText: 'Bad Request' },
);
const faultBody400MessageOnly = httpAnswer(
  {
    message: 'Error parsing/validating JSON. Object errors: identification: must contain exactly one member',
  },
  { status: 400, statusText: 'Bad Request' },
);
/**
 * An Authorized answer an EMP relayed (its own texts, its EMPPartnerSessionID, stop identifications as Hubject
 * serialises them), extended with properties OICP does not list at every depth: top level, StatusCode, a stop
 * identification entry and a member inside it.
 */
const EXTENDED_AUTHORIZED = {
  SessionID: 'b2688855-7f00-0002-6d8e-48d883f6abb6',
  CPOPartnerSessionID: null,
  EMPPartnerSessionID: '2345ABC',
  ProviderID: 'DE-8EO',
  AuthorizationStatus: 'Authorized',
  StatusCode: {
    Code: '000',
    Description: 'Authorized by EMP backend',
    AdditionalInfo: 'tariff A',
    TraceId: 'x1',
  },
  AuthorizationStopIdentifications: [
    {
      RFIDMifareFamilyIdentification: { UID: 'AABBCCDD', Label: 'fleet card' },
      QRCodeIdentification: null,
      PlugAndChargeIdentification: null,
      RemoteIdentification: null,
      RFIDIdentification: null,
      ContractValidUntil: '2030-01-01T00:00:00Z',
    },
  ],
  AuthorizationValidUntil: '2030-01-01T00:00:00Z',
};
const EXTENDED_PROPERTY_PATHS = [
  'StatusCode.TraceId',
  'AuthorizationStopIdentifications[0].RFIDMifareFamilyIdentification.Label',
  'AuthorizationStopIdentifications[0].ContractValidUntil',
  'AuthorizationValidUntil',
];
const edgeProxy403 = httpAnswer('<html><body><h1>403 Forbidden</h1></body></html>', {
  status: 403,
  statusText: 'Forbidden',
  contentType: 'text/html',
});

/** The integration guide's answer with fields replaced, on HTTP 200. */
function authorized(fields: Record<string, unknown>) {
  return httpAnswer(answerBody(fields));
}

/** The NotAuthorized 102 answer with fields replaced. */
function refused(fields: Record<string, unknown>) {
  return httpAnswer({ ...(JSON.parse(HUBJECT_NOT_AUTHORIZED_102) as Record<string, unknown>), ...fields });
}

function statusCode(fields: Record<string, unknown>) {
  return authorized({ StatusCode: { Code: '000', Description: null, AdditionalInfo: null, ...fields } });
}

const invalidUtf8Body = Buffer.concat([
  Buffer.from('{"AuthorizationStatus":"NotAuthorized","StatusCode":{"Code":"102","Description":"Ung', 'utf8'),
  Buffer.from([0xfc]), // 'ü' in ISO-8859-1: not a UTF-8 sequence
  Buffer.from('ltige UID"}}', 'utf8'),
]);

const CASES: Record<string, CheckCases> = {
  answeredWithinBudget: {
    passes: [
      { name: 'answer after 120 ms of 1000 ms', exchange: buildExchange({ elapsedMs: 120 }) },
      { name: 'answer exactly at the budget', exchange: buildExchange({ elapsedMs: 1000 }) },
    ],
    fails: [
      {
        name: 'no answer (timeout)',
        exchange: buildExchange({ answer: null, elapsedMs: 2000 }),
        mentions: ['an answer within 1000 ms', 'no answer after 2000 ms'],
      },
      {
        name: 'answer after the budget',
        exchange: buildExchange({ elapsedMs: 1001.4 }),
        mentions: ['an answer within 1000 ms', 'an answer after 1001 ms'],
      },
      {
        name: 'headers in time, the body still arriving when the budget ran out',
        exchange: buildExchange({
          elapsedMs: 2000,
          answer: {
            ...httpAnswer('{"AuthorizationStatus":'),
            headersAfterMs: 40,
            incomplete: {
              reason: 'timeout',
              detail:
                'the headers arrived after 40 ms, the body was still incomplete after 2000 ms (23 byte(s) received)',
              receivedBytes: 23,
            },
          },
        }),
        mentions: ['an incomplete answer: the headers arrived after 40 ms', 'request abandoned'],
      },
    ],
  },
  answerBodyComplete: {
    passes: [
      { name: 'a whole answer', exchange: buildExchange() },
      {
        name: 'a body cut off by the time budget (judged by answeredWithinBudget)',
        exchange: buildExchange({
          answer: {
            ...httpAnswer('{'),
            incomplete: { reason: 'timeout', detail: 'still arriving', receivedBytes: 1 },
          },
        }),
      },
    ],
    fails: [
      {
        name: 'an answer over the size limit',
        exchange: buildExchange({
          answer: {
            ...httpAnswer('{"padding":"xxxxxxxx'),
            incomplete: {
              reason: 'too-large',
              detail: 'the body exceeds the limit of 1048576 bytes (after decompression); reading stopped',
              receivedBytes: 1_048_577,
            },
          },
        }),
        mentions: [
          'an answer body of at most 1048576 bytes',
          'exceeds the limit',
          'first bytes are attached',
        ],
      },
      {
        name: 'a body the target broke off',
        exchange: buildExchange({
          answer: {
            ...httpAnswer('{"Authoriz'),
            incomplete: {
              reason: 'aborted',
              detail: 'the target closed the connection after 10 body byte(s)',
              receivedBytes: 10,
            },
          },
        }),
        mentions: ['a complete answer body', 'closed the connection after 10 body byte(s)'],
      },
    ],
    notApplicable: [{ name: 'no answer', exchange: buildExchange({ answer: null }) }],
  },
  httpStatusAsExpected: {
    passes: [
      { name: '200 as expected', exchange: buildExchange() },
      {
        name: '400 as expected',
        exchange: buildExchange({ scenario: expectFault400, answer: faultBody400 }),
      },
    ],
    fails: [
      {
        name: 'edge proxy 403 instead of 200',
        exchange: buildExchange({ answer: edgeProxy403 }),
        mentions: ['HTTP 200', 'HTTP 403 Forbidden (text/html)', '403 Forbidden</h1>'],
      },
      {
        name: '200 instead of 400',
        exchange: buildExchange({ scenario: expectFault400, answer: guideAnswer }),
        mentions: ['HTTP 400', 'HTTP 200 OK (application/json;charset=utf-8)'],
      },
      {
        name: 'a redirect, named with its Location and never followed',
        exchange: buildExchange({
          answer: httpAnswer('', {
            status: 302,
            statusText: 'Found',
            headers: { Location: 'https://elsewhere.example/collect' },
          }),
        }),
        mentions: [
          'HTTP 302 Found',
          'a redirect to "https://elsewhere.example/collect"',
          'redirects are never followed',
        ],
      },
    ],
    notApplicable: [{ name: 'no answer', exchange: buildExchange({ answer: null }) }],
  },
  contentTypeIsJsonUtf8: {
    passes: [
      { name: 'application/json;charset=utf-8', exchange: buildExchange() },
      {
        name: 'application/json without charset',
        exchange: buildExchange({
          answer: httpAnswer(INTEGRATION_GUIDE_AUTHORIZED, { contentType: 'application/json' }),
        }),
      },
      {
        name: 'APPLICATION/JSON; charset=UTF-8',
        exchange: buildExchange({
          answer: httpAnswer(INTEGRATION_GUIDE_AUTHORIZED, {
            contentType: 'APPLICATION/JSON; charset=UTF-8',
          }),
        }),
      },
      {
        name: 'quoted charset',
        exchange: buildExchange({
          answer: httpAnswer(INTEGRATION_GUIDE_AUTHORIZED, {
            contentType: 'application/json; charset="utf-8"',
          }),
        }),
      },
    ],
    fails: [
      {
        name: 'text/plain',
        exchange: buildExchange({
          answer: httpAnswer(INTEGRATION_GUIDE_AUTHORIZED, { contentType: 'text/plain' }),
        }),
        mentions: ['Content-Type application/json', 'Content-Type "text/plain"', 'media type text/plain'],
      },
      {
        name: 'charset ISO-8859-1',
        exchange: buildExchange({
          answer: httpAnswer(INTEGRATION_GUIDE_AUTHORIZED, {
            contentType: 'application/json;charset=ISO-8859-1',
          }),
        }),
        mentions: ['charset utf-8', 'charset ISO-8859-1'],
      },
      {
        name: 'invalid UTF-8 bytes under a UTF-8 header',
        exchange: buildExchange({ scenario: expectNotAuthorized102, answer: httpAnswer(invalidUtf8Body) }),
        mentions: ['a UTF-8 body', 'the body is not valid UTF-8'],
      },
      {
        name: 'no Content-Type header',
        exchange: buildExchange({ answer: httpAnswer(INTEGRATION_GUIDE_AUTHORIZED, { contentType: null }) }),
        mentions: ['Content-Type (absent)', 'media type (none)'],
      },
      {
        name: 'a 404 fault declared ISO-8859-1, as Hubject sent it in 2022 (known deviation E-15)',
        exchange: buildExchange({ scenario: expect404, answer: partnerNotFound404Latin1 }),
        mentions: ['charset ISO-8859-1', 'known Hubject deviation E-15'],
      },
    ],
    notApplicable: [
      {
        name: 'empty body',
        exchange: buildExchange({
          scenario: buildScenario({ expect: { status: 204 } }),
          answer: httpAnswer('', { status: 204, contentType: null }),
        }),
      },
      { name: 'no answer', exchange: buildExchange({ answer: null }) },
      {
        name: "the proxy's HTML page of a scenario accepting any body (the over-1-MiB request)",
        exchange: buildExchange({
          scenario: buildScenario({
            expect: { status: 413, body: 'any', authorizationStatus: undefined, statusCode: undefined },
          }),
          answer: httpAnswer('<html><body>413 Request Entity Too Large</body></html>', {
            status: 413,
            contentType: 'text/html',
          }),
        }),
      },
      {
        name: 'an answer with another HTTP status than expected (judged by httpStatusAsExpected)',
        exchange: buildExchange({ answer: edgeProxy403 }),
      },
    ],
  },
  bodyIsJson: {
    passes: [
      { name: 'JSON answer', exchange: buildExchange() },
      {
        name: 'JSON fault body',
        exchange: buildExchange({ scenario: expectFault400, answer: faultBody400 }),
      },
    ],
    fails: [
      {
        name: 'HTML page with HTTP 200',
        exchange: buildExchange({
          answer: httpAnswer('<html><body><h1>Service unavailable</h1></body></html>', {
            contentType: 'text/html',
          }),
        }),
        mentions: ['a JSON body', 'HTTP 200', 'text/html', '"<html><body>'],
      },
      {
        name: 'empty body',
        exchange: buildExchange({ answer: httpAnswer('', { status: 200 }) }),
        mentions: ['a JSON body', 'the body is empty'],
      },
    ],
    notApplicable: [
      {
        name: "scenario expects body 'any'",
        exchange: buildExchange({
          scenario: buildScenario({ expect: { status: 403, body: 'any' } }),
          answer: edgeProxy403,
        }),
      },
      {
        name: 'HTML page from the edge proxy where HTTP 200 is expected (judged by httpStatusAsExpected)',
        exchange: buildExchange({ answer: edgeProxy403 }),
      },
      { name: 'no answer', exchange: buildExchange({ answer: null }) },
    ],
  },
  bodyMatchesSchema: {
    passes: [
      { name: 'integration guide answer', exchange: buildExchange() },
      {
        name: 'NotAuthorized 102 with nulls',
        exchange: buildExchange({ scenario: expectNotAuthorized102, answer: notAuthorized102 }),
      },
      { name: '400 FaultBody', exchange: buildExchange({ scenario: expectFault400, answer: faultBody400 }) },
      {
        name: '401 StatusCode 017',
        exchange: buildExchange({ scenario: expect401, answer: unauthorized401 }),
      },
      {
        name: '404 StatusCode 300',
        exchange: buildExchange({ scenario: expect404, answer: partnerNotFound404 }),
      },
      {
        name: '400 FaultBody without extendedInfo, Java property paths (captured)',
        exchange: buildExchange({ scenario: expectFault400, answer: faultBody400Captured }),
      },
      {
        name: '400 FaultBody with extendedInfo null (captured, later revision)',
        exchange: buildExchange({ scenario: expectFault400, answer: faultBody400WithExtendedInfo }),
      },
      {
        name: '400 FaultBody with the message alone (captured object-level error)',
        exchange: buildExchange({ scenario: expectFault400, answer: faultBody400MessageOnly }),
      },
      {
        name: 'Authorized answer relayed from an EMP, with properties OICP does not list at every depth',
        exchange: buildExchange({ answer: httpAnswer(EXTENDED_AUTHORIZED) }),
      },
      {
        name: 'an eRoamingAcknowledgement refusing with 300 on HTTP 200 (the diagram names it for Partner not found)',
        exchange: buildExchange({
          answer: httpAnswer({
            Result: false,
            StatusCode: { Code: '300', Description: 'Partner not found', AdditionalInfo: null },
          }),
        }),
      },
      {
        name: 'a valid eRoamingAuthorizationStart on HTTP 200 where a 400 was expected (the status is another check)',
        exchange: buildExchange({ scenario: expectFault400, answer: guideAnswer }),
      },
    ],
    fails: [
      {
        name: 'a 400 whose body is not a FaultBody at all (a StatusCode body)',
        exchange: buildExchange({
          scenario: expectFault400,
          answer: httpAnswer({ StatusCode: { Code: '022', Description: 'Data error' } }, { status: 400 }),
        }),
        mentions: ['a body valid against FaultBody', "must have required property 'message'"],
      },
      {
        name: 'a 500 with the StatusCode body Hubject sends instead of a FaultBody (known deviation E-17)',
        exchange: buildExchange({
          scenario: buildScenario({
            expect: { status: 500, body: 'FaultBody', authorizationStatus: undefined, statusCode: undefined },
          }),
          answer: httpAnswer(
            { StatusCode: { Code: '001', Description: 'Hubject system error', AdditionalInfo: null } },
            { status: 500, contentType: 'application/json;charset=ISO-8859-1' },
          ),
        }),
        mentions: ['a body valid against FaultBody', 'known Hubject deviation E-17'],
      },
      {
        name: 'unknown AuthorizationStatus',
        exchange: buildExchange({ answer: authorized({ AuthorizationStatus: 'Accepted' }) }),
        mentions: ['a body valid against eRoamingAuthorizationStart', '/AuthorizationStatus: must be one of'],
      },
      {
        name: 'StatusCode missing',
        exchange: buildExchange({ answer: authorized({ StatusCode: undefined }) }),
        mentions: ["must have required property 'StatusCode'"],
      },
      {
        name: 'empty fault body',
        exchange: buildExchange({ scenario: expectFault400, answer: httpAnswer({}, { status: 400 }) }),
        mentions: ['a body valid against FaultBody', "must have required property 'message'"],
      },
      {
        name: 'an HTTP 200 eRoamingAcknowledgement where a 400 was expected: not an answer of this operation',
        exchange: buildExchange({
          scenario: expectFault400,
          answer: httpAnswer({
            Result: true,
            StatusCode: { Code: '000', Description: null, AdditionalInfo: null },
          }),
        }),
        mentions: [
          'a body valid against eRoamingAuthorizationStart (the message of HTTP 200)',
          'an eRoamingAcknowledgement (Result true, StatusCode.Code "000"), not an answer of this operation',
          'only as a refusal',
        ],
      },
      {
        name: 'a 500 that is not a FaultBody where a 200 was expected: judged whatever the scenario expected',
        exchange: buildExchange({ answer: httpAnswer({ error: 'boom' }, { status: 500 }) }),
        mentions: ['a body valid against FaultBody (the message of HTTP 500)'],
      },
      {
        name: "a 200 that breaks the answer schema, though the scenario expects body 'any'",
        exchange: buildExchange({
          scenario: buildScenario({ expect: { body: 'any' } }),
          answer: authorized({ StatusCode: 1 }),
        }),
        mentions: ['a body valid against eRoamingAuthorizationStart'],
      },
    ],
    notApplicable: [
      {
        name: 'an HTTP status the contract documents no message for, and the scenario names none (a 403 page)',
        exchange: buildExchange({
          scenario: buildScenario({ expect: { status: 403, body: 'any' } }),
          answer: httpAnswer({ error: 'forbidden' }, { status: 403 }),
        }),
      },
      {
        name: 'body is not JSON',
        exchange: buildExchange({ answer: httpAnswer('<html></html>', { contentType: 'text/html' }) }),
      },
    ],
  },
  authorizationStatusAsExpected: {
    passes: [
      { name: 'Authorized as expected', exchange: buildExchange() },
      {
        name: 'NotAuthorized as expected',
        exchange: buildExchange({ scenario: expectNotAuthorized102, answer: notAuthorized102 }),
      },
    ],
    fails: [
      {
        name: 'Authorized where a refusal is expected',
        exchange: buildExchange({ scenario: expectNotAuthorized102, answer: guideAnswer }),
        mentions: [
          'AuthorizationStatus "NotAuthorized"',
          'AuthorizationStatus "Authorized"',
          'hint: the target authorized',
        ],
      },
      {
        name: 'refused where Authorized is expected',
        exchange: buildExchange({ answer: notAuthorized102 }),
        mentions: ['AuthorizationStatus "Authorized"', 'AuthorizationStatus "NotAuthorized"'],
      },
      {
        name: 'no JSON object',
        exchange: buildExchange({ answer: edgeProxy403 }),
        mentions: ['no JSON object in the answer'],
      },
    ],
    notApplicable: [
      {
        name: 'scenario names no AuthorizationStatus',
        exchange: buildExchange({ scenario: expectFault400, answer: faultBody400 }),
      },
      { name: 'no answer', exchange: buildExchange({ answer: null }) },
    ],
  },
  refusedAsExpected: {
    passes: [
      {
        name: 'a NotAuthorized answer',
        exchange: buildExchange({ scenario: expectRefused, answer: notAuthorized102 }),
      },
      {
        name: 'an error answer (401 with 017)',
        exchange: buildExchange({ scenario: expectRefused, answer: unauthorized401 }),
      },
    ],
    fails: [
      {
        name: 'an Authorized answer to a request the contract says is refused',
        exchange: buildExchange({ scenario: expectRefused, answer: guideAnswer }),
        mentions: ['a negative response', 'HTTP 200, AuthorizationStatus "Authorized"', 'SessionID'],
      },
    ],
    notApplicable: [{ name: 'a scenario that does not expect a refusal', exchange: buildExchange() }],
  },
  statusCodeAsExpected: {
    passes: [
      { name: '000 as expected', exchange: buildExchange() },
      {
        name: '017 on 401 as expected',
        exchange: buildExchange({ scenario: expect401, answer: unauthorized401 }),
      },
    ],
    fails: [
      {
        name: '210 where 102 is expected',
        exchange: buildExchange({
          scenario: expectNotAuthorized102,
          answer: refused({
            StatusCode: { Code: '210', Description: 'No valid contract', AdditionalInfo: null },
          }),
        }),
        mentions: ['StatusCode.Code "102"', 'StatusCode.Code "210" (No valid contract)'],
      },
      {
        name: 'numeric 0 where "000" is expected',
        exchange: buildExchange({ answer: statusCode({ Code: 0 }) }),
        mentions: ['StatusCode.Code "000"', 'StatusCode.Code 0'],
      },
      {
        name: 'no StatusCode',
        exchange: buildExchange({
          scenario: expect401,
          answer: httpAnswer({ message: 'Unauthorized' }, { status: 401 }),
        }),
        mentions: ['StatusCode.Code "017"', 'no StatusCode in the answer'],
      },
    ],
    notApplicable: [
      {
        name: 'scenario names no status code',
        exchange: buildExchange({ scenario: expectFault400, answer: faultBody400 }),
      },
      { name: 'no answer', exchange: buildExchange({ answer: null }) },
    ],
  },
  fieldsAsExpected: {
    passes: [
      {
        name: 'equals, matches, isNull on the integration guide answer',
        exchange: buildExchange({
          scenario: buildScenario({
            expect: {
              fields: {
                ProviderID: { equals: 'DE*ICE' },
                SessionID: { matches: '^[0-9a-f]{8}-' },
                CPOPartnerSessionID: { isNull: true },
                'StatusCode.Code': { equals: '000' },
              },
            },
          }),
        }),
      },
      {
        name: 'minItems on AuthorizationStopIdentifications',
        exchange: buildExchange({
          scenario: buildScenario({
            expect: { fields: { AuthorizationStopIdentifications: { minItems: 1 } } },
          }),
          answer: authorized({
            AuthorizationStopIdentifications: [{ RFIDMifareFamilyIdentification: { UID: 'AABBCCDD' } }],
          }),
        }),
      },
    ],
    fails: [
      {
        name: 'ProviderID differs',
        exchange: buildExchange({
          scenario: buildScenario({ expect: { fields: { ProviderID: { equals: 'DE*XYZ' } } } }),
        }),
        mentions: ['ProviderID to equal "DE*XYZ"', 'ProviderID = "DE*ICE"'],
      },
      {
        name: 'null where a value is expected, and a missing list',
        exchange: buildExchange({
          scenario: buildScenario({
            expect: {
              fields: {
                CPOPartnerSessionID: { isNull: false },
                AuthorizationStopIdentifications: { minItems: 1 },
              },
            },
          }),
        }),
        mentions: [
          'CPOPartnerSessionID to be present and not null',
          'AuthorizationStopIdentifications to be an array of at least 1 item(s)',
          'CPOPartnerSessionID = null',
        ],
      },
      {
        name: 'pattern does not match',
        exchange: buildExchange({
          scenario: buildScenario({ expect: { fields: { SessionID: { matches: '^0000' } } } }),
        }),
        mentions: ['SessionID to match /^0000/', 'SessionID = "3b129fb6-c4af-476e-8bec-6e307c8e5d25"'],
      },
    ],
    notApplicable: [
      { name: 'scenario names no fields', exchange: buildExchange() },
      {
        name: 'no answer',
        exchange: buildExchange({
          scenario: buildScenario({ expect: { fields: { ProviderID: { equals: 'DE*ICE' } } } }),
          answer: null,
        }),
      },
    ],
  },
  authorizedHasSessionId: {
    passes: [{ name: 'GUID SessionID', exchange: buildExchange() }],
    fails: [
      {
        name: 'SessionID null',
        exchange: buildExchange({ answer: authorized({ SessionID: null }) }),
        mentions: ['SessionID in GUID form', 'SessionID null'],
      },
      {
        name: 'SessionID not a GUID',
        exchange: buildExchange({ answer: authorized({ SessionID: '3b129fb6c4af476e8bec6e307c8e5d25' }) }),
        mentions: ['SessionID "3b129fb6c4af476e8bec6e307c8e5d25"'],
      },
      {
        name: 'SessionID absent',
        exchange: buildExchange({ answer: authorized({ SessionID: undefined }) }),
        mentions: ['SessionID (absent)'],
      },
    ],
    notApplicable: [{ name: 'NotAuthorized answer', exchange: buildExchange({ answer: notAuthorized102 }) }],
  },
  authorizedHasProviderId: {
    passes: [
      { name: 'DE*ICE', exchange: buildExchange() },
      { name: 'DE-8EO', exchange: buildExchange({ answer: authorized({ ProviderID: 'DE-8EO' }) }) },
    ],
    fails: [
      {
        name: 'ProviderID null',
        exchange: buildExchange({ answer: authorized({ ProviderID: null }) }),
        mentions: ['a ProviderID such as DE*ICE', 'ProviderID null'],
      },
      {
        name: 'ProviderID malformed',
        exchange: buildExchange({ answer: authorized({ ProviderID: 'ICE' }) }),
        mentions: ['ProviderID "ICE"'],
      },
    ],
    notApplicable: [{ name: 'NotAuthorized answer', exchange: buildExchange({ answer: notAuthorized102 }) }],
  },
  authorizedHasSuccessCode: {
    passes: [{ name: 'Authorized with 000', exchange: buildExchange() }],
    fails: [
      {
        name: 'Authorized with 102',
        exchange: buildExchange({ answer: statusCode({ Code: '102' }) }),
        mentions: ['StatusCode.Code "000"', 'StatusCode.Code "102"'],
      },
      {
        name: 'Authorized without StatusCode',
        exchange: buildExchange({ answer: authorized({ StatusCode: null }) }),
        mentions: ['StatusCode.Code (absent)'],
      },
    ],
    notApplicable: [{ name: 'NotAuthorized answer', exchange: buildExchange({ answer: notAuthorized102 }) }],
  },
  notAuthorizedHasErrorCode: {
    passes: [{ name: 'NotAuthorized with 102', exchange: buildExchange({ answer: notAuthorized102 }) }],
    fails: [
      {
        name: 'NotAuthorized with 000',
        exchange: buildExchange({ answer: refused({ StatusCode: { Code: '000', Description: null } }) }),
        mentions: ['a StatusCode.Code other than "000"', 'StatusCode.Code "000"'],
      },
      {
        name: 'NotAuthorized with Code null',
        exchange: buildExchange({ answer: refused({ StatusCode: { Code: null } }) }),
        mentions: ['StatusCode.Code null'],
      },
    ],
    notApplicable: [{ name: 'Authorized answer', exchange: buildExchange() }],
  },
  statusCodeInOicpTable: {
    passes: [
      { name: '000', exchange: buildExchange() },
      { name: '102', exchange: buildExchange({ answer: notAuthorized102 }) },
      {
        name: '017 in a 401 fault',
        exchange: buildExchange({ scenario: expect401, answer: unauthorized401 }),
      },
    ],
    fails: [
      {
        name: '"999"',
        exchange: buildExchange({ answer: statusCode({ Code: '999' }) }),
        mentions: ['a three-digit code string from the OICP table', 'StatusCode.Code "999"'],
      },
      {
        name: 'numeric 0',
        exchange: buildExchange({ answer: statusCode({ Code: 0 }) }),
        mentions: ['StatusCode.Code 0'],
      },
      {
        name: 'two digits "17"',
        exchange: buildExchange({ answer: statusCode({ Code: '17' }) }),
        mentions: ['StatusCode.Code "17"'],
      },
      {
        name: '"404" of Hubject\'s status-code page (known deviation E-16)',
        exchange: buildExchange({
          scenario: expect404,
          answer: httpAnswer({ StatusCode: { Code: '404' } }, { status: 404 }),
        }),
        mentions: ['StatusCode.Code "404"', 'known Hubject deviation E-16'],
      },
    ],
    notApplicable: [
      {
        name: 'fault body without StatusCode',
        exchange: buildExchange({ scenario: expectFault400, answer: faultBody400 }),
      },
      {
        name: 'StatusCode without Code',
        exchange: buildExchange({ answer: authorized({ StatusCode: { Description: 'x' } }) }),
      },
      { name: 'no answer', exchange: buildExchange({ answer: null }) },
    ],
  },
  statusTextWithinLimits: {
    passes: [
      { name: 'Description and AdditionalInfo null', exchange: buildExchange() },
      {
        name: 'Description of exactly 200 characters',
        exchange: buildExchange({ answer: statusCode({ Description: 'x'.repeat(200) }) }),
      },
      {
        name: "Description of 200 'ä' (400 bytes)",
        exchange: buildExchange({ answer: statusCode({ Description: 'ä'.repeat(200) }) }),
      },
      {
        name: 'Description of 200 emoji (400 UTF-16 units)',
        exchange: buildExchange({ answer: statusCode({ Description: '🔌'.repeat(200) }) }),
      },
      {
        name: 'AdditionalInfo of exactly 1000 characters',
        exchange: buildExchange({ answer: statusCode({ AdditionalInfo: 'y'.repeat(1000) }) }),
      },
    ],
    fails: [
      {
        name: 'Description of 201 characters',
        exchange: buildExchange({ answer: statusCode({ Description: 'x'.repeat(201) }) }),
        mentions: ['Description ≤ 200', 'Description has 201 characters (limit 200)'],
      },
      {
        name: "Description of 201 'ä'",
        exchange: buildExchange({ answer: statusCode({ Description: 'ä'.repeat(201) }) }),
        mentions: ['Description has 201 characters (limit 200)'],
      },
      {
        name: 'AdditionalInfo of 1001 characters',
        exchange: buildExchange({ answer: statusCode({ AdditionalInfo: 'y'.repeat(1001) }) }),
        mentions: ['AdditionalInfo ≤ 1000', 'AdditionalInfo has 1001 characters (limit 1000)'],
      },
    ],
    notApplicable: [
      { name: 'no StatusCode', exchange: buildExchange({ scenario: expectFault400, answer: faultBody400 }) },
      { name: 'no answer', exchange: buildExchange({ answer: null }) },
    ],
  },
  cpoPartnerSessionIdEchoed: {
    passes: [
      {
        name: 'echoed unchanged',
        exchange: buildExchange({
          scenario: withCpoSession,
          answer: authorized({ CPOPartnerSessionID: 'cpo-session-42' }),
        }),
      },
      {
        name: 'echoed in a refusal',
        exchange: buildExchange({
          scenario: withCpoSession,
          answer: refused({ CPOPartnerSessionID: 'cpo-session-42' }),
        }),
      },
    ],
    fails: [
      {
        name: 'answered null',
        exchange: buildExchange({ scenario: withCpoSession, answer: guideAnswer }),
        mentions: ['CPOPartnerSessionID "cpo-session-42"', 'CPOPartnerSessionID null'],
      },
      {
        name: 'answered changed',
        exchange: buildExchange({
          scenario: withCpoSession,
          answer: authorized({ CPOPartnerSessionID: 'CPO-SESSION-42' }),
        }),
        mentions: ['CPOPartnerSessionID "cpo-session-42"', 'CPOPartnerSessionID "CPO-SESSION-42"'],
      },
    ],
    notApplicable: [
      { name: 'request without CPOPartnerSessionID', exchange: buildExchange({ answer: guideAnswer }) },
      {
        name: 'request with CPOPartnerSessionID null',
        exchange: buildExchange({
          scenario: buildScenario({ request: { body: rfidRequestBody({ CPOPartnerSessionID: null }) } }),
          answer: authorized({ CPOPartnerSessionID: 'x' }),
        }),
      },
      {
        name: 'HTTP 401 fault',
        exchange: buildExchange({ scenario: withCpoSession, answer: unauthorized401 }),
      },
      {
        name: 'HTTP 500 even with an answer body',
        exchange: buildExchange({
          scenario: withCpoSession,
          answer: httpAnswer(INTEGRATION_GUIDE_AUTHORIZED, {
            status: 500,
            statusText: 'Internal Server Error',
          }),
        }),
      },
      { name: 'no answer', exchange: buildExchange({ scenario: withCpoSession, answer: null }) },
    ],
  },
  stopIdentificationsWellFormed: {
    passes: [
      {
        name: 'RFIDMifareFamilyIdentification entry',
        exchange: buildExchange({
          answer: authorized({
            AuthorizationStopIdentifications: [{ RFIDMifareFamilyIdentification: { UID: 'AABBCCDD' } }],
          }),
        }),
      },
      {
        name: 'one member set, the other four null',
        exchange: buildExchange({
          answer: authorized({
            AuthorizationStopIdentifications: [
              {
                RFIDMifareFamilyIdentification: null,
                RFIDIdentification: null,
                QRCodeIdentification: null,
                PlugAndChargeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3' },
                RemoteIdentification: null,
              },
            ],
          }),
        }),
      },
      {
        name: 'empty list',
        exchange: buildExchange({ answer: authorized({ AuthorizationStopIdentifications: [] }) }),
      },
      {
        name: 'an entry with a member OICP does not list and an unknown property inside a member',
        exchange: buildExchange({
          answer: authorized({
            AuthorizationStopIdentifications: [
              {
                RFIDMifareFamilyIdentification: { UID: 'AABBCCDD', PrintedNumber: 'DE-001' },
                BiometricIdentification: null,
              },
            ],
          }),
        }),
      },
    ],
    fails: [
      {
        name: 'bare UID without identification member',
        exchange: buildExchange({
          answer: authorized({ AuthorizationStopIdentifications: [{ UID: 'AABBCCDD' }] }),
        }),
        mentions: [
          'each entry an object with one of RFIDMifareFamilyIdentification',
          '[0] {"UID":"AABBCCDD"}',
          "must have required property 'RFIDMifareFamilyIdentification'",
        ],
      },
      {
        name: 'all five members null',
        exchange: buildExchange({
          answer: authorized({
            AuthorizationStopIdentifications: [
              {
                RFIDMifareFamilyIdentification: null,
                RFIDIdentification: null,
                QRCodeIdentification: null,
                PlugAndChargeIdentification: null,
                RemoteIdentification: null,
              },
            ],
          }),
        }),
        mentions: ['[0] {"RFIDMifareFamilyIdentification":null'],
      },
      {
        name: 'second entry with a lower-case UID',
        exchange: buildExchange({
          answer: authorized({
            AuthorizationStopIdentifications: [
              { RFIDMifareFamilyIdentification: { UID: 'AABBCCDD' } },
              { RFIDMifareFamilyIdentification: { UID: 'aabbccdd' } },
            ],
          }),
        }),
        mentions: [
          '[1] {"RFIDMifareFamilyIdentification":{"UID":"aabbccdd"}}',
          '/RFIDMifareFamilyIdentification/UID',
        ],
      },
      {
        name: 'an object instead of a list',
        exchange: buildExchange({
          answer: authorized({
            AuthorizationStopIdentifications: { RFIDMifareFamilyIdentification: { UID: 'AABBCCDD' } },
          }),
        }),
        mentions: ['an array of identifications (or null)', '{"RFIDMifareFamilyIdentification"'],
      },
    ],
    notApplicable: [
      { name: 'null', exchange: buildExchange() },
      {
        name: 'absent',
        exchange: buildExchange({ answer: authorized({ AuthorizationStopIdentifications: undefined }) }),
      },
    ],
  },
  cpoPartnerSessionIdNotInvented: {
    passes: [
      { name: 'no CPOPartnerSessionID sent, null answered', exchange: buildExchange() },
      {
        name: 'no CPOPartnerSessionID sent, none answered',
        exchange: buildExchange({ answer: authorized({ CPOPartnerSessionID: undefined }) }),
      },
      {
        name: 'CPOPartnerSessionID sent as null, null answered',
        exchange: buildExchange({
          scenario: buildScenario({ request: { body: rfidRequestBody({ CPOPartnerSessionID: null }) } }),
        }),
      },
    ],
    fails: [
      {
        name: 'a CPOPartnerSessionID in the answer of a request without one',
        exchange: buildExchange({ answer: authorized({ CPOPartnerSessionID: 'session-4711' }) }),
        mentions: [
          'CPOPartnerSessionID null or absent (the request carried none)',
          'CPOPartnerSessionID "session-4711"',
        ],
      },
      {
        name: 'an invented one in a refusal',
        exchange: buildExchange({
          scenario: expectNotAuthorized102,
          answer: refused({ CPOPartnerSessionID: '' }),
        }),
        mentions: ['CPOPartnerSessionID ""'],
      },
    ],
    notApplicable: [
      {
        name: 'request with a CPOPartnerSessionID (cpoPartnerSessionIdEchoed judges it)',
        exchange: buildExchange({ scenario: withCpoSession, answer: guideAnswer }),
      },
      { name: 'HTTP 401 fault', exchange: buildExchange({ scenario: expect401, answer: unauthorized401 }) },
      {
        name: 'raw body that is not JSON',
        exchange: buildExchange({
          scenario: buildScenario({ request: { body: undefined, rawBody: 'OperatorID=DE*ABC' } }),
        }),
      },
      { name: 'no answer', exchange: buildExchange({ answer: null }) },
    ],
  },
  answerPropertiesKnown: {
    passes: [
      { name: 'integration guide answer', exchange: buildExchange() },
      {
        name: '400 FaultBody, captured',
        exchange: buildExchange({ scenario: expectFault400, answer: faultBody400Captured }),
      },
      { name: '401 fault', exchange: buildExchange({ scenario: expect401, answer: unauthorized401 }) },
      {
        name: 'an acknowledgement on HTTP 200: not the message at all, so bodyMatchesSchema says so, not this advisory',
        exchange: buildExchange({
          answer: httpAnswer({
            Result: true,
            StatusCode: { Code: '000', Description: null, AdditionalInfo: null },
          }),
        }),
      },
    ],
    fails: [
      {
        name: 'properties OICP does not list, at every depth, each named by its path',
        exchange: buildExchange({ answer: httpAnswer(EXTENDED_AUTHORIZED) }),
        mentions: [
          'only the properties eRoamingAuthorizationStart defines',
          '4 other properties',
          ...EXTENDED_PROPERTY_PATHS,
        ],
      },
      {
        name: 'an extra property in a 404 fault body',
        exchange: buildExchange({
          scenario: expect404,
          answer: httpAnswer(
            { StatusCode: { Code: '300' }, timestamp: '2022-03-01T10:00:00Z' },
            { status: 404 },
          ),
        }),
        mentions: ['1 other property: timestamp'],
      },
    ],
    notApplicable: [
      {
        name: 'an HTTP status the contract documents no message for, and the scenario names none',
        exchange: buildExchange({
          scenario: buildScenario({ expect: { status: 503, body: 'any' } }),
          answer: httpAnswer(EXTENDED_AUTHORIZED, { status: 503 }),
        }),
      },
      {
        name: 'no JSON',
        exchange: buildExchange({ answer: httpAnswer('<html></html>', { contentType: 'text/html' }) }),
      },
    ],
  },
  notAuthorizedWithoutSessionId: {
    passes: [{ name: 'refusal with SessionID null', exchange: buildExchange({ answer: notAuthorized102 }) }],
    fails: [
      {
        name: 'refusal that carries a SessionID',
        exchange: buildExchange({ answer: refused({ SessionID: 'b2688855-7f00-0002-6d8e-48d883f6abb6' }) }),
        mentions: ['SessionID null or absent', 'SessionID "b2688855-7f00-0002-6d8e-48d883f6abb6"'],
      },
    ],
    notApplicable: [{ name: 'Authorized answer', exchange: buildExchange() }],
  },
  requestCarriesEvseId: {
    passes: [{ name: 'request with EvseID', exchange: buildExchange() }],
    fails: [
      {
        name: 'request without EvseID',
        exchange: buildExchange({
          scenario: buildScenario({ request: { body: rfidRequestBody({ EvseID: undefined }) } }),
        }),
        mentions: ['an EvseID in the request', 'EvseID (absent)'],
      },
      {
        name: 'request with EvseID null',
        exchange: buildExchange({
          scenario: buildScenario({ request: { body: rfidRequestBody({ EvseID: null }) } }),
        }),
        mentions: ['EvseID null'],
      },
    ],
    notApplicable: [
      {
        name: 'invalid scenario',
        exchange: buildExchange({ scenario: expectFault400, answer: faultBody400 }),
      },
      {
        name: 'raw body that is not JSON',
        exchange: buildExchange({
          scenario: buildScenario({
            request: { body: undefined, rawBody: 'OperatorID=DE*ABC&UID=1234ABCD' },
          }),
        }),
      },
    ],
  },
  processIdCaptured: {
    passes: [
      {
        name: 'Hubject answer with Process-ID',
        exchange: buildExchange({
          hubject: true,
          answer: httpAnswer(INTEGRATION_GUIDE_AUTHORIZED, {
            headers: { 'Process-ID': 'a8b9c1d2-0000-4f00-9c00-000000000001' },
          }),
        }),
      },
    ],
    fails: [
      {
        name: 'Hubject answer without Process-ID',
        exchange: buildExchange({ hubject: true }),
        mentions: ['a Process-ID response header', 'no Process-ID header'],
      },
    ],
    notApplicable: [
      { name: 'target is not Hubject', exchange: buildExchange({ hubject: false }) },
      { name: 'no answer', exchange: buildExchange({ hubject: true, answer: null }) },
    ],
  },
};

test.describe('every registered check', () => {
  test('the case table names only registered checks', () => {
    const unknown = Object.keys(CASES).filter((name) => checkNamed(name) === undefined);
    expect(unknown).toEqual([]);
  });

  test('check names are unique', () => {
    const names = CHECKS.map((check) => check.name);
    expect(new Set(names).size).toBe(names.length);
  });

  for (const check of CHECKS) {
    test.describe(check.name, () => {
      const cases = CASES[check.name];

      test('has passing and failing cases', () => {
        expect(cases, `add cases for ${check.name} to CASES in tests/unit/checks.test.ts`).toBeDefined();
        expect(cases?.passes.length ?? 0).toBeGreaterThan(0);
        expect(cases?.fails.length ?? 0).toBeGreaterThan(0);
      });
      if (!cases) return;

      for (const { name, exchange } of cases.passes) {
        test(`passes: ${name}`, () => {
          expect(check.appliesTo(exchange)).toBe(true);
          expect(() => check.verify(exchange, context)).not.toThrow();
        });
      }

      for (const { name, exchange, mentions } of cases.fails) {
        test(`fails: ${name}`, () => {
          expect(check.appliesTo(exchange)).toBe(true);
          const failure = failureOf(check, exchange);
          const told = [
            `${check.name}: ${check.title}`,
            `expected: ${failure.expected}`,
            `received: ${failure.received}`,
            `rule: ${check.source}`,
            ...mentions,
          ];
          // One comparison (the message shown beside it): what the failure says, and what it leaves out.
          expect(
            {
              check: failure.check,
              verdict: failure.verdict,
              category: failure.category,
              notInMessage: told.filter((text) => !failure.message.includes(text)),
            },
            failure.message,
          ).toEqual({
            check: check.name,
            verdict: check.verdict,
            category: check.category,
            notInMessage: [],
          });
        });
      }

      for (const { name, exchange } of cases.notApplicable ?? []) {
        test(`does not apply: ${name}`, () => {
          expect(check.appliesTo(exchange)).toBe(false);
        });
      }
    });
  }
});

/** Runs every applicable check; returns the names of those that applied and the failures. */
function judge(exchange: Exchange, verdict: 'failure' | 'advisory') {
  const applied: string[] = [];
  const failures: string[] = [];
  for (const check of CHECKS.filter((c) => c.verdict === verdict)) {
    if (!check.appliesTo(exchange)) continue;
    applied.push(check.name);
    try {
      check.verify(exchange, context);
    } catch (error) {
      if (!(error instanceof CheckFailure)) throw error;
      failures.push(error.oneLine);
    }
  }
  return { applied, failures };
}

test.describe('realistic Hubject answers', () => {
  test('the integration guide answer passes every failure check', () => {
    const { applied, failures } = judge(buildExchange({ answer: guideAnswer }), 'failure');
    expect(failures).toEqual([]);
    expect(applied).toEqual([
      'answeredWithinBudget',
      'answerBodyComplete',
      'httpStatusAsExpected',
      'contentTypeIsJsonUtf8',
      'bodyIsJson',
      'bodyMatchesSchema',
      'authorizationStatusAsExpected',
      'statusCodeAsExpected',
      'authorizedHasSessionId',
      'authorizedHasProviderId',
      'authorizedHasSuccessCode',
      'statusCodeInOicpTable',
      'statusTextWithinLimits',
    ]);
  });

  test('the integration guide answer with Process-ID raises no advisory on a Hubject target', () => {
    const exchange = buildExchange({
      hubject: true,
      answer: httpAnswer(INTEGRATION_GUIDE_AUTHORIZED, { headers: { 'Process-ID': 'a8b9c1d2' } }),
    });
    expect(judge(exchange, 'advisory')).toEqual({
      applied: [
        'answerPropertiesKnown',
        'cpoPartnerSessionIdNotInvented',
        'requestCarriesEvseId',
        'processIdCaptured',
      ],
      failures: [],
    });
  });

  test('a NotAuthorized 102 answer with nulls passes every failure check and advisory', () => {
    const exchange = buildExchange({ scenario: expectNotAuthorized102, answer: notAuthorized102 });
    const failureChecks = judge(exchange, 'failure');
    expect(failureChecks.failures).toEqual([]);
    expect(failureChecks.applied).toEqual([
      'answeredWithinBudget',
      'answerBodyComplete',
      'httpStatusAsExpected',
      'contentTypeIsJsonUtf8',
      'bodyIsJson',
      'bodyMatchesSchema',
      'authorizationStatusAsExpected',
      'statusCodeAsExpected',
      'notAuthorizedHasErrorCode',
      'statusCodeInOicpTable',
      'statusTextWithinLimits',
    ]);
    expect(judge(exchange, 'advisory')).toEqual({
      applied: [
        'answerPropertiesKnown',
        'cpoPartnerSessionIdNotInvented',
        'notAuthorizedWithoutSessionId',
        'requestCarriesEvseId',
      ],
      failures: [],
    });
  });

  test('the integration guide answer fails the expectations of a refusal scenario, and only those', () => {
    const { failures } = judge(
      buildExchange({ scenario: expectNotAuthorized102, answer: guideAnswer }),
      'failure',
    );
    expect(failures).toEqual([
      'authorizationStatusAsExpected: expected AuthorizationStatus "NotAuthorized", received AuthorizationStatus "Authorized"',
      'statusCodeAsExpected: expected StatusCode.Code "102", received StatusCode.Code "000"',
    ]);
  });

  test('a 401 fault for a foreign OperatorID passes the checks of a 401 scenario', () => {
    const { applied, failures } = judge(
      buildExchange({ scenario: expect401, answer: unauthorized401 }),
      'failure',
    );
    expect(failures).toEqual([]);
    expect(applied).toContain('bodyMatchesSchema');
    expect(applied).toContain('statusCodeAsExpected');
    expect(applied).not.toContain('authorizedHasSuccessCode');
  });
});

test.describe('pathological answers', () => {
  // What a hostile or broken target may send: no check may crash on it, each says what it saw.
  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  const deepObject = `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`;
  const answers: Array<[string, HttpAnswer]> = [
    ['arrays nested 5000 levels deep', httpAnswer(deep)],
    ['objects nested 3000 levels deep', httpAnswer(deepObject)],
    [
      'a NUL and escape bytes in body and reason phrase',
      httpAnswer('\u0000\u001b[2J{', { statusText: 'OK\u0000' }),
    ],
    ['bytes that are not UTF-8', httpAnswer(Buffer.from([0xff, 0xfe, 0x00, 0x7b]))],
    ['a JSON string instead of an object', httpAnswer('"Authorized"')],
    ['a JSON array of answers', httpAnswer(`[${INTEGRATION_GUIDE_AUTHORIZED}]`)],
    ['an empty body', httpAnswer('')],
    ['StatusCode as a string', httpAnswer({ AuthorizationStatus: 'Authorized', StatusCode: '000' })],
    [
      'every field of the wrong type',
      httpAnswer({
        AuthorizationStatus: 7,
        StatusCode: { Code: [] },
        SessionID: {},
        AuthorizationStopIdentifications: 'x',
      }),
    ],
  ];
  for (const [name, answer] of answers) {
    test(`no check crashes on ${name}`, () => {
      const exchange = buildExchange({ answer });
      for (const check of CHECKS) {
        if (!check.appliesTo(exchange)) continue;
        try {
          check.verify(exchange, context);
        } catch (error) {
          expect(error, `${check.name} threw instead of judging`).toBeInstanceOf(CheckFailure);
          expect((error as CheckFailure).received.length).toBeLessThan(4000);
          // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is that none is left raw.
          expect((error as CheckFailure).message).not.toMatch(/[\u0000\u001b]/);
        }
      }
    });
  }

  test('a body nested deeper than any answer is named as such, not parsed', () => {
    const exchange = buildExchange({ answer: httpAnswer(deep) });
    const failure = failureOf(checkNamed('bodyIsJson') as Check, exchange);
    expect(failure.received).toContain('nested 5000 levels deep');
  });
});

test.describe('answers as Hubject really sends them (captured 2021–2022): no failure', () => {
  test('an Authorized answer relayed from an EMP, extended at every depth: every failure check passes, the advisory names each new property', () => {
    const exchange = buildExchange({ answer: httpAnswer(EXTENDED_AUTHORIZED) });
    expect(judge(exchange, 'failure').failures).toEqual([]);
    const advisory = failureOf(answerPropertiesKnown, exchange);
    for (const path of EXTENDED_PROPERTY_PATHS) expect(advisory.received).toContain(path);
    expect(advisory.received).not.toContain('EMPPartnerSessionID');
  });

  test('a refusal as captured (Description null, the CPOPartnerSessionID as sent): every failure check passes', () => {
    const exchange = buildExchange({
      scenario: buildScenario({
        request: { body: rfidRequestBody({ CPOPartnerSessionID: 'cpo-4711' }) },
        expect: { authorizationStatus: 'NotAuthorized', statusCode: '210' },
      }),
      answer: httpAnswer(
        '{"SessionID": null, "CPOPartnerSessionID": "cpo-4711", "EMPPartnerSessionID": null, "ProviderID": null, ' +
          '"AuthorizationStatus": "NotAuthorized", "StatusCode": {"Code": "210", "Description": null, ' +
          '"AdditionalInfo": null}, "AuthorizationStopIdentifications": null}',
        { headers: { 'transfer-encoding': 'chunked', 'process-id': '5d6c5a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6' } },
      ),
      hubject: true,
    });
    expect(judge(exchange, 'failure').failures).toEqual([]);
    expect(judge(exchange, 'advisory').failures).toEqual([]);
  });

  for (const [name, answer] of [
    ['field errors, no extendedInfo', faultBody400Captured],
    ['field errors and extendedInfo null', faultBody400WithExtendedInfo],
    ['the message alone', faultBody400MessageOnly],
  ] as const) {
    test(`a 400 FaultBody with ${name} passes every failure check of a 400 scenario`, () => {
      const { applied, failures } = judge(buildExchange({ scenario: expectFault400, answer }), 'failure');
      expect(failures).toEqual([]);
      expect(applied).toContain('bodyMatchesSchema');
    });
  }

  test('charset ISO-8859-1 is the known deviation E-15 on an error answer only, never on HTTP 200', () => {
    const onError = failureOf(
      contentTypeIsJsonUtf8,
      buildExchange({ scenario: expect404, answer: partnerNotFound404Latin1 }),
    );
    expect(onError.deviation).toBe('E-15');
    const on200 = failureOf(
      contentTypeIsJsonUtf8,
      buildExchange({
        answer: httpAnswer(INTEGRATION_GUIDE_AUTHORIZED, {
          contentType: 'application/json;charset=ISO-8859-1',
        }),
      }),
    );
    expect(on200.deviation).toBeUndefined();
    // Not JSON at all is no known deviation, whatever the charset.
    const html = failureOf(
      contentTypeIsJsonUtf8,
      buildExchange({
        scenario: expect404,
        answer: httpAnswer('{"StatusCode":{"Code":"300"}}', {
          status: 404,
          contentType: 'text/html;charset=ISO-8859-1',
        }),
      }),
    );
    expect(html.deviation).toBeUndefined();
  });

  test('codes 401, 404, 500 of the status-code page are the known deviation E-16; another unknown code is not', () => {
    for (const code of ['401', '404', '500'])
      expect(
        failureOf(statusCodeInOicpTable, buildExchange({ answer: statusCode({ Code: code }) })).deviation,
      ).toBe('E-16');
    expect(
      failureOf(statusCodeInOicpTable, buildExchange({ answer: statusCode({ Code: '999' }) })).deviation,
    ).toBeUndefined();
  });
});
