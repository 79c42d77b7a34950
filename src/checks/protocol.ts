import { formatViolations, OICP } from '../schemas/registry.ts';
import {
  answerObject,
  authorizationStatusOf,
  type Check,
  CheckFailure,
  conformsToType,
  requestObject,
  show,
  statusCodeOf,
} from './check.ts';

const OPERATION = 'OICP 2.3 eRoamingAuthorizeStart / eRoamingAuthorizationStart';
const isAuthorized = (ex: Parameters<Check['appliesTo']>[0]) => authorizationStatusOf(ex) === 'Authorized';
const isNotAuthorized = (ex: Parameters<Check['appliesTo']>[0]) =>
  authorizationStatusOf(ex) === 'NotAuthorized';

export const authorizedHasSessionId: Check = {
  name: 'authorizedHasSessionId',
  title: 'An Authorized answer carries a SessionID in GUID form',
  verdict: 'failure',
  category: 'protocol',
  source: `${OPERATION}: the answer carries "in case of successful authorization the created SessionID" (02 Services and Operations); SessionIDType is a GUID (03 Data Types)`,
  statements: [
    'authorized-session-and-provider',
    'flow-authorized-session-id',
    'session-id-assigned',
    'session-id-pattern',
  ],
  appliesTo: isAuthorized,
  verify(ex, { schemas }) {
    const sessionId = answerObject(ex)?.SessionID;
    if (conformsToType(schemas, 'SessionID', sessionId)) {
      return;
    }
    throw new CheckFailure(this, {
      expected: 'SessionID in GUID form (8-4-4-4-12)',
      received: `SessionID ${show(sessionId)}`,
    });
  },
};

export const authorizedHasProviderId: Check = {
  name: 'authorizedHasProviderId',
  title: 'An Authorized answer names the authorizing EMP (ProviderID)',
  verdict: 'failure',
  category: 'protocol',
  source: `${OPERATION}: ProviderID "In case of a positive authorization this field will be filled" (02 Services and Operations, eRoamingAuthorizationStart); ProviderIDType (03 Data Types)`,
  statements: [
    'answer-provider-id-on-authorization',
    'authorized-session-and-provider',
    'emp-response-provider-id',
    'provider-id-pattern',
  ],
  appliesTo: isAuthorized,
  verify(ex, { schemas }) {
    const providerId = answerObject(ex)?.ProviderID;
    if (conformsToType(schemas, 'ProviderID', providerId)) {
      return;
    }
    throw new CheckFailure(this, {
      expected: 'a ProviderID such as DE*ICE or DE-8EO',
      received: `ProviderID ${show(providerId)}`,
    });
  },
};

export const authorizedHasSuccessCode: Check = {
  name: 'authorizedHasSuccessCode',
  title: 'An Authorized answer has StatusCode.Code 000',
  verdict: 'failure',
  category: 'protocol',
  source:
    'OICP 2.3 CPO, 03 Data Types, CodeType: 000 Success; Hubject integration guide, eRoamingAuthorizeStart: any other status code is an error',
  statements: ['code-table', 'guide-success-000'],
  appliesTo: isAuthorized,
  verify(ex) {
    const code = statusCodeOf(ex)?.Code;
    if (code === '000') return;
    throw new CheckFailure(this, {
      expected: 'StatusCode.Code "000"',
      received: `StatusCode.Code ${show(code)}`,
    });
  },
};

export const notAuthorizedHasErrorCode: Check = {
  name: 'notAuthorizedHasErrorCode',
  title: 'A NotAuthorized answer has an error code (StatusCode.Code other than 000)',
  verdict: 'failure',
  category: 'protocol',
  source:
    'OICP 2.3 CPO, 03 Data Types, CodeType: 000 Success; the integration guide: any other code is an error; a refusal carries the code of its reason (01 Communication Paradigms, Status codes; the eRoamingAuthorization diagram: codes 100 - 200, 210)',
  statements: ['guide-success-000', 'status-code-reason', 'flow-emp-refusal-codes'],
  appliesTo: isNotAuthorized,
  verify(ex) {
    const code = statusCodeOf(ex)?.Code;
    if (code !== undefined && code !== null && code !== '000') return;
    throw new CheckFailure(this, {
      expected: 'a StatusCode.Code other than "000"',
      received: `StatusCode.Code ${show(code)}`,
    });
  },
};

export const statusCodeInOicpTable: Check = {
  name: 'statusCodeInOicpTable',
  title: 'StatusCode.Code is a code of the OICP status code table',
  verdict: 'failure',
  category: 'protocol',
  source:
    'OICP 2.3 CPO, 03 Data Types, StatusCodeType: Code "To be selected from valid range", the CodeType table (schemas/oicp/StatusCodeCode.schema.json, docs/errata.md E-02); known Hubject deviation: E-16',
  statements: ['status-code-code-mandatory', 'code-table', 'export-status-code-enum'],
  appliesTo: (ex) => statusCodeOf(ex) !== undefined && 'Code' in (statusCodeOf(ex) ?? {}),
  verify(ex, { schemas }) {
    const code = statusCodeOf(ex)?.Code;
    if (conformsToType(schemas, 'StatusCodeCode', code)) return;
    throw new CheckFailure(this, {
      expected: 'a three-digit code string from the OICP table (000, 001, …, 700)',
      received: `StatusCode.Code ${show(code)}`,
      deviation: typeof code === 'string' && STATUS_CODE_PAGE_EXTRAS.includes(code) ? 'E-16' : undefined,
    });
  },
};

/** The codes Hubject's status-code page lists besides the OICP table (docs/errata.md E-16). */
const STATUS_CODE_PAGE_EXTRAS = ['401', '404', '500'];

