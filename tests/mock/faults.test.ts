import { FAULT_EFFECTS } from '../../mock/fault-effects.ts';
import { FAULT_NAMES, FAULTS, type FaultName, isFaultName } from '../../mock/faults.ts';
import type { MockResponse } from '../../mock/types.ts';
import { expect, test } from '../support/test.ts';
import { ask, GUID, rfidRequest } from './support.ts';

type Answer = MockResponse & { json: () => unknown };
type Body = Record<string, unknown>;

const authorizedRequest = rfidRequest('044A2DAA856280', { CPOPartnerSessionID: 'cpo-4711' });
const FOREIGN_SESSION_ID = 'b2688855-7f00-0002-6d8e-48d883f6abb6';
const ACKNOWLEDGEMENT =
  '{"Result":true,"StatusCode":{"Code":"000","Description":null,"AdditionalInfo":null},"SessionID":null,"CPOPartnerSessionID":null,"EMPPartnerSessionID":null}';
const refusedRequest = rfidRequest('DEADBEEF', { CPOPartnerSessionID: 'cpo-4712' });

function bodyOf(answer: Answer): Body {
  return answer.json() as Body;
}

function statusCodeOf(answer: Answer): Body {
  return bodyOf(answer).StatusCode as Body;
}

test.describe('fault catalogue', () => {
  test('every fault has a description, an expected check and an effect', () => {
    expect(Object.keys(FAULTS).sort()).toEqual([...FAULT_NAMES].sort());
    expect(Object.keys(FAULT_EFFECTS).sort()).toEqual([...FAULT_NAMES].sort());
    for (const name of FAULT_NAMES) {
      expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(FAULTS[name].description.length, name).toBeGreaterThan(10);
      expect(FAULTS[name].expectedCheck, name).toMatch(/^[a-z][A-Za-z0-9]+$/);
    }
  });

  test('isFaultName accepts exactly the catalogue names', () => {
    expect(isFaultName('http-500')).toBe(true);
    expect(isFaultName('HTTP-500')).toBe(false);
    expect(isFaultName('none')).toBe(false);
    expect(isFaultName(undefined)).toBe(false);
  });

  test('names the checks that must catch each fault', () => {
    const expectedChecks = Object.fromEntries(FAULT_NAMES.map((name) => [name, FAULTS[name].expectedCheck]));
    expect(expectedChecks).toEqual({
      'authorized-without-session-id': 'authorizedHasSessionId',
      'authorized-without-provider-id': 'authorizedHasProviderId',
      'authorized-with-error-code': 'authorizedHasSuccessCode',
      'not-authorized-with-success-code': 'notAuthorizedHasErrorCode',
      'unknown-status-code': 'statusCodeInOicpTable',
      'numeric-status-code': 'bodyMatchesSchema',
      'lowercase-authorization-status': 'bodyMatchesSchema',
      'missing-status-code': 'bodyMatchesSchema',
      'malformed-session-id': 'authorizedHasSessionId',
      'malformed-provider-id': 'bodyMatchesSchema',
      'cpo-partner-session-id-altered': 'cpoPartnerSessionIdEchoed',
      'cpo-partner-session-id-invented': 'cpoPartnerSessionIdNotInvented',
      'repeated-session-id': 'authorizedSessionIdsUnique',
      'unknown-answer-properties': 'answerPropertiesKnown',
      'text-plain-content-type': 'contentTypeIsJsonUtf8',
      'latin1-charset': 'contentTypeIsJsonUtf8',
      'html-error-page': 'bodyIsJson',
      'invalid-json-body': 'bodyIsJson',
      'http-500': 'httpStatusAsExpected',
      'slow-answer': 'answeredWithinBudget',
      'oversized-answer': 'answerBodyComplete',
      'malformed-stop-identification': 'stopIdentificationsWellFormed',
      'long-description': 'statusTextWithinLimits',
      'authorize-everything': 'authorizationStatusAsExpected',
      'wrong-refusal-code': 'statusCodeAsExpected',
      'wrong-provider-id': 'fieldsAsExpected',
      'not-authorized-with-session-id': 'notAuthorizedWithoutSessionId',
      'missing-process-id': 'processIdCaptured',
      'authorize-foreign-session-id': 'refusedAsExpected',
      'acknowledgement-instead-of-answer': 'bodyMatchesSchema',
      'reject-lowercase-uid': 'expectationUnconfirmed',
    });
  });

  test('the three faults of the OICP text come last, in this order', () => {
    expect(FAULT_NAMES.slice(-3)).toEqual([
      'authorize-foreign-session-id',
      'acknowledgement-instead-of-answer',
      'reject-lowercase-uid',
    ]);
  });
});

