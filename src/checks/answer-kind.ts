import type { Exchange } from '../exchange/types.ts';
import type { ResponseBodyKind } from '../scenarios/types.ts';
import type { FailureDetails } from './check.ts';

export type JsonBodyKind = Exclude<ResponseBodyKind, 'any'>;

/**
 * The message Hubject's published contract documents for each HTTP status of AuthorizeStart: 200 carries
 * an eRoamingAuthorizationStart (the OpenAPI), 400 a FaultBody, 401 and 404 an OicpERoamingFault, 500 a
 * FaultBody (Hubject's authorization API export). `statements` name the passages (data/oicp/statements.yaml).
 */
const DOCUMENTED: Readonly<Record<number, { kind: JsonBodyKind; statement: string }>> = {
  200: { kind: 'eRoamingAuthorizationStart', statement: 'openapi-200-authorization-start' },
  400: { kind: 'FaultBody', statement: 'export-400-fault-body' },
  401: { kind: 'OicpERoamingFault', statement: 'export-401-fault' },
  404: { kind: 'OicpERoamingFault', statement: 'export-404-fault' },
  500: { kind: 'FaultBody', statement: 'export-500-fault-body' },
};

export const DOCUMENTED_ANSWER_STATEMENTS = Object.values(DOCUMENTED).map((d) => d.statement);

/** How the body of an answer is judged, or undefined when nothing says what it must be. */
export interface JudgedBody {
  kind: JsonBodyKind;
  /**
   * `contract`: the message documented for the status that arrived, judged whatever the scenario expected
   * (an unmet assumption never switches a check off); `scenario`: the body the scenario expects on a status the
   * contract documents no message for, judged on that expectation's basis.
   */
  by: 'contract' | 'scenario';
  /** Whether a body that is not JSON at all is a finding (a proxy's 500 page is not Hubject's answer). */
  mustBeJson: boolean;
}

export function judgedBody(ex: Pick<Exchange, 'answer' | 'scenario'>): JudgedBody | undefined {
  const answer = ex.answer;
  if (!answer) return undefined;
  const documented = DOCUMENTED[answer.status];
  if (documented)
    return {
      kind: documented.kind,
      by: 'contract',
      mustBeJson: answer.status !== 500 || answer.json !== undefined,
    };
  const { expect } = ex.scenario;
  if (answer.status === expect.status && expect.body !== 'any')
    return { kind: expect.body, by: 'scenario', mustBeJson: true };
  return undefined;
}

/**
 * The codes with which an eRoamingAcknowledgement is a documented refusal of an AuthorizeStart: 300 Partner
 * not found and 017 Partner locked (the eRoamingAuthorization diagram), and the general system errors
 * (01 Communication Paradigms, Error handling: 001, 002, 009, 021, 022).
 */
export const ACKNOWLEDGED_REFUSAL_CODES: readonly string[] = [
  '300',
  '017',
  '001',
  '002',
  '009',
  '021',
  '022',
];

/**
 * The finding of a body check names the scenario's `body` expectation only where that expectation decides
 * what the body must be (a status the contract documents no message for); the message documented for the
 * status that arrived is a rule of the contract, whatever the scenario expected.
 */
export function bodyFinding(judged: JudgedBody, expected: string, received: string): Partial<FailureDetails> {
  return judged.by === 'scenario' ? { unmet: [{ expectation: 'body', expected, received }] } : {};
}