const STATUS_TEXT_LIMITS = { Description: 200, AdditionalInfo: 1000 } as const;

export const statusTextWithinLimits: Check = {
  name: 'statusTextWithinLimits',
  title: 'StatusCode.Description has at most 200 and AdditionalInfo at most 1000 characters',
  verdict: 'failure',
  category: 'protocol',
  source:
    'OICP 2.3 CPO, 03 Data Types, StatusCodeType: Description field length 200, AdditionalInfo 1000 (the OpenAPI writes them as maximum, read as a length: docs/errata.md E-01)',
  statements: ['status-description-length', 'status-additional-info-length'],
  appliesTo: (ex) => statusCodeOf(ex) !== undefined,
  verify(ex) {
    const statusCode = statusCodeOf(ex) ?? {};
    const tooLong = Object.entries(STATUS_TEXT_LIMITS).flatMap(([field, limit]) => {
      const value = statusCode[field];
      // Length in characters (code points), as the OICP limits are stated.
      const length = typeof value === 'string' ? [...value].length : 0;
      return length > limit ? [`${field} has ${length} characters (limit ${limit})`] : [];
    });
    if (tooLong.length === 0) return;
    throw new CheckFailure(this, {
      expected: 'Description ≤ 200, AdditionalInfo ≤ 1000 characters',
      received: tooLong.join('; '),
    });
  },
};

export const cpoPartnerSessionIdEchoed: Check = {
  name: 'cpoPartnerSessionIdEchoed',
  title: 'The CPOPartnerSessionID sent in the request comes back unchanged',
  verdict: 'failure',
  category: 'protocol',
  source:
    'OICP 2.3 CPO, 01 Communication Paradigms, Session handling: Hubject "will add the CPOPartnerSessionID to every operation response" (Hubject refusals captured 2021–2022 echo it: OpenChargingCloud/WWCP_OICP, WWCP_OICPv2.3/CPO/CPOClient.cs)',
  statements: ['cpo-partner-session-id-in-every-answer'],
  appliesTo: (ex) =>
    typeof requestObject(ex)?.CPOPartnerSessionID === 'string' &&
    ex.answer?.status === 200 &&
    authorizationStatusOf(ex) !== undefined,
  verify(ex) {
    const sent = requestObject(ex)?.CPOPartnerSessionID;
    const received = answerObject(ex)?.CPOPartnerSessionID;
    if (received === sent) return;
    throw new CheckFailure(this, {
      expected: `CPOPartnerSessionID ${show(sent)}`,
      received: `CPOPartnerSessionID ${show(received)}`,
    });
  },
};

export const stopIdentificationsWellFormed: Check = {
  name: 'stopIdentificationsWellFormed',
  title: 'AuthorizationStopIdentifications, when present, hold OICP identification objects',
  verdict: 'failure',
  category: 'protocol',
  source: `${OPERATION}: AuthorizationStopIdentifications, a list of Identification (02 Services and Operations; schemas/oicp/Identification.schema.json); members OICP does not list are tolerated (docs/errata.md E-12)`,
  statements: ['answer-stop-identifications', 'identification-one-of-five'],
  appliesTo: (ex) => {
    const value = answerObject(ex)?.AuthorizationStopIdentifications;
    return value !== undefined && value !== null;
  },
  verify(ex, { schemas }) {
    const value = answerObject(ex)?.AuthorizationStopIdentifications;
    if (!Array.isArray(value)) {
      throw new CheckFailure(this, {
        expected: 'an array of identifications (or null)',
        received: show(value),
      });
    }
    const problems = value.flatMap((entry, index) => {
      const violations = schemas.answerViolations(OICP.identification, entry);
      return violations.length === 0
        ? []
        : [`[${index}] ${show(entry, 80)}: ${formatViolations(violations).replace(/\n/g, '; ')}`];
    });
    if (problems.length === 0) return;
    throw new CheckFailure(this, {
      expected:
        'each entry an object with one of RFIDMifareFamilyIdentification, QRCodeIdentification, PlugAndChargeIdentification, RemoteIdentification, RFIDIdentification',
      received: problems.join('\n    '),
    });
  },
};

export const cpoPartnerSessionIdNotInvented: Check = {
  name: 'cpoPartnerSessionIdNotInvented',
  title: 'A CPOPartnerSessionID the request did not carry is not invented (null or absent)',
  // Reasoning, not a sentence of the contract: the text says Hubject adds the CPOPartnerSessionID the CPO sent,
  // not that it never adds one of its own. So an invented one is reported, never a red run.
  verdict: 'advisory',
  category: 'best-practice',
  source:
    "our reasoning, not an OICP rule: Hubject adds the CPOPartnerSessionID the CPO sent to every answer (01 Communication Paradigms, Session handling), so a request without one leaves none to return (the integration guide's example answer: null)",
  appliesTo: (ex) => {
    const request = requestObject(ex);
    return (
      request !== undefined &&
      (request.CPOPartnerSessionID === undefined || request.CPOPartnerSessionID === null) &&
      ex.answer?.status === 200 &&
      authorizationStatusOf(ex) !== undefined
    );
  },
  verify(ex) {
    const received = answerObject(ex)?.CPOPartnerSessionID;
    if (received === undefined || received === null) return;
    throw new CheckFailure(this, {
      expected: 'CPOPartnerSessionID null or absent (the request carried none)',
      received: `CPOPartnerSessionID ${show(received)}`,
      hint: 'only the CPO assigns a CPOPartnerSessionID; an invented one cannot be correlated with any session of the CPO',
    });
  },
};
