import type { Exchange } from '../exchange/types.ts';
import type { ExpectationKey } from '../scenarios/types.ts';
import { type SchemaRegistry, schemaId } from '../schemas/registry.ts';
import { escapeControlCharacters } from '../text.ts';
import type { DeviationId } from './deviations.ts';

/** A failure breaks the contract and fails the scenario; an advisory is a best-practice finding that is only reported. */
export type CheckVerdict = 'failure' | 'advisory';

/** What kind of problem a failed check points at, so that a failing run is triaged at a glance. */
export type CheckCategory = 'transport' | 'status' | 'schema' | 'protocol' | 'field' | 'best-practice';

export interface CheckContext {
  schemas: SchemaRegistry;
}

/** One rule, modelled like Schemathesis's checks: a small function that passes or throws a CheckFailure. */
export interface Check {
  /** Stable name, used by the report, the docs and the mutation tests. */
  name: string;
  /** The rule as a sentence. */
  title: string;
  verdict: CheckVerdict;
  category: CheckCategory;
  /** Where the rule comes from, in words (the document and passage; for an advisory, why it is only one). */
  source: string;
  /**
   * The statements of Hubject's published contract the check enforces (ids in data/oicp/statements.yaml). A
   * check whose verdict is `failure` and that judges no scenario expectation must name at least one: a red
   * run rests on the contract, never on our reasoning alone.
   */
  statements?: readonly string[];
  /**
   * The scenario expectation this check judges (`status`, `body`, …): its basis decides whether a finding
   * fails the scenario (docs/scenarios.md). A check judging several expectations at once (`fields.<path>`:
   * one per field matcher) names each one in its failure's `unmet`.
   */
  expectation?: ExpectationKey;
  appliesTo(exchange: Exchange): boolean;
  verify(exchange: Exchange, context: CheckContext): void;
}

/** One expectation of the scenario the answer does not meet. */
export interface UnmetExpectation {
  expectation: ExpectationKey;
  expected: string;
  received: string;
}

export interface FailureDetails {
  expected: string;
  received: string;
  /** A hint on what to look at, when the expected/received pair is not enough. */
  hint?: string;
  /** For a check judging several expectations: each one that is not met (expected and received join them). */
  unmet?: UnmetExpectation[];
  /** The finding is this known Hubject deviation (docs/errata.md), and only that. */
  deviation?: DeviationId;
}

export class CheckFailure extends Error {
  readonly check: string;
  readonly verdict: CheckVerdict;
  readonly category: CheckCategory;
  readonly expected: string;
  readonly received: string;
  readonly source: string;
  readonly hint?: string;
  readonly unmet?: UnmetExpectation[];
  readonly deviation?: DeviationId;
  private readonly definition: Check;

  constructor(check: Check, given: FailureDetails) {
    // Texts quote the answer: a control character in it must not reach a console or a report raw.
    const details: FailureDetails = {
      ...given,
      expected: escapeControlCharacters(given.expected),
      received: escapeControlCharacters(given.received),
      hint: given.hint === undefined ? undefined : escapeControlCharacters(given.hint),
      unmet: given.unmet?.map((u) => ({
        ...u,
        expected: escapeControlCharacters(u.expected),
        received: escapeControlCharacters(u.received),
      })),
    };
    super(
      `${check.name}: ${check.title}\n  expected: ${details.expected}\n  received: ${details.received}${details.hint ? `\n  hint: ${details.hint}` : ''}${deviationNote(check.verdict, details.deviation)}\n  rule: ${check.source}`,
    );
    this.name = 'CheckFailure';
    this.check = check.name;
    this.verdict = check.verdict;
    this.category = check.category;
    this.expected = details.expected;
    this.received = details.received;
    this.source = check.source;
    this.hint = details.hint;
    this.unmet = details.unmet;
    this.deviation = details.deviation;
    this.definition = check;
  }

  private get details(): FailureDetails {
    return {
      expected: this.expected,
      received: this.received,
      hint: this.hint,
      unmet: this.unmet,
      deviation: this.deviation,
    };
  }

