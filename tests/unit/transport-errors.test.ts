import { explainTransportFailure } from '../../src/exchange/transport-errors.ts';
import { escapeControlCharacters } from '../../src/text.ts';
import { expect, test } from '../support/test.ts';

const HTTPS = 'https://service-qa.hubject.com/api/oicp/charging/v21/operators/DE*ABC/authorize/start';
const HTTP = 'http://127.0.0.1:8787/api/oicp/charging/v21/operators/DE*ABC/authorize/start';

type Case = [
  code: string | undefined,
  message: string,
  url: string,
  clientCert: boolean,
  kind: string,
  advice: RegExp,
];

test('low-level failures are classified by their code and explained with what to do', () => {
  const cases: Case[] = [
    [
      undefined,
      'ssl3_read_bytes:tlsv13 alert certificate required:SSL alert number 116',
      HTTPS,
      false,
      'tls',
      /requires a client certificate: set OICP_CLIENT_CERT/,
    ],
    [
      undefined,
      'ssl3_read_bytes:tlsv13 alert certificate required:SSL alert number 116',
      HTTPS,
      true,
      'tls',
      /refused your client certificate/,
    ],
    [undefined, 'tlsv1 alert unknown ca', HTTPS, true, 'tls', /refused your client certificate/],
    [
      'CERT_HAS_EXPIRED',
      'certificate has expired',
      HTTPS,
      false,
      'tls',
      /has expired: the target must renew it/,
    ],
    [
      'CERT_NOT_YET_VALID',
      'certificate is not yet valid',
      HTTPS,
      false,
      'tls',
      /not valid yet: check this machine's clock/,
    ],
    [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      "Hostname/IP does not match certificate's altnames",
      HTTPS,
      false,
      'tls',
      /not issued for service-qa\.hubject\.com/,
    ],
    [
      'SELF_SIGNED_CERT_IN_CHAIN',
      'self-signed certificate in certificate chain',
      HTTPS,
      false,
      'tls',
      /set OICP_CA_CERT/,
    ],
    [
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      'unable to get local issuer certificate',
      HTTPS,
      false,
      'tls',
      /set OICP_CA_CERT/,
    ],
    [
      'ERR_SSL_WRONG_VERSION_NUMBER',
      'wrong version number',
      HTTPS,
      false,
      'not-http',
      /does not speak TLS: .*use http:\/\//,
    ],
    [
      'ECONNREFUSED',
      'connect ECONNREFUSED 127.0.0.1:8787',
      HTTP,
      false,
      'refused',
      /nothing accepts connections at 127\.0\.0\.1:8787/,
    ],
    [
      'ENOTFOUND',
      'getaddrinfo ENOTFOUND service-qa.hubject.com',
      HTTPS,
      false,
      'unknown-host',
      /service-qa\.hubject\.com cannot be resolved/,
    ],
    ['ECONNRESET', 'socket hang up', HTTPS, false, 'connection', /may require a client certificate/],
    ['ECONNRESET', 'socket hang up', HTTPS, true, 'connection', /may have refused your client certificate/],
    ['ECONNRESET', 'socket hang up', HTTP, false, 'connection', /closed the connection without an answer/],
    [
      'HPE_INVALID_CONSTANT',
      'Parse Error: Expected HTTP/',
      HTTP,
      false,
      'not-http',
      /not HTTP: is it the right port, or does it speak HTTPS/,
    ],
  ];
  for (const [code, message, url, clientCertificate, kind, advice] of cases) {
    const result = explainTransportFailure({ code, message }, { url, clientCertificate });
    expect(result.kind, `${code} ${message}`).toBe(kind);
    expect(result.explanation, `${code} ${message}`).toMatch(advice);
  }
  // "client certificate refused" only when one was configured.
  const without = explainTransportFailure(
    { message: 'alert handshake failure' },
    { url: HTTPS, clientCertificate: false },
  );
  expect(without.explanation).not.toMatch(/refused your/);
  expect(
    explainTransportFailure({ message: 'something else entirely' }, { url: HTTP, clientCertificate: false })
      .kind,
  ).toBe('other');
});

test('control characters are escaped, printable text is kept', () => {
  expect(escapeControlCharacters('OK\u0000\u001b[31mred\u007f\r\n\ttab äöü')).toBe(
    'OK\\u0000\\u001b[31mred\\u007f\r\n\ttab äöü',
  );
});
