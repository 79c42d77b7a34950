import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import zlib from 'node:zlib';
import { EVIDENCE_BYTES, NodeTransport } from '../../src/exchange/node-transport.ts';
import { decodeAnswer, prepareRequest } from '../../src/exchange/request.ts';
import type { TlsSettings } from '../../src/exchange/types.ts';
import { TransportError } from '../../src/exchange/types.ts';
import { type Listening, listen } from '../support/listen.ts';
import { type TestPki, testPki } from '../support/pki.ts';
import { expect, test } from '../support/test.ts';
import { buildScenario } from '../unit/helpers/exchange.ts';

// The transport against small hostile servers of the test's own: every answer is bounded in size and
// time, "headers arrived, body incomplete" is told apart from "no answer", and every failure is
// explained in plain words.

const NO_TLS: TlsSettings = { insecure: false };
const MAX = 64 * 1024;

async function exchange(
  server: Listening,
  options: { timeoutMs?: number; tls?: TlsSettings; max?: number } = {},
) {
  const transport = new NodeTransport({
    baseUrl: server.url,
    tls: options.tls ?? NO_TLS,
    maxAnswerBytes: options.max ?? MAX,
  });
  try {
    return await transport.send(prepareRequest(buildScenario(), server.url), options.timeoutMs ?? 2_000);
  } finally {
    transport.close();
  }
}

async function failure(
  server: Listening,
  options: Parameters<typeof exchange>[1] = {},
): Promise<TransportError> {
  try {
    await exchange(server, options);
  } catch (error) {
    expect(error).toBeInstanceOf(TransportError);
    return error as TransportError;
  }
  throw new Error('expected a transport failure');
}

test.describe('bounded answers', () => {
  test('an answer over the size limit is cut at the limit, its first bytes kept', async () => {
    const server = await listen(
      http.createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        // 4 MiB announced and written: the transport stops reading after MAX.
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        for (let i = 0; i < 64; i++) res.write(chunk);
        res.end();
      }),
    );
    try {
      const answer = await exchange(server);
      expect(answer.status).toBe(200);
      expect(answer.incomplete?.reason).toBe('too-large');
      expect(answer.incomplete?.detail).toContain(`exceeds the limit of ${MAX} bytes`);
      expect(answer.body.length).toBeLessThanOrEqual(EVIDENCE_BYTES);
      expect(answer.body.subarray(0, 4).toString()).toBe('aaaa');
      expect(decodeAnswer(answer).jsonError).toContain('the body is incomplete');
    } finally {
      await server.close();
    }
  });

  test('a gzip bomb stops at the limit after decompression', async () => {
    // 200 MiB of zeros in about 200 KiB; inflated whole they would swamp the worker. A gzip stream may hold
    // members one after another, each decoded in turn: 200 members of 1 MiB each, made in milliseconds (one
    // member of 200 MiB takes seconds to compress).
    const member = zlib.gzipSync(Buffer.alloc(1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 200 }, () => member));
    const server = await listen(
      http.createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
        res.end(bomb);
      }),
    );
    try {
      const before = process.memoryUsage().rss;
      const answer = await exchange(server);
      expect(answer.incomplete?.reason).toBe('too-large');
      expect(answer.incomplete?.detail).toContain('after decompression');
      expect(answer.incomplete?.receivedBytes).toBeLessThan(MAX + 1024 * 1024);
      expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
    } finally {
      await server.close();
    }
  });

  test('a compressed answer within the limit is decoded', async () => {
    const server = await listen(
      http.createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
        res.end(zlib.gzipSync('{"AuthorizationStatus":"NotAuthorized"}'));
      }),
    );
    try {
      const answer = await exchange(server);
      expect(answer.incomplete).toBeUndefined();
      expect(answer.body.toString()).toBe('{"AuthorizationStatus":"NotAuthorized"}');
    } finally {
      await server.close();
    }
  });

  test('an endless chunked body: the headers arrived, the body is incomplete at the deadline', async () => {
    let timer: NodeJS.Timeout | undefined;
    const server = await listen(
      http.createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"AuthorizationStatus":');
        timer = setInterval(() => res.write(' '), 20);
      }),
    );
    try {
      const answer = await exchange(server, { timeoutMs: 400 });
      expect(answer.status).toBe(200);
      expect(answer.headersAfterMs).toBeLessThan(400);
      expect(answer.incomplete?.reason).toBe('timeout');
      expect(answer.incomplete?.detail).toMatch(
        /headers arrived after \d+ ms, the body was still incomplete after 400 ms/,
      );
    } finally {
      clearInterval(timer);
      await server.close();
    }
  });

  test('a target that accepts and never answers: no answer, not an incomplete one', async () => {
    const server = await listen(net.createServer(() => {}));
    try {
      const error = await failure(server, { timeoutMs: 300 });
      expect(error.kind).toBe('timeout');
      expect(error.message).toContain('no answer within 300 ms');
    } finally {
      await server.close();
    }
  });

  test('a body the target breaks off is an incomplete answer, not a missing one', async () => {
    const server = await listen(
      net.createServer((socket) => {
        socket.once('data', () => {
          socket.write(
            'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"Auth',
          );
          setTimeout(() => socket.destroy(), 30);
        });
      }),
    );
    try {
      const answer = await exchange(server);
      expect(answer.incomplete?.reason).toBe('aborted');
      expect(answer.incomplete?.detail).toContain('closed the connection after 6 body byte(s)');
    } finally {
      await server.close();
    }
  });

  test('control characters of a reason phrase and of header values are escaped', async () => {
    const server = await listen(
      net.createServer((socket) => {
        socket.once('data', () =>
          socket.end(
            'HTTP/1.1 200 OK\u001b[31m\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
          ),
        );
      }),
    );
    try {
      const answer = await exchange(server);
      expect(answer.statusText).toBe('OK\\u001b[31m');
    } finally {
      await server.close();
    }
  });

  test('a redirect is an answer: never followed', async () => {
    let followed = false;
    const target = await listen(
      http.createServer((_req, res) => {
        followed = true;
        res.end('{}');
      }),
    );
    const server = await listen(
      http.createServer((_req, res) => {
        res.writeHead(307, { Location: `${target.url}/collect` });
        res.end();
      }),
    );
    try {
      const answer = await exchange(server);
      expect(answer.status).toBe(307);
      expect(answer.headers.location).toBe(`${target.url}/collect`);
      expect(followed).toBe(false);
    } finally {
      await server.close();
      await target.close();
    }
  });
});

