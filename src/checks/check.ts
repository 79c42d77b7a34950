import type { Exchange } from '../exchange/types.ts';
import { type SchemaRegistry, schemaId } from '../schemas/registry.ts';
import { escapeControlCharacters } from '../text.ts';

/** A failure breaks the contract and fails the scenario; an advisory is a best-practice finding that is only reported. */
export type CheckVerdict = 'failure' | 'advisory';

/** What kind of problem a failed check points at, so that a failing run is triaged at a glance. */
export type CheckCategory = 'transport' | 'status' | 'schema' | 'protocol' | 'best-practice';

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
  /** Where the rule comes from (OICP document, DESIGN section). */
  source: string;
  appliesTo(exchange: Exchange): boolean;
  verify(exchange: Exchange, context: CheckContext): void;
}

export interface FailureDetails {
  expected: string;
  received: string;
  /** A hint on what to look at, when the expected/received pair is not enough. */
  hint?: string;
}

export class CheckFailure extends Error {
  readonly check: string;
  readonly verdict: CheckVerdict;
  readonly category: CheckCategory;
  readonly expected: string;
  readonly received: string;
  readonly source: string;
  readonly hint?: string;
  private readonly definition: Check;

  constructor(check: Check, given: FailureDetails) {
    // Texts quote the answer: a control character in it must not reach a console or a report raw.
    const details = {
      expected: escapeControlCharacters(given.expected),
      received: escapeControlCharacters(given.received),
      hint: given.hint === undefined ? undefined : escapeControlCharacters(given.hint),
    };
    super(
      `${check.name}: ${check.title}\n  expected: ${details.expected}\n  received: ${details.received}${details.hint ? `\n  hint: ${details.hint}` : ''}\n  rule: ${check.source}`,
    );
    this.name = 'CheckFailure';
    this.check = check.name;
    this.verdict = check.verdict;
    this.category = check.category;
    this.expected = details.expected;
    this.received = details.received;
    this.source = check.source;
    this.hint = details.hint;
    this.definition = check;
  }

  /** The same failure with its texts passed through `mask` (secrets out before it reaches a report). */
  masked(mask: (text: string) => string): CheckFailure {
    return new CheckFailure(this.definition, {
      expected: mask(this.expected),
      received: mask(this.received),
      hint: this.hint === undefined ? undefined : mask(this.hint),
    });
  }

  /** One line for summaries: `check: expected …, received …`. */
  get oneLine(): string {
    return `${this.check}: expected ${this.expected}, received ${this.received}`;
  }
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
