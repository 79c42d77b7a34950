import type { FaultName } from './faults.ts';
import type { MockRegistry } from './registry.ts';
import type { IssuedSessionIds } from './sessions.ts';

/** One HTTP request as the mock sees it, independent of sockets so that tests can run in-process. */
export interface MockRequest {
  method: string;
  /** Request target as sent: path plus optional query string. */
  path: string;
  headers: Record<string, string | undefined>;
  body: string;
  /** Subject CN of the verified TLS client certificate; null or absent without one. */
  clientIdentity?: string | null;
}

export interface MockResponse {
  status: number;
  /** The reason phrase (default: the standard one of the status). */
  reason?: string;
  headers: Record<string, string>;
  body: string;
  /** How the body is encoded on the wire (default utf8; a replayed ISO-8859-1 answer keeps its bytes). */
  encoding?: 'utf8' | 'latin1';
  /** How long the server waits before sending the answer. */
  delayMs?: number;
  /** Close the connection without answering (after delayMs): a replayed exchange that got no answer. */
  drop?: boolean;
}

export interface MockContext {
  registry: MockRegistry;
  fault: FaultName | null;
  /** Delay of the `slow-answer` fault. */
  slowDelayMs: number;
  /** Whether the server runs with client certificates, so that OperatorIDs are checked against them. */
  tls: boolean;
  /** The SessionIDs this mock instance issued (one memory per server, shared by its fault modes). */
  sessions: IssuedSessionIds;
}

interface StatusCode {
  Code: string;
  Description: string | null;
  AdditionalInfo: string | null;
}

interface StopIdentification {
  RFIDMifareFamilyIdentification: { UID: string };
}

/** The eRoamingAuthorizationStart body, keys in the order Hubject writes them. */
export interface AuthorizationAnswer {
  SessionID: string | null;
  CPOPartnerSessionID: string | null;
  EMPPartnerSessionID: string | null;
  ProviderID: string | null;
  AuthorizationStatus: 'Authorized' | 'NotAuthorized';
  StatusCode: StatusCode;
  AuthorizationStopIdentifications: StopIdentification[] | null;
}
