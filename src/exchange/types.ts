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

/** Why an answer's body did not arrive whole. */
type IncompleteReason = 'too-large' | 'timeout' | 'aborted' | 'undecodable';

export interface IncompleteBody {
  reason: IncompleteReason;
  /** What happened, in plain words. */
  detail: string;
  /** Body bytes received (after decompression) before the transfer stopped. */
  receivedBytes: number;
}

/** The answer as it came off the wire, before any judgement. */
export interface HttpAnswer {
  status: number;
  statusText: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The body; when `incomplete` is set, only its first bytes. */
  body: Buffer;
  /** When the status line and headers arrived, in ms after the request started. */
  headersAfterMs?: number;
  /** Set when the headers arrived but the body did not arrive whole. */
  incomplete?: IncompleteBody;
}

/** Sends one request; throws TransportError when no HTTP answer (not even its headers) arrives. */
export interface Transport {
  send(request: PreparedRequest, timeoutMs: number): Promise<HttpAnswer>;
}

/**
 * What went wrong when no answer arrived. `timeout`: the target accepted the request but did not answer
 * in time; the others: no HTTP exchange took place (nothing listens, the name does not resolve, the TLS
 * handshake failed, the connection was closed, what came back was not HTTP).
 */
export type TransportFailureKind =
  | 'timeout'
  | 'refused'
  | 'unknown-host'
  | 'tls'
  | 'connection'
  | 'not-http'
  | 'other';

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
  /** The body bytes as received (after decompression): the exchange log keeps bytes that are not UTF-8 as they came. */
  raw?: Buffer;
  /** The body parsed as JSON; undefined when it is not JSON (see jsonError). */
  json?: unknown;
  jsonError?: string;
  /** When the headers arrived (ms after the request started). */
  headersAfterMs?: number;
  /** Set when the body did not arrive whole (too large, cut off, not decodable). */
  incomplete?: IncompleteBody;
}

/** One request/answer pair with everything the checks need to judge it. */
export interface Exchange {
  scenario: Scenario;
  request: PreparedRequest;
  /** Undefined when no answer arrived in time. */
  answer?: ReceivedAnswer;
  elapsedMs: number;
  timeBudgetMs: number;
  /** The largest answer body the profile accepts, in bytes. */
  maxAnswerBytes: number;
  /** The target is Hubject (Hubject-only advisories apply). */
  hubject: boolean;
  /** How many attempts the retry policy took (1 without retries). */
  attempts: number;
}

/** The TLS settings of the requests to the target (loaded and checked by src/config/tls.ts). */
export interface TlsSettings {
  clientCert?: string;
  clientKey?: string;
  pfx?: string;
  passphrase?: string;
  caCert?: string;
  /** Skip server-certificate verification: allowed for loopback targets only (a local mock with a throwaway certificate). */
  insecure: boolean;
}
