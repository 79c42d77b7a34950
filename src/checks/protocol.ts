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
  source: `${OPERATION}: Hubject generates a SessionID for the charging process; SessionID type (GUID)`,
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
  source: `${OPERATION}: the answer of an authorizing EMP must contain its ProviderID; ProviderID type`,
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
  source: 'OICP 2.3 status codes: 000 success; any other code is an error',
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
  source: 'OICP 2.3 status codes: 000 success; a refusal carries the code of its reason',
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
  source: 'OICP 2.3 StatusCode (code table; schemas/oicp/StatusCodeCode.schema.json)',
  appliesTo: (ex) => statusCodeOf(ex) !== undefined && 'Code' in (statusCodeOf(ex) ?? {}),
  verify(ex, { schemas }) {
    const code = statusCodeOf(ex)?.Code;
    if (conformsToType(schemas, 'StatusCodeCode', code)) return;
    throw new CheckFailure(this, {
      expected: 'a three-digit code string from the OICP table (000, 001, …, 700)',
      received: `StatusCode.Code ${show(code)}`,
    });
  },
};

export const STATUS_TEXT_LIMITS = { Description: 200, AdditionalInfo: 1000 } as const;

export const statusTextWithinLimits: Check = {
  name: 'statusTextWithinLimits',
  title: 'StatusCode.Description has at most 200 and AdditionalInfo at most 1000 characters',
  verdict: 'failure',
  category: 'protocol',
  source: 'OICP 2.3 StatusCode: Description max 200, AdditionalInfo max 1000',
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
  source: `${OPERATION}: CPOPartnerSessionID, the CPO's session id of the operation`,
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
  source: `${OPERATION}: AuthorizationStopIdentifications, a list of Identification (schemas/oicp/Identification.schema.json)`,
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
      const violations = schemas.violations(OICP.identification, entry);
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
