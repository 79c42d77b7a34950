import { expect, test } from '@playwright/test';
import { explainTransportFailure } from '../../src/exchange/transport-errors.ts';

const HTTPS = 'https://service-qa.hubject.com/api/oicp/charging/v21/operators/DE*ABC/authorize/start';
const HTTP = 'http://127.0.0.1:8787/api/oicp/charging/v21/operators/DE*ABC/authorize/start';

test('low-level failures are explained in the user terms, with what to set', () => {
  const cases: Array<[string, string, string, RegExp]> = [
    [
      'ssl3_read_bytes:tlsv13 alert certificate required:SSL alert number 116',
      HTTPS,
      'tls',
      /requires a client certificate: set OICP_CLIENT_CERT/,
    ],
    ['tlsv1 alert unknown ca', HTTPS, 'tls', /refused the client certificate/],
    ['self-signed certificate in certificate chain', HTTPS, 'tls', /not trusted: set OICP_CA_CERT/],
    ['unable to get local issuer certificate', HTTPS, 'tls', /not trusted: set OICP_CA_CERT/],
    [
      "Hostname/IP does not match certificate's altnames",
      HTTPS,
      'tls',
      /not issued for service-qa\.hubject\.com/,
    ],
    [
      'connect ECONNREFUSED 127.0.0.1:8787',
      HTTP,
      'connection',
      /nothing accepts connections at 127\.0\.0\.1:8787/,
    ],
    [
      'getaddrinfo ENOTFOUND service-qa.hubject.com',
      HTTPS,
      'connection',
      /service-qa\.hubject\.com cannot be resolved/,
    ],
    ['socket hang up', HTTPS, 'connection', /during the TLS handshake/],
    ['socket hang up', HTTP, 'connection', /closed the connection without an answer/],
    ['Timeout 1300ms exceeded.', HTTP, 'timeout', /no answer in time/],
  ];
  for (const [message, url, kind, explanation] of cases) {
    const result = explainTransportFailure(message, url);
    expect(result.kind, message).toBe(kind);
    expect(result.explanation, message).toMatch(explanation);
  }
  expect(explainTransportFailure('something else entirely', HTTP)).toEqual({ kind: 'other' });
});
