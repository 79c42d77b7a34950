import type { TransportFailureKind } from './types.ts';

interface Explanation {
  kind: TransportFailureKind;
  /** What happened and what to do, in the user's terms; the low-level message follows it. */
  explanation?: string;
}

/** Known low-level failures (Node/OpenSSL wording), each with what it means for the user. */
const KNOWN: Array<{ pattern: RegExp; kind: TransportFailureKind; explain: (url: URL) => string }> = [
  {
    pattern: /alert certificate required|alert handshake failure|peer did not return a certificate/i,
    kind: 'tls',
    explain: () =>
      'the target requires a client certificate: set OICP_CLIENT_CERT and OICP_CLIENT_KEY, or OICP_CLIENT_PFX',
  },
  {
    pattern: /alert (unknown ca|bad certificate|certificate unknown|decrypt error)/i,
    kind: 'tls',
    explain: () => 'the target refused the client certificate (not issued by a CA it trusts, or revoked)',
  },
  {
    pattern:
      /self[- ]signed certificate|unable to (verify|get local issuer)|certificate has expired|UNABLE_TO_VERIFY_LEAF_SIGNATURE/i,
    kind: 'tls',
    explain: () =>
      "the target's server certificate is not trusted: set OICP_CA_CERT to the CA bundle that issued it",
  },
  {
    pattern: /altname|Hostname\/IP does not match/i,
    kind: 'tls',
    explain: (url) => `the target's server certificate is not issued for ${url.hostname}`,
  },
  {
    pattern: /ECONNREFUSED/,
    kind: 'connection',
    explain: (url) =>
      `nothing accepts connections at ${url.host} (connection refused): is the target running, is the URL right?`,
  },
  {
    pattern: /ENOTFOUND|EAI_AGAIN/,
    kind: 'connection',
    explain: (url) => `the host ${url.hostname} cannot be resolved (unknown host)`,
  },
  {
    pattern: /socket hang up|ECONNRESET|EPIPE/i,
    kind: 'connection',
    explain: (url) =>
      url.protocol === 'https:'
        ? 'the target closed the connection, most likely during the TLS handshake: it may have refused the client certificate'
        : 'the target closed the connection without an answer',
  },
  { pattern: /timeout|timed out/i, kind: 'timeout', explain: () => 'no answer in time' },
];

/** Classifies a failed request and says, in plain words, what it most likely means. */
export function explainTransportFailure(message: string, url: string): Explanation {
  const known = KNOWN.find((entry) => entry.pattern.test(message));
  if (!known) return { kind: 'other' };
  return { kind: known.kind, explanation: known.explain(new URL(url)) };
}
