import { randomUUID } from 'node:crypto';
import { FAULT_EFFECTS } from './fault-effects.ts';
import type { MockOutcome, MockRegistry } from './registry.ts';
import { statusText } from './status-codes.ts';
import type { AuthorizationAnswer, MockContext, MockRequest, MockResponse } from './types.ts';
import {
  type FieldValidationError,
  firstIdentificationMember,
  type IdentificationMember,
  isJsonObject,
  validateAuthorizeStart,
} from './validation.ts';

export type { AuthorizationAnswer, MockContext, MockRequest, MockResponse } from './types.ts';

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
 * Answers one request the way Hubject QA answers AuthorizeStart. Pure apart from fresh UUIDs, so
 * the whole behaviour can be tested without sockets.
 *
 * The order of the checks is our assumption: what the URL alone decides (unknown partner, a
 * certificate that does not own the URL's operator) comes before the body is parsed and validated;
 * the body's OperatorID is compared with the certificate last.
 */
export function answerAuthorizeStart(input: MockRequest, context: MockContext): MockResponse {
  const urlOperatorId = input.method.toUpperCase() === 'POST' ? authorizeStartOperatorId(input.path) : null;
  if (urlOperatorId === null) return jsonResponse(404, { message: 'Not Found' });

  const { registry } = context;
  const clientIdentity = input.clientIdentity ?? null;
  if (!registry.operatorById(urlOperatorId)) return oicpFaultResponse(404, '300');
  if (context.tls && !registry.identityOwnsOperator(clientIdentity, urlOperatorId)) {
    return oicpFaultResponse(401, '017');
  }

  let body: unknown;
  try {
    body = JSON.parse(input.body);
  } catch {
    return faultBodyResponse(400, VALIDATION_MESSAGE);
  }
  if (!isJsonObject(body)) return faultBodyResponse(400, VALIDATION_MESSAGE);
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

  const effect = context.fault ? FAULT_EFFECTS[context.fault] : {};
  const identification = firstIdentificationMember(body.Identification as Record<string, unknown>);
  if (!identification) throw new Error('validated request without an Identification member');
  const decided =
    evseRefusal(urlOperatorId, body.EvseID, registry) ??
    decideOutcome(identification.member, identification.value, registry);
  const outcome = effect.decide ? effect.decide(decided) : decided;
  const answer = buildAnswer(outcome, body);
  const response = jsonResponse(200, effect.reshape ? effect.reshape(answer) : answer);
  return effect.deliver ? effect.deliver(response, context) : response;
}

function refusal(code: string): MockOutcome {
  return { status: 'NotAuthorized', code };
}

/**
 * Only an operator whose EVSEs the registry lists knows them (our assumption of how Hubject uses the
 * EVSE data a CPO pushed): an EvseID it does not list is refused with 603, a listed EVSE may refuse
 * every authorization (reserved, in use, out of service …). The URL's operator decides, as for the
 * lookup. Without EvseID, or for an operator without an EVSE list, the identification alone decides.
 */
function evseRefusal(operatorId: string, evseId: unknown, registry: MockRegistry): MockOutcome | undefined {
  if (typeof evseId !== 'string') return undefined;
  const evse = registry.evseOf(operatorId, evseId);
  if (evse === null) return undefined;
  if (evse === undefined) return refusal('603');
  return evse.outcome;
}

type OutcomeRule = (identification: Record<string, unknown>, registry: MockRegistry) => MockOutcome;

const cardOutcome: OutcomeRule = (identification, registry) =>
  registry.cardByUid(identification.UID as string)?.outcome ?? refusal('102');

// Plug&Charge carries no PIN; remote identification is looked up the same way (our assumption).
const contractOutcomeWithoutPin: OutcomeRule = (identification, registry) =>
  registry.contractByEvcoId(identification.EvcoID as string)?.outcome ?? refusal('105');

const OUTCOME_RULES: Record<IdentificationMember, OutcomeRule> = {
  RFIDMifareFamilyIdentification: cardOutcome,
  RFIDIdentification: cardOutcome,
  QRCodeIdentification: (identification, registry) => {
    const contract = registry.contractByEvcoId(identification.EvcoID as string);
    // A HashedPIN without a clear PIN never matches: Hubject hashes the hash and the result differs.
    const pin = identification.PIN;
    if (!contract || typeof pin !== 'string' || pin !== contract.pin) {
      return refusal('101');
    }
    return contract.outcome;
  },
  PlugAndChargeIdentification: contractOutcomeWithoutPin,
  RemoteIdentification: contractOutcomeWithoutPin,
};

function decideOutcome(
  member: IdentificationMember,
  identification: Record<string, unknown>,
  registry: MockRegistry,
): MockOutcome {
  return OUTCOME_RULES[member](identification, registry);
}

function echoed(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function buildAnswer(outcome: MockOutcome, request: Record<string, unknown>): AuthorizationAnswer {
  const partnerSessionIds = {
    CPOPartnerSessionID: echoed(request.CPOPartnerSessionID),
    EMPPartnerSessionID: echoed(request.EMPPartnerSessionID),
  };
  if (outcome.status === 'Authorized') {
    const stopUids = outcome.stopUids ?? [];
    return {
      SessionID: randomUUID(),
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
