import { randomUUID } from 'node:crypto';
import { FAULT_EFFECTS, type FaultEffect, NORMAL_READING } from './fault-effects.ts';
import type { MockOutcome, MockRegistry } from './registry.ts';
import { statusText } from './status-codes.ts';
import type { AuthorizationAnswer, MockContext, MockRequest, MockResponse } from './types.ts';
import {
  type FieldValidationError,
  firstIdentificationMember,
  type IdentificationMember,
  isJsonObject,
  normalisedProviderId,
  providerIdOfEvcoId,
  upperCaseIdentifiers,
  validateAuthorizeStart,
} from './validation.ts';

export type { MockContext, MockRequest, MockResponse } from './types.ts';

const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';
const AUTHORIZE_START_ROUTE = /^\/api\/oicp\/charging\/v21\/operators\/([^/]+)\/authorize\/start$/;

/** The operatorID of an AuthorizeStart request target, or null when the target is another route. */
export function authorizeStartOperatorId(requestTarget: string): string | null {
  const pathOnly = requestTarget.split('?')[0] ?? '';
  const match = AUTHORIZE_START_ROUTE.exec(pathOnly);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

export function isAuthorizeStartRequest(method: string, requestTarget: string): boolean {
  return method.toUpperCase() === 'POST' && authorizeStartOperatorId(requestTarget) !== null;
}

/**
 * Answers one request the way Hubject QA answers AuthorizeStart. Pure apart from fresh UUIDs and the
 * context's memory of issued SessionIDs, so the whole behaviour can be tested without sockets.
 *
 * The order of the checks (mock/README.md, "Normal behaviour"): the client certificate first (OICP 2.3 CPO,
 * 01 Communication Paradigms, Security: the partner identification "is performed at the beginning of every web
 * service operation"), then what the URL and headers alone decide (Content-Type, unknown partner), then the
 * body (parse, validation, the body's OperatorID), then the SessionID, the operator's EMP contracts, the EVSE
 * and the identification. Where the text gives no order, the order is our assumption.
 */
export function answerAuthorizeStart(input: MockRequest, context: MockContext): MockResponse {
  const urlOperatorId = input.method.toUpperCase() === 'POST' ? authorizeStartOperatorId(input.path) : null;
  if (urlOperatorId === null) return jsonResponse(404, { message: 'Not Found' });

  const effect: FaultEffect = context.fault ? FAULT_EFFECTS[context.fault] : {};
  if (effect.replace) return effect.replace();
  const reading = { ...NORMAL_READING, ...effect.reading };

  const { registry } = context;
  const clientIdentity = input.clientIdentity ?? null;
  // An OperatorID the certificate does not own is 401 even when no partner has it: the identification comes
  // before "Check if Partner exists" (01 Security; the eRoamingAuthorization diagram).
  if (context.tls && !registry.identityOwnsOperator(clientIdentity, urlOperatorId)) {
    return oicpFaultResponse(401, '017');
  }
  const contentType = headerValue(input.headers, 'content-type');
  if (!isJsonContentType(contentType)) {
    return faultBodyResponse(415, `Content type '${contentType ?? ''}' not supported`);
  }
  if (!registry.operatorById(urlOperatorId)) return oicpFaultResponse(404, '300');

  let parsed: unknown;
  try {
    parsed = JSON.parse(input.body);
  } catch {
    return faultBodyResponse(400, VALIDATION_MESSAGE);
  }
  if (!isJsonObject(parsed)) return faultBodyResponse(400, VALIDATION_MESSAGE);
  // Hubject upper-cases UIDs and QR code / remote EvcoIDs before it uses them (03 Data Types).
  const body = upperCaseIdentifiers(parsed, { uids: reading.upperCaseUids });
  const problems = validateAuthorizeStart(body);
  if (problems.length > 0) return validationFaultResponse(problems);

  // Only an OperatorID the registry knows can belong to someone else; any other one is left to the
  // URL, which decides the lookup (a body/URL mismatch without TLS is tolerated: our assumption).
  const bodyOperatorId = body.OperatorID as string;
  if (
    context.tls &&
    registry.operatorById(bodyOperatorId) &&
    !registry.identityOwnsOperator(clientIdentity, bodyOperatorId)
  ) {
    return oicpFaultResponse(401, '017');
  }

  const identification = firstIdentificationMember(body.Identification as Record<string, unknown>);
  if (!identification) throw new Error('validated request without an Identification member');
  const session = presentedSession(body.SessionID, context, reading.refuseForeignSessionIds);
  const decided =
    (session.foreign ? refusal('400') : undefined) ??
    contractRefusal(urlOperatorId, identification.member, identification.value, registry) ??
    evseRefusal(urlOperatorId, body.EvseID, registry) ??
    decideOutcome(identification.member, identification.value, { registry, operatorId: urlOperatorId });
  const outcome = effect.decide ? effect.decide(decided) : decided;
  const answer = buildAnswer(outcome, body, session.issued ?? randomUUID());
  if (answer.SessionID !== null) context.sessions.remember(answer.SessionID);
  // A refused authorization loses its SessionID: "Hubject deletes the corresponding SessionID" (02,
  // eRoamingAuthorizeStart).
  else if (session.issued !== null) context.sessions.forget(session.issued);
  const response = jsonResponse(200, effect.reshape ? effect.reshape(answer) : answer);
  return effect.deliver ? effect.deliver(response, context) : response;
}

function refusal(code: string): MockOutcome {
  return { status: 'NotAuthorized', code };
}

/**
 * The SessionID of a request: one the mock issued (`issued`), one it did not issue (`foreign`: refused
 * with 400 before anything else is looked at, 01 Session handling), or none. With `refuseForeign` off (the
 * `authorize-foreign-session-id` fault) a foreign SessionID counts as none, the old behaviour.
 */
function presentedSession(
  sessionId: unknown,
  context: MockContext,
  refuseForeign: boolean,
): { issued: string | null; foreign: boolean } {
  if (typeof sessionId !== 'string') return { issued: null, foreign: false };
  if (context.sessions.issued(sessionId)) return { issued: sessionId, foreign: false };
  return { issued: null, foreign: refuseForeign };
}

const UID_MEMBERS: readonly IdentificationMember[] = ['RFIDMifareFamilyIdentification', 'RFIDIdentification'];

/**
 * "No valid contract" (210) at the level of the operator's contracts, before any EMP is asked (the
 * eRoamingAuthorization diagram of OICP 2.3 CPO: "Get EMP from EVCOID and check contract" / "Get all EMPs under
 * contract" → "Existing contract?" false → StatusCode 210). For an EvcoID, its provider (country code and
 * provider part) must be under contract with the URL's operator; for a UID, at least one EMP must be. An
 * operator without an `empContracts` list is under contract with every EMP.
 */
function contractRefusal(
  operatorId: string,
  member: IdentificationMember,
  identification: Record<string, unknown>,
  registry: MockRegistry,
): MockOutcome | undefined {
  const contracted = registry.empContractsOf(operatorId);
  if (contracted === null) return undefined;
  if (UID_MEMBERS.includes(member)) return contracted.size === 0 ? refusal('210') : undefined;
  const providerId = providerIdOfEvcoId(identification.EvcoID as string);
  return providerId !== null && contracted.has(providerId) ? undefined : refusal('210');
}

/**
 * Only an operator whose EVSEs the registry lists knows them (our assumption of how Hubject uses the
 * EVSE data a CPO pushed; the eRoamingAuthorization diagram has no EVSE step, and OICP describes the EVSE
 * codes 601-604 and 700 for the remote operations): an EvseID it does not list is refused with 603, a listed
 * EVSE may refuse every authorization (reserved, in use, out of service …). The URL's operator decides, as for
 * the lookup. Without EvseID, or for an operator without an EVSE list, the identification alone decides.
 */
function evseRefusal(operatorId: string, evseId: unknown, registry: MockRegistry): MockOutcome | undefined {
  if (typeof evseId !== 'string') return undefined;
  const evse = registry.evseOf(operatorId, evseId);
  if (evse === null) return undefined;
  if (evse === undefined) return refusal('603');
  return evse.outcome;
}

interface LookupContext {
  registry: MockRegistry;
  /** The URL's operator, whose EMP contracts decide which EMPs are asked. */
  operatorId: string;
}

type OutcomeRule = (identification: Record<string, unknown>, lookup: LookupContext) => MockOutcome;

/**
 * A UID is broadcast to the EMPs under contract with the operator (02, eRoamingAuthorizeStart, option C): a card
 * that only an EMP outside those contracts would authorize is unknown to every EMP asked, so it gets the unknown
 * card's 102 (the code is our assumption).
 */
const cardOutcome: OutcomeRule = (identification, { registry, operatorId }) => {
  const outcome = registry.cardByUid(identification.UID as string)?.outcome;
  if (!outcome) return refusal('102');
  const contracted = registry.empContractsOf(operatorId);
  if (
    outcome.status === 'Authorized' &&
    contracted !== null &&
    !contracted.has(normalisedProviderId(outcome.providerId ?? ''))
  ) {
    return refusal('102');
  }
  return outcome;
};

// Plug&Charge carries no PIN and its EvcoID is used as written (03 says nothing about converting it).
const plugAndChargeOutcome: OutcomeRule = (identification, { registry }) =>
  registry.contractByEvcoId(identification.EvcoID as string)?.outcome ?? refusal('105');

// A remote EvcoID is upper-cased (03) and looked up like Plug&Charge otherwise (our assumption).
const remoteOutcome: OutcomeRule = (identification, { registry }) =>
  registry.contractByUpperCaseEvcoId(identification.EvcoID as string)?.outcome ?? refusal('105');

const OUTCOME_RULES: Record<IdentificationMember, OutcomeRule> = {
  RFIDMifareFamilyIdentification: cardOutcome,
  RFIDIdentification: cardOutcome,
  QRCodeIdentification: (identification, { registry }) => {
    const contract = registry.contractByUpperCaseEvcoId(identification.EvcoID as string);
    // A HashedPIN without a clear PIN never matches: Hubject hashes the hash and the result differs.
    const pin = identification.PIN;
    if (!contract || typeof pin !== 'string' || pin !== contract.pin) {
      return refusal('101');
    }
    return contract.outcome;
  },
  PlugAndChargeIdentification: plugAndChargeOutcome,
  RemoteIdentification: remoteOutcome,
};

function decideOutcome(
  member: IdentificationMember,
  identification: Record<string, unknown>,
  lookup: LookupContext,
): MockOutcome {
  return OUTCOME_RULES[member](identification, lookup);
}

function echoed(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** `sessionId`: the SessionID an Authorized answer carries (a fresh one, or the issued one the request sent). */
function buildAnswer(
  outcome: MockOutcome,
  request: Record<string, unknown>,
  sessionId: string,
): AuthorizationAnswer {
  const partnerSessionIds = {
    CPOPartnerSessionID: echoed(request.CPOPartnerSessionID),
    EMPPartnerSessionID: echoed(request.EMPPartnerSessionID),
  };
  if (outcome.status === 'Authorized') {
    const stopUids = outcome.stopUids ?? [];
    return {
      SessionID: sessionId,
      ...partnerSessionIds,
      ProviderID: outcome.providerId ?? null,
      AuthorizationStatus: 'Authorized',
      StatusCode: { Code: '000', Description: null, AdditionalInfo: null },
      AuthorizationStopIdentifications:
        stopUids.length > 0
          ? stopUids.map((uid) => ({ RFIDMifareFamilyIdentification: { UID: uid } }))
          : null,
    };
  }
  // A refusal's Description is null, as in every captured Hubject refusal (not the code table's text).
  return {
    SessionID: null,
    ...partnerSessionIds,
    ProviderID: null,
    AuthorizationStatus: 'NotAuthorized',
    StatusCode: { Code: outcome.code ?? '106', Description: null, AdditionalInfo: null },
    AuthorizationStopIdentifications: null,
  };
}

function headerValue(headers: Record<string, string | undefined>, name: string): string | undefined {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/**
 * Whether a request's Content-Type is JSON: `application/json` or a `+json` type, any parameters (charset …).
 * Anything else, and no Content-Type at all, is answered 415 (our assumption: Hubject's export only says that
 * the operation consumes application/json).
 */
export function isJsonContentType(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(mediaType);
}

export function jsonResponse(status: number, body: unknown): MockResponse {
  return {
    status,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, 'Process-ID': randomUUID() },
    body: JSON.stringify(body),
  };
}

/** The message of Hubject's HTTP 400 FaultBody (captured 2021–2022). */
export const VALIDATION_MESSAGE = 'Error parsing/validating JSON.';

/**
 * Hubject's FaultBody (HTTP 400 and other request-level failures): the message alone, or with field-level
 * `validationErrors` (and `extendedInfo: null`, as one captured revision writes it).
 */
export function faultBodyResponse(
  status: number,
  message: string,
  validationErrors: FieldValidationError[] = [],
): MockResponse {
  return jsonResponse(
    status,
    validationErrors.length > 0 ? { message, validationErrors, extendedInfo: null } : { message },
  );
}

/**
 * A request that breaks enforced rules: field errors as `validationErrors`, object-level errors named in the
 * message ("Error parsing/validating JSON. Object errors: …"), as Hubject answers them.
 */
function validationFaultResponse(problems: FieldValidationError[]): MockResponse {
  const objectErrors = problems.filter((p) => p.objectLevel);
  const fieldErrors = problems
    .filter((p) => !p.objectLevel)
    .map(({ fieldReference, errorMessage }) => ({ fieldReference, errorMessage }));
  const message =
    objectErrors.length > 0
      ? `${VALIDATION_MESSAGE} Object errors: ${objectErrors.map((e) => `${e.fieldReference}: ${e.errorMessage}`).join('; ')}`
      : VALIDATION_MESSAGE;
  return faultBodyResponse(400, message, fieldErrors);
}

/** Hubject's OicpERoamingFault (HTTP 401 code 017, HTTP 404 code 300). */
function oicpFaultResponse(status: number, code: string): MockResponse {
  return jsonResponse(status, {
    StatusCode: { Code: code, Description: statusText(code), AdditionalInfo: null },
  });
}