// Answers every request alike, valid or not: tested on its own below.
const ANSWERS_EVERYTHING: FaultName[] = ['acknowledgement-instead-of-answer'];

test.describe('faults leave error answers alone', () => {
  for (const fault of FAULT_NAMES.filter((name) => !ANSWERS_EVERYTHING.includes(name))) {
    test(fault, () => {
      const invalidJson = ask('{', { fault });
      const invalidBody = ask(
        { OperatorID: 'DE*ABC', Identification: { RFIDMifareFamilyIdentification: {} } },
        { fault },
      );
      const unknownOperator = ask(authorizedRequest, { fault, operatorId: 'DE*ZZZ' });
      const foreignOperator = ask(authorizedRequest, { fault, tls: true, clientIdentity: 'DE*OTH' });
      const notJson = ask(authorizedRequest, { fault, contentType: 'text/plain' });
      // One comparison of every error answer: its difference names the answer and the field.
      expect({
        invalidJson: {
          status: invalidJson.status,
          contentType: invalidJson.headers['Content-Type'],
          body: bodyOf(invalidJson),
          delayMs: invalidJson.delayMs,
        },
        invalidBody: {
          status: invalidBody.status,
          validationErrors: (bodyOf(invalidBody).validationErrors as unknown[] | undefined)?.length,
        },
        unknownOperator: { status: unknownOperator.status, statusCode: statusCodeOf(unknownOperator) },
        foreignOperator: { status: foreignOperator.status, code: statusCodeOf(foreignOperator).Code },
        notJson: { status: notJson.status, body: bodyOf(notJson) },
        get: ask(authorizedRequest, { fault, method: 'GET' }).body,
      }).toEqual({
        invalidJson: {
          status: 400,
          contentType: 'application/json;charset=utf-8',
          body: { message: 'Error parsing/validating JSON.' },
          delayMs: undefined,
        },
        invalidBody: { status: 400, validationErrors: 1 },
        unknownOperator: {
          status: 404,
          statusCode: { Code: '300', Description: 'Partner not found', AdditionalInfo: null },
        },
        foreignOperator: { status: 401, code: '017' },
        notJson: { status: 415, body: { message: "Content type 'text/plain' not supported" } },
        get: '{"message":"Not Found"}',
      });
    });
  }
});

