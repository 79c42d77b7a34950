import { citationOf, type Statements } from './statements.ts';
import type { Basis } from './types.ts';

/**
 * What kind of defect a deliberately invalid request has, as far as the target's answer is concerned:
 * `validation` — it breaks a field rule Hubject's server declares (required, pattern, length, enum in its
 * authorization API export), which its contract answers with HTTP 400 and a FaultBody;
 * `type` — a value of another JSON type (a number for a string, a string for an object), which a JSON binder
 * may convert or reject: not documented;
 * `lint` — a rule only our request schema applies to the CPO's message, which Hubject is not known to enforce.
 */
export type RequestDefect = 'validation' | 'type' | 'lint';

const VALIDATION_ERROR_STATEMENT = 'export-400-fault-body';

/**
 * The basis of the expected answer to a request with this defect: one source for the hand-written scenarios
 * (`basis: { requestDefect: type }`) and the negative cases derived from the request schema, so that the same
 * defect never gets opposite verdicts.
 */
export function requestDefectBasis(defect: RequestDefect, statements: Statements): Basis {
  if (defect === 'validation') {
    const statement = statements.get(VALIDATION_ERROR_STATEMENT);
    if (!statement)
      throw new Error(`data/oicp/statements.yaml has no statement '${VALIDATION_ERROR_STATEMENT}'`);
    return {
      kind: 'rule',
      citation: `${citationOf(statement)} — a request breaking a field rule of the request types is a validation error`,
      statement,
    };
  }
  if (defect === 'type')
    return {
      kind: 'assumption',
      citation:
        "OICP types the field; whether Hubject's JSON binding rejects a value of another JSON type (HTTP 400) or converts it (a number to a string, as Java JSON binders do by default) is not documented",
    };
  return {
    kind: 'assumption',
    citation:
      'a lint-only rule of ours: Hubject is not known to enforce it, so the request is answered as usual (docs/errata.md, "Lint rules versus server rules")',
  };
}
