import { parseMockRegistry } from '../../mock/registry.ts';
import { type RunningMock, startMock } from '../../mock/server.ts';
import { expect, test } from '../support/test.ts';
import { authorizeStartPath, GUID, rfidRequest } from './support.ts';

const MIB = 1024 * 1024;

function postAuthorizeStart(mock: RunningMock, body: string, operatorId = 'DE*ABC'): Promise<Response> {
  return fetch(`${mock.url}${authorizeStartPath(operatorId)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
  });
}

test.describe('the mock over real sockets', () => {
  let mock: RunningMock;

  test.beforeEach(async () => {
    mock = await startMock({ port: 0 });
  });

  test.afterEach(async () => {
    await mock.close();
  });

  test('listens on a random port of 127.0.0.1 and answers the health check', async () => {
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
    expect(mock.port).toBeGreaterThan(0);
    const response = await fetch(`${mock.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(mock.requestCount()).toBe(0);
  });

  test('answers AuthorizeStart with Hubject headers', async () => {
    const response = await postAuthorizeStart(mock, JSON.stringify(rfidRequest('044A2DAA856280')));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json;charset=utf-8');
    expect(response.headers.get('process-id')).toMatch(GUID);
    const text = await response.text();
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(JSON.parse(text)).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE*ICE' });
  });

  test('sends non-ASCII text as UTF-8', async () => {
    const session = 'Ladevorgang-äöü-充电-🔌';
    const response = await postAuthorizeStart(
      mock,
      JSON.stringify(rfidRequest('DEADBEEF', { CPOPartnerSessionID: session })),
    );
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.toString('utf8')).toContain(`"CPOPartnerSessionID":"${session}"`);
  });

  test('counts AuthorizeStart requests only', async () => {
    await fetch(`${mock.url}/health`);
    await fetch(`${mock.url}/api/oicp/charging/v21/operators/DE*ABC/authorize/stop`, {
      method: 'POST',
      body: '{}',
    });
    await fetch(`${mock.url}${authorizeStartPath('DE*ABC')}`);
    expect(mock.requestCount()).toBe(0);

    expect((await postAuthorizeStart(mock, JSON.stringify(rfidRequest('044A2DAA856280')))).status).toBe(200);
    expect((await postAuthorizeStart(mock, 'not json')).status).toBe(400);
    expect((await postAuthorizeStart(mock, '{}', 'DE*ZZZ')).status).toBe(404);
    expect(mock.requestCount()).toBe(3);
  });

  test('refuses a body over 1 MiB with 413 and accepts one of exactly 1 MiB', async () => {
    const json = JSON.stringify(rfidRequest('044A2DAA856280'));
    const exactlyOneMib = json + ' '.repeat(MIB - Buffer.byteLength(json));
    expect((await postAuthorizeStart(mock, exactlyOneMib)).status).toBe(200);

    const response = await postAuthorizeStart(mock, `${exactlyOneMib} `);
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/json;charset=utf-8');
    expect(await response.json()).toEqual({ message: `The request body exceeds ${MIB} bytes` });
    expect(mock.requestCount()).toBe(2);

    // Far over the limit the client must still read the 413 rather than a broken connection.
    expect((await postAuthorizeStart(mock, 'x'.repeat(8 * MIB))).status).toBe(413);
    expect((await fetch(`${mock.url}/health`)).status).toBe(200);
  });

  test('a request body not labelled JSON is 415 (and counted)', async () => {
    const body = JSON.stringify(rfidRequest('044A2DAA856280'));
    for (const contentType of ['text/plain', 'application/xml']) {
      const response = await fetch(`${mock.url}${authorizeStartPath('DE*ABC')}`, {
        method: 'POST',
        headers: { 'Content-Type': contentType },
        body,
      });
      expect(response.status).toBe(415);
      expect(response.headers.get('content-type')).toBe('application/json;charset=utf-8');
      expect(response.headers.get('process-id')).toMatch(GUID);
      expect(await response.json()).toEqual({ message: `Content type '${contentType}' not supported` });
    }
    expect(mock.requestCount()).toBe(2);
  });

  test('the SessionIDs a server issued are its own: sent again they are used, another server refuses them', async () => {
    const first = await postAuthorizeStart(mock, JSON.stringify(rfidRequest('044A2DAA856280')));
    const issued = ((await first.json()) as { SessionID: string }).SessionID;
    const again = await postAuthorizeStart(
      mock,
      JSON.stringify(rfidRequest('AABBCCDD', { SessionID: issued })),
    );
    expect(await again.json()).toMatchObject({ SessionID: issued, AuthorizationStatus: 'Authorized' });
    const other = await startMock({ port: 0 });
    try {
      const refused = await postAuthorizeStart(
        other,
        JSON.stringify(rfidRequest('044A2DAA856280', { SessionID: issued, CPOPartnerSessionID: 'cpo-9' })),
      );
      expect(refused.status).toBe(200);
      expect(await refused.json()).toEqual({
        SessionID: null,
        CPOPartnerSessionID: 'cpo-9',
        EMPPartnerSessionID: null,
        ProviderID: null,
        AuthorizationStatus: 'NotAuthorized',
        StatusCode: { Code: '400', Description: null, AdditionalInfo: null },
        AuthorizationStopIdentifications: null,
      });
    } finally {
      await other.close();
    }
  });

  test('close() is idempotent and stops listening', async () => {
    await mock.close();
    await mock.close();
    await expect(fetch(`${mock.url}/health`)).rejects.toThrow();
  });
});