test.describe('each fault is its one violation', () => {
  const cases: Record<FaultName, (authorized: Answer, refused: Answer) => void> = {
    'authorized-without-session-id': (authorized, refused) => {
      expect(bodyOf(authorized)).toMatchObject({
        AuthorizationStatus: 'Authorized',
        SessionID: null,
        ProviderID: 'DE*ICE',
      });
      expect(statusCodeOf(authorized).Code).toBe('000');
      expect(bodyOf(refused).AuthorizationStatus).toBe('NotAuthorized');
    },
    'authorized-without-provider-id': (authorized) => {
      expect(bodyOf(authorized)).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: null });
      expect(bodyOf(authorized).SessionID).toMatch(GUID);
    },
    'authorized-with-error-code': (authorized, refused) => {
      expect(bodyOf(authorized).AuthorizationStatus).toBe('Authorized');
      expect(statusCodeOf(authorized).Code).toBe('210');
      expect(statusCodeOf(refused).Code).toBe('102');
    },
    'not-authorized-with-success-code': (authorized, refused) => {
      expect(bodyOf(refused).AuthorizationStatus).toBe('NotAuthorized');
      expect(statusCodeOf(refused)).toEqual({ Code: '000', Description: null, AdditionalInfo: null });
      expect(statusCodeOf(authorized).Code).toBe('000');
    },
    'unknown-status-code': (authorized, refused) => {
      expect(statusCodeOf(authorized).Code).toBe('999');
      expect(statusCodeOf(refused).Code).toBe('999');
      expect(bodyOf(authorized).AuthorizationStatus).toBe('Authorized');
    },
    'numeric-status-code': (authorized, refused) => {
      expect(statusCodeOf(authorized).Code).toBe(0);
      expect(statusCodeOf(refused).Code).toBe(102);
      expect(authorized.body).toContain('"Code":0,');
    },
    'lowercase-authorization-status': (authorized, refused) => {
      expect(bodyOf(authorized).AuthorizationStatus).toBe('authorized');
      expect(bodyOf(refused).AuthorizationStatus).toBe('notauthorized');
    },
    'missing-status-code': (authorized, refused) => {
      expect(bodyOf(authorized)).not.toHaveProperty('StatusCode');
      expect(bodyOf(refused)).not.toHaveProperty('StatusCode');
      expect(bodyOf(authorized).AuthorizationStatus).toBe('Authorized');
    },
    'malformed-session-id': (authorized, refused) => {
      expect(bodyOf(authorized).SessionID).toBe('not-a-guid-1234');
      expect(bodyOf(refused).SessionID).toBeNull();
    },
    'malformed-provider-id': (authorized) => {
      expect(bodyOf(authorized)).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE**ICE' });
    },
    'cpo-partner-session-id-invented': (authorized, refused) => {
      // Sent ones come back unchanged; only a request without one gets one made up.
      expect(bodyOf(authorized).CPOPartnerSessionID).toBe('cpo-4711');
      expect(bodyOf(refused).CPOPartnerSessionID).toBe('cpo-4712');
      const withoutOwn = ask(rfidRequest('044A2DAA856280'), { fault: 'cpo-partner-session-id-invented' });
      expect(bodyOf(withoutOwn).CPOPartnerSessionID).toMatch(/^mock-[0-9a-f-]{36}$/);
      expect(bodyOf(withoutOwn).AuthorizationStatus).toBe('Authorized');
    },
    'repeated-session-id': (authorized, refused) => {
      const again = ask(rfidRequest('AABBCCDD'), { fault: 'repeated-session-id' });
      expect(bodyOf(authorized).SessionID).toBe('b2688855-7f00-0002-6d8e-48d883f6abb6');
      expect(bodyOf(again).SessionID).toBe(bodyOf(authorized).SessionID);
      expect(bodyOf(refused).SessionID).toBeNull();
    },
    'unknown-answer-properties': (authorized, refused) => {
      for (const answer of [authorized, refused]) {
        expect(bodyOf(answer).AuthorizationValidUntil).toBe('2030-01-01T00:00:00Z');
        expect(statusCodeOf(answer).TraceID).toMatch(GUID);
      }
      expect(bodyOf(authorized)).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE*ICE' });
    },
    'cpo-partner-session-id-altered': (authorized, refused) => {
      expect(bodyOf(authorized).CPOPartnerSessionID).toBe('cpo-4711-x');
      expect(bodyOf(refused).CPOPartnerSessionID).toBe('cpo-4712-x');
      const withoutPartnerSession = ask(rfidRequest('044A2DAA856280'), {
        fault: 'cpo-partner-session-id-altered',
      });
      expect(bodyOf(withoutPartnerSession).CPOPartnerSessionID).toBeNull();
    },
    'text-plain-content-type': (authorized) => {
      expect(authorized.headers['Content-Type']).toBe('text/plain;charset=utf-8');
      expect(bodyOf(authorized).AuthorizationStatus).toBe('Authorized');
    },
    'latin1-charset': (authorized) => {
      expect(authorized.headers['Content-Type']).toBe('application/json;charset=ISO-8859-1');
      expect(bodyOf(authorized).AuthorizationStatus).toBe('Authorized');
    },
    'html-error-page': (authorized) => {
      expect(authorized.status).toBe(200);
      expect(authorized.headers['Content-Type']).toBe('text/html;charset=utf-8');
      expect(authorized.body).toMatch(/^<!DOCTYPE html>/);
      expect(() => JSON.parse(authorized.body)).toThrow();
    },
    'invalid-json-body': (authorized, refused) => {
      expect(authorized.status).toBe(200);
      expect(authorized.headers['Content-Type']).toBe('application/json;charset=utf-8');
      expect(authorized.body.startsWith('{"SessionID":')).toBe(true);
      expect(() => JSON.parse(authorized.body)).toThrow(SyntaxError);
      expect(() => JSON.parse(refused.body)).toThrow(SyntaxError);
    },
    'http-500': (authorized) => {
      expect(authorized.status).toBe(500);
      expect(authorized.headers['Content-Type']).toBe('application/json;charset=utf-8');
      expect(bodyOf(authorized)).toEqual({
        StatusCode: { Code: '001', Description: 'Hubject system error', AdditionalInfo: null },
      });
    },
    'slow-answer': (authorized, refused) => {
      expect(authorized.delayMs).toBe(11_000);
      expect(refused.delayMs).toBe(11_000);
      expect(bodyOf(authorized).AuthorizationStatus).toBe('Authorized');
      const configured = ask(authorizedRequest, { fault: 'slow-answer', slowDelayMs: 250 });
      expect(configured.delayMs).toBe(250);
    },
    'oversized-answer': (authorized, refused) => {
      for (const answer of [authorized, refused]) {
        expect(answer.body.length).toBeGreaterThan(2 * 1024 * 1024);
        expect(JSON.parse(answer.body)).toMatchObject({ StatusCode: expect.any(Object) });
      }
    },
    'malformed-stop-identification': (authorized, refused) => {
      expect(bodyOf(authorized).AuthorizationStopIdentifications).toEqual([{ UID: 'AABBCCDD' }]);
      expect(bodyOf(refused).AuthorizationStopIdentifications).toBeNull();
    },
    'long-description': (authorized, refused) => {
      const authorizedDescription = statusCodeOf(authorized).Description as string;
      const refusedDescription = statusCodeOf(refused).Description as string;
      expect(authorizedDescription.length).toBeGreaterThan(200);
      expect(refusedDescription.length).toBeGreaterThan(200);
      expect(refusedDescription).toMatch(/^RFID Authentication failed – invalid UID\. /);
      expect(statusCodeOf(refused).Code).toBe('102');
    },
    'authorize-everything': (authorized, refused) => {
      expect(bodyOf(refused)).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE*ICE' });
      expect(bodyOf(refused).SessionID).toMatch(GUID);
      expect(statusCodeOf(refused).Code).toBe('000');
      const noContract = ask(rfidRequest('044A2DAA856280', { OperatorID: 'DE*NCT' }), {
        fault: 'authorize-everything',
        operatorId: 'DE*NCT',
      });
      expect(bodyOf(noContract).AuthorizationStatus).toBe('Authorized');
      const ownProvider = ask(rfidRequest('AABBCCDD'), { fault: 'authorize-everything' });
      expect(bodyOf(ownProvider).ProviderID).toBe('DE-8EO');
      expect(bodyOf(authorized).ProviderID).toBe('DE*ICE');
    },
    'wrong-refusal-code': (authorized, refused) => {
      expect(statusCodeOf(refused)).toEqual({ Code: '106', Description: null, AdditionalInfo: null });
      expect(statusCodeOf(authorized).Code).toBe('000');
      const noContract = ask(rfidRequest('044A2DAA856280', { OperatorID: 'DE*NCT' }), {
        fault: 'wrong-refusal-code',
        operatorId: 'DE*NCT',
      });
      expect(statusCodeOf(noContract).Code).toBe('106');
    },
    'wrong-provider-id': (authorized, refused) => {
      expect(bodyOf(authorized)).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE*XXX' });
      expect(bodyOf(refused).ProviderID).toBeNull();
    },
    'not-authorized-with-session-id': (authorized, refused) => {
      expect(bodyOf(refused)).toMatchObject({ AuthorizationStatus: 'NotAuthorized', ProviderID: null });
      expect(bodyOf(refused).SessionID).toMatch(/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/);
      expect(statusCodeOf(refused).Code).toBe('102');
      expect(bodyOf(authorized).AuthorizationStatus).toBe('Authorized');
    },
    'missing-process-id': (authorized, refused) => {
      expect(authorized.headers['Process-ID']).toBeUndefined();
      expect(refused.headers['Process-ID']).toBeUndefined();
      expect(bodyOf(authorized)).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE*ICE' });
      expect(authorized.headers['Content-Type']).toBe('application/json;charset=utf-8');
    },
    'authorize-foreign-session-id': (authorized, refused) => {
      const fault = 'authorize-foreign-session-id';
      // Requests without a SessionID are answered as usual.
      expect(bodyOf(authorized)).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE*ICE' });
      expect(statusCodeOf(refused).Code).toBe('102');
      // A SessionID the mock never issued is ignored: the card decides, and a fresh SessionID comes back.
      const foreign = ask(rfidRequest('044A2DAA856280', { SessionID: FOREIGN_SESSION_ID }), { fault });
      expect(bodyOf(foreign)).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE*ICE' });
      expect(bodyOf(foreign).SessionID).toMatch(GUID);
      expect(bodyOf(foreign).SessionID).not.toBe(FOREIGN_SESSION_ID);
      const foreignUnknownCard = ask(rfidRequest('DEADBEEF', { SessionID: FOREIGN_SESSION_ID }), { fault });
      expect(statusCodeOf(foreignUnknownCard).Code).toBe('102');
      // An issued one is still used again.
      const issued = bodyOf(authorized).SessionID as string;
      const again = ask(rfidRequest('AABBCCDD', { SessionID: issued }), { fault });
      expect(bodyOf(again).SessionID).toBe(issued);
      // A malformed SessionID is still a validation error.
      expect(ask(rfidRequest('044A2DAA856280', { SessionID: 'not-a-guid-1234' }), { fault }).status).toBe(
        400,
      );
    },
    'acknowledgement-instead-of-answer': (authorized, refused) => {
      for (const answer of [authorized, refused]) {
        expect(answer.status).toBe(200);
        expect(answer.headers['Content-Type']).toBe('application/json;charset=utf-8');
        expect(answer.headers['Process-ID']).toMatch(GUID);
        expect(answer.body).toBe(ACKNOWLEDGEMENT);
      }
    },
    'reject-lowercase-uid': (authorized, refused) => {
      const fault = 'reject-lowercase-uid';
      // Upper-case UIDs are answered as usual.
      expect(bodyOf(authorized)).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE*ICE' });
      expect(statusCodeOf(refused).Code).toBe('102');
      const lowerCase = ask(rfidRequest('044a2daa856280'), { fault });
      expect(lowerCase.status).toBe(400);
      expect(bodyOf(lowerCase)).toEqual({
        message: 'Error parsing/validating JSON.',
        validationErrors: [
          {
            fieldReference: 'identification.rfidMifareFamilyIdentification.uid',
            errorMessage: 'must match "^([0-9A-F]{8,8}|[0-9A-F]{14,14}|[0-9A-F]{20,20})$"',
          },
        ],
        extendedInfo: null,
      });
      // Only UIDs: a QR code EvcoID in lower case is still upper-cased.
      const qr = ask(
        {
          OperatorID: 'DE*ABC',
          Identification: { QRCodeIdentification: { EvcoID: 'de-8eo-caet5e4xy-3', PIN: '1234' } },
        },
        { fault },
      );
      expect(bodyOf(qr).AuthorizationStatus).toBe('Authorized');
    },
  };

  for (const fault of FAULT_NAMES) {
    test(fault, () => {
      const authorized = ask(authorizedRequest, { fault });
      const refused = ask(refusedRequest, { fault });
      cases[fault](authorized, refused);
    });
  }

  test('acknowledgement-instead-of-answer answers every AuthorizeStart request, valid or not, with the acknowledgement', () => {
    const fault = 'acknowledgement-instead-of-answer';
    const requests: { name: string; answer: Answer }[] = [
      { name: 'not JSON', answer: ask('{', { fault }) },
      { name: 'invalid', answer: ask({ OperatorID: 'DE*ABC', Identification: {} }, { fault }) },
      { name: 'unknown operator', answer: ask(authorizedRequest, { fault, operatorId: 'DE*ZZZ' }) },
      {
        name: 'foreign certificate',
        answer: ask(authorizedRequest, { fault, tls: true, clientIdentity: 'DE*OTH' }),
      },
      { name: 'text/plain', answer: ask(authorizedRequest, { fault, contentType: 'text/plain' }) },
      {
        name: 'foreign SessionID',
        answer: ask(rfidRequest('044A2DAA856280', { SessionID: FOREIGN_SESSION_ID }), { fault }),
      },
    ];
    for (const { name, answer } of requests) {
      expect(answer.status, name).toBe(200);
      expect(answer.body, name).toBe(ACKNOWLEDGEMENT);
    }
    // Other routes are not AuthorizeStart: still 404 Not Found.
    expect(ask(authorizedRequest, { fault, method: 'GET' }).body).toBe('{"message":"Not Found"}');
  });

  test('without a fault the same requests are conformant', () => {
    const authorized = ask(authorizedRequest);
    const refused = ask(refusedRequest);
    expect(authorized.status).toBe(200);
    expect(authorized.delayMs).toBeUndefined();
    expect(bodyOf(authorized)).toMatchObject({
      AuthorizationStatus: 'Authorized',
      ProviderID: 'DE*ICE',
      CPOPartnerSessionID: 'cpo-4711',
      StatusCode: { Code: '000', Description: null, AdditionalInfo: null },
    });
    expect(statusCodeOf(refused)).toEqual({ Code: '102', Description: null, AdditionalInfo: null });
    expect(bodyOf(ask(rfidRequest('044A2DAA856280'))).CPOPartnerSessionID).toBeNull();
  });
});