  /** The same failure with its texts passed through `mask` (secrets out before it reaches a report). */
  masked(mask: (text: string) => string): CheckFailure {
    return new CheckFailure(this.definition, {
      ...this.details,
      expected: mask(this.expected),
      received: mask(this.received),
      hint: this.hint === undefined ? undefined : mask(this.hint),
      unmet: this.unmet?.map((u) => ({ ...u, expected: mask(u.expected), received: mask(u.received) })),
    });
  }

  /** The same failure reduced to some of its unmet expectations (the ones whose basis is a rule). */
  narrowedTo(unmet: UnmetExpectation[]): CheckFailure {
    return new CheckFailure(this.definition, { ...this.details, ...joined(unmet), unmet });
  }

  /** A known Hubject deviation the profile accepts: the same finding, reported as an advisory. */
  asDeviationAdvisory(): CheckFailure {
    return new CheckFailure({ ...this.definition, verdict: 'advisory' }, this.details);
  }

  /** One line for summaries: `check: expected …, received …` (and the deviation, when it is an accepted one). */
  get oneLine(): string {
    const deviation =
      this.deviation && this.verdict === 'advisory' ? ` (Hubject deviation ${this.deviation})` : '';
    return `${this.check}: expected ${this.expected}, received ${this.received}${deviation}`;
  }
}

/** The expected and received texts of several unmet expectations, in one pair. */
export function joined(unmet: readonly UnmetExpectation[]): { expected: string; received: string } {
  return {
    expected: unmet.map((u) => u.expected).join('; '),
    received: unmet.map((u) => u.received).join('; '),
  };
}

function deviationNote(verdict: CheckVerdict, deviation: DeviationId | undefined): string {
  if (!deviation) return '';
  return verdict === 'advisory'
    ? `\n  Hubject deviation ${deviation} (docs/errata.md): a known deviation of Hubject from this rule, reported as an advisory because the profile accepts it (hubjectDeviations)`
    : `\n  note: this is the known Hubject deviation ${deviation} (docs/errata.md); a profile for a Hubject target accepts it with hubjectDeviations: [${deviation}] — a mock should not deviate`;
}

/** A compact, bounded rendering of a received value for failure messages. */
export function show(value: unknown, limit = 160): string {
  if (value === undefined) return '(absent)';
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > limit ? `${text.slice(0, limit)}… (${text.length} characters)` : text;
}

/** The answer body as an object, or undefined when it is not a JSON object. */
export function answerObject(exchange: Exchange): Record<string, unknown> | undefined {
  const json = exchange.answer?.json;
  return json && typeof json === 'object' && !Array.isArray(json)
    ? (json as Record<string, unknown>)
    : undefined;
}

/** The request body as an object, or undefined. */
export function requestObject(exchange: Exchange): Record<string, unknown> | undefined {
  const json = exchange.request.bodyJson;
  return json && typeof json === 'object' && !Array.isArray(json)
    ? (json as Record<string, unknown>)
    : undefined;
}

/** Reads a dotted path (`StatusCode.Code`, `AuthorizationStopIdentifications.0`) from a JSON value. */
export function readPath(value: unknown, dottedPath: string): unknown {
  let current: unknown = value;
  for (const segment of dottedPath.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

export function authorizationStatusOf(exchange: Exchange): unknown {
  return answerObject(exchange)?.AuthorizationStatus;
}

export function statusCodeOf(exchange: Exchange): Record<string, unknown> | undefined {
  const statusCode = answerObject(exchange)?.StatusCode;
  return statusCode && typeof statusCode === 'object' && !Array.isArray(statusCode)
    ? (statusCode as Record<string, unknown>)
    : undefined;
}

/** The value is valid against an OICP type schema (`SessionID`, `ProviderID`, `StatusCodeCode`, …). */
export function conformsToType(schemas: SchemaRegistry, typeName: string, value: unknown): boolean {
  return schemas.violations(schemaId(`oicp/${typeName}.schema.json`), value).length === 0;
}