test.describe('failures explained', () => {
  test('connection refused', async () => {
    const server = await listen(net.createServer());
    const url = server.url;
    await server.close();
    const error = await failure({ url, port: server.port, close: async () => {} });
    expect(error.kind).toBe('refused');
    expect(error.message).toContain(`nothing accepts connections at ${new URL(url).host}`);
  });

  test('what comes back is not HTTP', async () => {
    const server = await listen(net.createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n')));
    try {
      const error = await failure(server);
      expect(error.kind).toBe('not-http');
      expect(error.message).toMatch(/is not HTTP: is it the right port, or does it speak HTTPS/);
    } finally {
      await server.close();
    }
  });

  test('an https URL on a plain-HTTP port', async () => {
    const server = await listen(http.createServer((_req, res) => res.end('{}')));
    try {
      const error = await failure({ ...server, url: server.url.replace('http:', 'https:') });
      expect(error.kind).toBe('not-http');
      expect(error.message).toContain('does not speak TLS: is it a plain-HTTP port? Then use http://');
      expect(error.message).not.toMatch(/client certificate/);
    } finally {
      await server.close();
    }
  });
});

test.describe('TLS failures, each with its own advice', () => {
  // One worker, in order, with the worker's throwaway PKI (made by the openssl CLI, it takes a second).
  test.describe.configure({ mode: 'default' });
  let pki: TestPki;
  test.beforeAll(() => {
    pki = testPki();
  });

  async function httpsServer(cert: { cert: string; key: string }, requestCert = false) {
    return listen(
      https.createServer(
        {
          cert: fs.readFileSync(cert.cert),
          key: fs.readFileSync(cert.key),
          ca: fs.readFileSync(pki.caCert),
          requestCert,
          rejectUnauthorized: requestCert,
        },
        (_req, res) => res.end('{}'),
      ),
      'https',
    );
  }

  const cases: Array<[name: string, kind: 'expired' | 'future' | 'wrong-host', advice: RegExp]> = [
    ['an expired server certificate', 'expired', /has expired: the target must renew it/],
    ['a server certificate not valid yet', 'future', /not valid yet: check this machine's clock/],
    ['a server certificate for another host', 'wrong-host', /not issued for 127\.0\.0\.1/],
  ];
  for (const [name, kind, advice] of cases) {
    test(name, async () => {
      const server = await httpsServer(pki.serverVariant(kind));
      try {
        const error = await failure(server, { tls: { insecure: false, caCert: pki.caCert } });
        expect(error.kind).toBe('tls');
        expect(error.message).toMatch(advice);
        expect(error.message).not.toContain('set OICP_CA_CERT');
      } finally {
        await server.close();
      }
    });
  }

  test('a server certificate of a CA nobody named', async () => {
    const server = await httpsServer({ cert: pki.serverCert, key: pki.serverKey });
    try {
      const error = await failure(server);
      expect(error.message).toMatch(/not issued by a CA this machine trusts: set OICP_CA_CERT/);
    } finally {
      await server.close();
    }
  });

  test('a target that requires a client certificate, with none configured and with a foreign one', async () => {
    const server = await httpsServer({ cert: pki.serverCert, key: pki.serverKey }, true);
    try {
      const none = await failure(server, { tls: { insecure: false, caCert: pki.caCert } });
      expect(none.message).toMatch(/requires a client certificate|may require a client certificate/);
      expect(none.message).not.toMatch(/refused your client certificate/);
      const rogue = pki.client('rogue');
      const foreign = await failure(server, {
        tls: { insecure: false, caCert: pki.caCert, clientCert: rogue.cert, clientKey: rogue.key },
      });
      expect(foreign.message).toMatch(/refused your client certificate/);
    } finally {
      await server.close();
    }
  });

  test('a trusted server and a registered client certificate: an answer', async () => {
    const server = await httpsServer({ cert: pki.serverCert, key: pki.serverKey }, true);
    try {
      const client = pki.client('abc');
      const answer = await exchange(server, {
        tls: { insecure: false, caCert: pki.caCert, clientCert: client.cert, clientKey: client.key },
      });
      expect(answer.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
