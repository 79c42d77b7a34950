import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { type RunningMock, readTlsFiles, startMock } from '../../mock/server.ts';
import { type TestPki, testPki } from '../support/pki.ts';
import { expect, test } from '../support/test.ts';
import { authorizeStartPath, rfidRequest } from './support.ts';

const UNAUTHORIZED_ACCESS =
  '{"StatusCode":{"Code":"017","Description":"Unauthorized Access","AdditionalInfo":null}}';

interface ClientCredentials {
  cert: Buffer;
  key: Buffer;
}

/** The PEM files of a test client, read for node:https. */
function credentials(pki: TestPki, name: 'abc' | 'oth' | 'rogue'): ClientCredentials {
  const files = pki.client(name);
  return { cert: fs.readFileSync(files.cert), key: fs.readFileSync(files.key) };
}

interface HttpsAnswer {
  status: number;
  body: string;
}

function post(
  mock: RunningMock,
  pki: TestPki,
  operatorId: string,
  body: unknown,
  client?: ClientCredentials,
): Promise<HttpsAnswer> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${mock.url}${authorizeStartPath(operatorId)}`,
      {
        method: 'POST',
        ca: fs.readFileSync(pki.caCert),
        ...client,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

// Codes of a connection the server refused. A client that distrusts the server certificate fails with
// other codes (UNABLE_TO_VERIFY_LEAF_SIGNATURE, ERR_TLS_CERT_ALTNAME_INVALID, ...), which must not count.
const SERVER_REFUSED = /^(ERR_SSL_.*ALERT.*|ECONNRESET|EPIPE)$/;

async function refusal(answer: Promise<HttpsAnswer>): Promise<string> {
  try {
    const { status } = await answer;
    return `answered with HTTP ${status}`;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

test.describe('HTTPS with client certificates', () => {
  test.describe.configure({ mode: 'default' });

  let pki: TestPki;
  let mock: RunningMock;

  test.beforeAll(async () => {
    pki = testPki();
    mock = await startMock({ tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert } });
  });

  test.afterAll(async () => {
    await mock?.close();
  });

  test('serves https on 127.0.0.1', () => {
    expect(mock.url).toBe(`https://127.0.0.1:${mock.port}`);
  });

  test('refuses a client without a certificate', async () => {
    const before = mock.requestCount();
    const failure = await refusal(post(mock, pki, 'DE*ABC', rfidRequest('044A2DAA856280')));
    expect(failure).toMatch(SERVER_REFUSED);
    expect(mock.requestCount()).toBe(before);
  });

  test('refuses a certificate from another CA', async () => {
    const before = mock.requestCount();
    const failure = await refusal(
      post(mock, pki, 'DE*ABC', rfidRequest('044A2DAA856280'), credentials(pki, 'rogue')),
    );
    expect(failure).toMatch(SERVER_REFUSED);
    expect(mock.requestCount()).toBe(before);
  });

  test('a certificate for DE*OTH may not act for DE*ABC (401, code 017)', async () => {
    const answer = await post(mock, pki, 'DE*ABC', rfidRequest('044A2DAA856280'), credentials(pki, 'oth'));
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toEqual({
      StatusCode: { Code: '017', Description: 'Unauthorized Access', AdditionalInfo: null },
    });
  });

  test('a certificate for DE*ABC is authorized for its own operator ids', async () => {
    const own = await post(mock, pki, 'DE*ABC', rfidRequest('044A2DAA856280'), credentials(pki, 'abc'));
    expect(own.status).toBe(200);
    expect(JSON.parse(own.body)).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE*ICE' });

    const sibling = await post(
      mock,
      pki,
      '+49*810',
      rfidRequest('044A2DAA856280', { OperatorID: '+49*810' }),
      credentials(pki, 'abc'),
    );
    expect(sibling.status).toBe(200);
  });

  test('the certificate comes before the operator: an OperatorID it does not own is 401 even when no partner has it', async () => {
    // OICP 2.3 CPO, 01 Communication Paradigms, Security: the partner identification "is performed at the
    // beginning of every web service operation".
    for (const client of ['abc', 'oth'] as const) {
      const answer = await post(
        mock,
        pki,
        'DE*ZZZ',
        rfidRequest('044A2DAA856280', { OperatorID: 'DE*ZZZ' }),
        credentials(pki, client),
      );
      expect(answer.status, client).toBe(401);
      expect(answer.body).toBe(UNAUTHORIZED_ACCESS);
    }
  });

  test('without client certificates (plain HTTP) an unknown operator is 404 with code 300', async () => {
    const plain = await startMock();
    try {
      const response = await fetch(`${plain.url}${authorizeStartPath('DE*ZZZ')}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(rfidRequest('044A2DAA856280', { OperatorID: 'DE*ZZZ' })),
      });
      expect(response.status).toBe(404);
      expect(await response.text()).toBe(
        '{"StatusCode":{"Code":"300","Description":"Partner not found","AdditionalInfo":null}}',
      );
    } finally {
      await plain.close();
    }
  });

  test('a body OperatorID of another operator is 401 even with the right URL', async () => {
    const answer = await post(
      mock,
      pki,
      'DE*ABC',
      rfidRequest('044A2DAA856280', { OperatorID: 'DE*OTH' }),
      credentials(pki, 'abc'),
    );
    expect(answer.status).toBe(401);
  });
});

test.describe('TLS file problems name the file', () => {
  test.describe.configure({ mode: 'default' });

  let pki: TestPki;

  test.beforeAll(() => {
    pki = testPki();
  });

  test('the PEM files are read when they are fine', () => {
    const pems = readTlsFiles({ cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert });
    expect(pems.cert).toContain('BEGIN CERTIFICATE');
    expect(pems.key).toContain('PRIVATE KEY');
  });

  test('a missing file', async () => {
    const missing = path.join(pki.dir, 'missing.crt');
    await expect(startMock({ tls: { cert: missing, key: pki.serverKey, ca: pki.caCert } })).rejects.toThrow(
      `Cannot read the mock's TLS certificate file ${missing}: file not found`,
    );
  });

  test('a file that is not what it should be', async () => {
    await expect(
      startMock({ tls: { cert: pki.serverCert, key: pki.caCert, ca: pki.caCert } }),
    ).rejects.toThrow(`The mock's TLS private key file ${pki.caCert} is not usable`);
    await expect(
      startMock({ tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.serverKey } }),
    ).rejects.toThrow(`The mock's TLS CA certificate file ${pki.serverKey} is not usable`);
  });

  test('a key that does not belong to the certificate', async () => {
    await expect(
      startMock({ tls: { cert: pki.serverCert, key: path.join(pki.dir, 'client-abc.key'), ca: pki.caCert } }),
    ).rejects.toThrow(/do not fit together \(certificate .*server\.crt, private key .*client-abc\.key/);
  });
});
