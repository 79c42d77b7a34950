import type { TransportFailureKind } from './types.ts';

export interface FailureContext {
  url: string;
  /** A client certificate is configured (decides between "requires one" and "refused yours"). */
  clientCertificate: boolean;
}

interface Explanation {
  kind: TransportFailureKind;
  /** What happened and what to do, in the user's terms; the low-level message follows it. */
  explanation: string;
}

type Explain = (url: URL, context: FailureContext) => string;

/** Client-certificate advice, worded by whether one was configured. */
const clientCertificateRefused: Explain = (_url, { clientCertificate }) =>
  clientCertificate
    ? 'the target refused your client certificate (not issued by a CA it trusts, revoked, or not registered for this OperatorID)'
    : 'the target requires a client certificate: set OICP_CLIENT_CERT and OICP_CLIENT_KEY, or OICP_CLIENT_PFX';

const untrusted: Explain = () =>
  "the target's server certificate is not issued by a CA this machine trusts: set OICP_CA_CERT to the CA bundle that issued it";

/**
 * Known low-level failures, matched on Node's error code first and its message second (OpenSSL words
 * some alerts only in the message). Each says what it means for the user and what to do.
 */
const KNOWN: Array<{ match: RegExp; kind: TransportFailureKind; explain: Explain }> = [
  {
    match: /^CERT_HAS_EXPIRED$|certificate has expired/i,
    kind: 'tls',
    explain: (url) =>
      `the server certificate of ${url.hostname} has expired: the target must renew it (a CA bundle does not help; check this machine's clock too)`,
  },
  {
    match: /^CERT_NOT_YET_VALID$|certificate is not yet valid/i,
    kind: 'tls',
    explain: (url) =>
      `the server certificate of ${url.hostname} is not valid yet: check this machine's clock, or the target installed a certificate too early`,
  },
  {
    match: /^ERR_TLS_CERT_ALTNAME_INVALID$|altnames|Hostname\/IP does not match/i,
    kind: 'tls',
    explain: (url) =>
      `the target's server certificate is not issued for ${url.hostname}: is the URL's host name the one the target's certificate names?`,
  },
  {
    match:
      /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE)$|self[- ]signed certificate|unable to (verify|get local issuer)/i,
    kind: 'tls',
    explain: untrusted,
  },
  {
    match: /alert certificate required|CERTIFICATE_REQUIRED|peer did not return a certificate/i,
    kind: 'tls',
    explain: clientCertificateRefused,
  },
  {
    match:
      /alert (unknown ca|bad certificate|certificate unknown|decrypt error|handshake failure)|ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|HANDSHAKE_FAILURE)/i,
    kind: 'tls',
    explain: clientCertificateRefused,
  },
  {
    match:
      /WRONG_VERSION_NUMBER|wrong version number|PACKET_LENGTH_TOO_LONG|packet length too long|http request/i,
    kind: 'not-http',
    explain: (url) =>
      `${url.host} does not speak TLS: is it a plain-HTTP port? Then use http:// instead of https://`,
  },
  {
    match: /^ECONNREFUSED$/,
    kind: 'refused',
    explain: (url) =>
      `nothing accepts connections at ${url.host} (connection refused): is the target running, is the URL right?`,
  },
  {
    match: /^(ENOTFOUND|EAI_AGAIN|EAI_FAIL|EAI_NONAME)$/,
    kind: 'unknown-host',
    explain: (url) => `the host ${url.hostname} cannot be resolved (unknown host): is the URL right?`,
  },
  {
    match: /^(EHOSTUNREACH|ENETUNREACH|ETIMEDOUT)$/,
    kind: 'refused',
    explain: (url) =>
      `${url.host} cannot be reached from this machine (no route, or a firewall drops the connection)`,
  },
  {
    match: /^HPE_/,
    kind: 'not-http',
    explain: (url) =>
      url.protocol === 'http:'
        ? `what came back from ${url.host} is not HTTP: is it the right port, or does it speak HTTPS (then use https://)?`
        : `what came back from ${url.host} is not valid HTTP: is it the right port?`,
  },
  {
    match: /^(ECONNRESET|EPIPE)$|socket hang up/i,
    kind: 'connection',
    explain: (url, context) =>
      url.protocol === 'https:'
        ? `the target closed the connection without an answer, most likely during the TLS handshake: ${context.clientCertificate ? 'it may have refused your client certificate' : 'it may require a client certificate (OICP_CLIENT_CERT and OICP_CLIENT_KEY, or OICP_CLIENT_PFX)'}`
        : 'the target closed the connection without an answer',
  },
];

/** Classifies a failed request by its error code (or message) and says, in plain words, what it most likely means. */
export function explainTransportFailure(
  codeOrMessage: { code?: string; message: string },
  context: FailureContext,
): Explanation {
  const url = new URL(context.url);
  const known =
    KNOWN.find((entry) => codeOrMessage.code !== undefined && entry.match.test(codeOrMessage.code)) ??
    KNOWN.find((entry) => entry.match.test(codeOrMessage.message));
  if (!known) return { kind: 'other', explanation: `the request to ${url.host} failed` };
  return { kind: known.kind, explanation: known.explain(url, context) };
}
