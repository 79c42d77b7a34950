import type { Scenario } from '../scenarios/types.ts';

export const AUTHORIZE_START_PATH = '/api/oicp/charging/v21/operators/{operatorID}/authorize/start';

/** The request exactly as it goes on the wire. */
export interface PreparedRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  bodyText: string;
  /** The parsed body, when the body is JSON. */
  bodyJson?: unknown;
}

/** The answer as it came off the wire, before any judgement. */
export interface HttpAnswer {
  status: number;
  statusText: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
}

/** Sends one request; throws TransportError when no HTTP answer arrives. */
export interface Transport {
  send(request: PreparedRequest, timeoutMs: number): Promise<HttpAnswer>;
}

export type TransportFailureKind = 'timeout' | 'connection' | 'tls' | 'other';

export class TransportError extends Error {
  readonly kind: TransportFailureKind;
  readonly url: string;

  constructor(kind: TransportFailureKind, url: string, message: string) {
    super(message);
    this.name = 'TransportError';
    this.kind = kind;
    this.url = url;
  }
}

/** The answer, decoded once for every check. */
export interface ReceivedAnswer {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  bodyText: string;
  /** False when the body bytes are not valid UTF-8. */
  utf8: boolean;
  /** The body parsed as JSON; undefined when it is not JSON (see jsonError). */
  json?: unknown;
  jsonError?: string;
}

/** One request/answer pair with everything the checks need to judge it. */
export interface Exchange {
  scenario: Scenario;
  request: PreparedRequest;
  /** Undefined when no answer arrived in time. */
  answer?: ReceivedAnswer;
  elapsedMs: number;
  timeBudgetMs: number;
  /** The target is Hubject (Hubject-only advisories apply). */
  hubject: boolean;
  /** How many attempts the retry policy took (1 without retries). */
  attempts: number;
}