test.describe('server options', () => {
  test('a fault applies to answers on the wire', async () => {
    const mock = await startMock({ fault: 'http-500' });
    try {
      const response = await postAuthorizeStart(mock, JSON.stringify(rfidRequest('044A2DAA856280')));
      expect(response.status).toBe(500);
    } finally {
      await mock.close();
    }
  });

  test('a slow answer arrives after the configured delay', async () => {
    const mock = await startMock({ fault: 'slow-answer', slowDelayMs: 400 });
    try {
      const started = Date.now();
      const response = await postAuthorizeStart(mock, JSON.stringify(rfidRequest('044A2DAA856280')));
      expect(Date.now() - started).toBeGreaterThanOrEqual(380);
      expect(((await response.json()) as { AuthorizationStatus: string }).AuthorizationStatus).toBe(
        'Authorized',
      );
    } finally {
      await mock.close();
    }
  });

  test('close() does not wait for a pending slow answer', async () => {
    const mock = await startMock({ fault: 'slow-answer', slowDelayMs: 60_000 });
    const pending = postAuthorizeStart(mock, JSON.stringify(rfidRequest('044A2DAA856280'))).then(
      () => 'answered',
      () => 'aborted',
    );
    await expect.poll(() => mock.requestCount()).toBe(1);
    // Let the body arrive so that the delayed answer is really scheduled.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await mock.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await pending).toBe('aborted');
  });

  test('uses a registry passed in', async () => {
    const registry = parseMockRegistry(
      `operators: [{ operatorId: 'DE*QQQ' }]
rfidCards: [{ uid: 'DEADBEEF', outcome: { status: NotAuthorized, code: '103' } }]
contracts: []
`,
      'inline.yaml',
    );
    const mock = await startMock({ registry });
    try {
      expect((await postAuthorizeStart(mock, JSON.stringify(rfidRequest('DEADBEEF')))).status).toBe(404);
      const response = await postAuthorizeStart(mock, JSON.stringify(rfidRequest('DEADBEEF')), 'DE*QQQ');
      expect(((await response.json()) as { StatusCode: { Code: string } }).StatusCode.Code).toBe('103');
    } finally {
      await mock.close();
    }
  });

  test('a port in use is an error', async () => {
    const first = await startMock();
    try {
      await expect(startMock({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
