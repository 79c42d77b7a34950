import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  answerAuthorizeStart,
  authorizeStartOperatorId,
  faultBodyResponse,
  isAuthorizeStartRequest,
  jsonResponse,
} from './answer.ts';
import type { FaultName } from './faults.ts';
import { loadMockRegistry, type MockRegistry } from './registry.ts';
import { Replayer, type ReplayLog, type ReplayOptions } from './replay.ts';
import { IssuedSessionIds } from './sessions.ts';
import type { MockContext, MockResponse } from './types.ts';

export const DEFAULT_SLOW_DELAY_MS = 11_000;
const MAX_BODY_BYTES = 1024 * 1024;

export interface MockTlsFiles {
  /** PEM file of the server certificate. */
  cert: string;
  /** PEM file of the server's private key. */
  key: string;
  /** PEM file of the CA that client certificates must be issued by. */
  ca: string;
}

export interface MockServerOptions {
  /** 0 picks a random free port. */
  port?: number;
  host?: string;
  fault?: FaultName | null;
  /**
   * A fault mode per OperatorID of the request URL (instead of `fault` for those operators): one mock, one
   * run, many fault modes side by side, each acting on its own operator's scenarios (the mutation tests).
   */
  faultsByOperator?: Readonly<Record<string, FaultName>>;
  slowDelayMs?: number;
  registry?: MockRegistry;
  tls?: MockTlsFiles;
  /** Answer from a recorded run instead (mock/replay.ts); excludes a fault mode. */
  replay?: ReplayLog;
  replayTiming?: ReplayOptions['timing'];
}

export interface RunningMock {
  url: string;
  port: number;
  /** AuthorizeStart requests received so far (health checks and other routes do not count). */
  requestCount(): number;
  close(): Promise<void>;
}

export async function startMock(options: MockServerOptions = {}): Promise<RunningMock> {
  const host = options.host ?? '127.0.0.1';
  const context: MockContext = {
    registry: options.registry ?? loadMockRegistry(),
    fault: options.fault ?? null,
    slowDelayMs: options.slowDelayMs ?? DEFAULT_SLOW_DELAY_MS,
    tls: options.tls !== undefined,
    sessions: new IssuedSessionIds(),
  };
  if (options.replay && options.fault)
    throw new Error('a replay answers as recorded: it takes no fault mode');
  const replayer = options.replay
    ? new Replayer(options.replay, { timing: options.replayTiming })
    : undefined;
  let authorizeStartRequests = 0;
  const pendingAnswers = new Set<NodeJS.Timeout>();
  const openSockets = new Set<Socket>();

  const send = (res: http.ServerResponse, answer: MockResponse): void => {
    if (answer.drop) {
      res.socket?.destroy();
      return;
    }
    const body = Buffer.from(answer.body, answer.encoding ?? 'utf8');
    const headers = { ...answer.headers, 'Content-Length': String(body.length) };
    if (answer.reason === undefined) res.writeHead(answer.status, headers);
    else res.writeHead(answer.status, answer.reason, headers);
    res.end(body);
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    if (method === 'GET' && target.split('?')[0] === '/health') {
      send(res, jsonResponse(200, { status: 'ok' }));
      return;
    }
    if (isAuthorizeStartRequest(method, target)) authorizeStartRequests += 1;

    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      receivedBytes += chunk.length;
      if (receivedBytes > MAX_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        // Answer at once; the rest of the body is still read (and dropped) so the client sees the 413.
        send(res, faultBodyResponse(413, `The request body exceeds ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) return;
      const request = {
        method,
        path: target,
        headers: flattenHeaders(req.headers),
        body: Buffer.concat(chunks).toString('utf8'),
        clientIdentity: context.tls ? clientCertificateIdentity(req.socket as TLSSocket) : null,
      };
      // Replay answers from the recording; otherwise the mock's own behaviour (and fault mode — one per
      // OperatorID when asked) decides.
      const operatorId = authorizeStartOperatorId(target);
      const fault = (operatorId && options.faultsByOperator?.[operatorId]) || context.fault;
      const answer = replayer
        ? replayer.answer(request)
        : answerAuthorizeStart(request, fault === context.fault ? context : { ...context, fault });
      if (!answer.delayMs) {
        send(res, answer);
        return;
      }
      const timer = setTimeout(() => {
        pendingAnswers.delete(timer);
        if (!res.destroyed) send(res, answer);
      }, answer.delayMs);
      pendingAnswers.add(timer);
    });
  };

  const server = options.tls ? createTlsServer(options.tls, handle) : http.createServer(handle);
  server.on('connection', (socket: Socket) => {
    openSockets.add(socket);
    socket.on('close', () => openSockets.delete(socket));
  });
  // A refused client certificate is the client's failure, not the mock's: keep serving.
  server.on('tlsClientError', () => {});

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const scheme = options.tls ? 'https' : 'http';
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `${scheme}://${urlHost}:${port}`,
    port,
    requestCount: () => authorizeStartRequests,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of pendingAnswers) clearTimeout(timer);
        pendingAnswers.clear();
        server.close(() => resolve());
        for (const socket of openSockets) socket.destroy();
      });
      return closing;
    },
  };
}

function createTlsServer(files: MockTlsFiles, handle: http.RequestListener): https.Server {
  const pems = readTlsFiles(files);
  try {
    return https.createServer({ ...pems, requestCert: true, rejectUnauthorized: true }, handle);
  } catch (error) {
    throw new Error(
      `The mock's TLS files do not fit together (certificate ${files.cert}, private key ${files.key}, ` +
        `CA ${files.ca}): ${(error as Error).message}`,
    );
  }
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers))
    flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

function clientCertificateIdentity(socket: TLSSocket): string | null {
  const commonName = socket.getPeerCertificate?.()?.subject?.CN;
  if (typeof commonName === 'string') return commonName;
  // A certificate with several CNs names no single operator.
  return null;
}

/** Reads and checks the PEM files one by one, so that a problem names the file it is in. */
export function readTlsFiles(files: MockTlsFiles): { cert: string; key: string; ca: string } {
  const read = (role: string, file: string, check: (pem: string) => void): string => {
    let pem: string;
    try {
      pem = fs.readFileSync(file, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
      throw new Error(`Cannot read the mock's TLS ${role} file ${file}: ${reason}`);
    }
    try {
      check(pem);
    } catch (error) {
      throw new Error(`The mock's TLS ${role} file ${file} is not usable: ${(error as Error).message}`);
    }
    return pem;
  };
  return {
    cert: read('certificate', files.cert, (pem) => new X509Certificate(pem)),
    key: read('private key', files.key, (pem) => createPrivateKey(pem)),
    ca: read('CA certificate', files.ca, (pem) => new X509Certificate(pem)),
  };
}
