import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import tls from 'node:tls';
import zlib from 'node:zlib';
import { escapeControlCharacters } from '../text.ts';
import { explainTransportFailure } from './transport-errors.ts';
import type { TlsSettings } from './types.ts';
import {
  type HttpAnswer,
  type IncompleteBody,
  type PreparedRequest,
  type Transport,
  TransportError,
} from './types.ts';

/** What an incomplete answer keeps of its body as evidence. */
export const EVIDENCE_BYTES = 64 * 1024;

export interface NodeTransportOptions {
  baseUrl: string;
  tls: TlsSettings;
  /** The largest body accepted, counted while reading and after decompression. */
  maxAnswerBytes: number;
}

/**
 * Sends through Node's own HTTP client, one keep-alive agent per worker (TLS material on the agent).
 * Node rather than a higher-level client because the answer is a target's we do not control: the body is
 * read as a stream and cut at the size limit (also after decompression: a gzip bomb stops at the limit),
 * "headers arrived, body incomplete" is told apart from "no answer", errors keep their codes (expired vs
 * untrusted certificate), and redirects are never followed (the body and the client certificate must
 * never go anywhere but the configured target).
 */
export class NodeTransport implements Transport {
  private readonly agent: http.Agent;
  private readonly options: NodeTransportOptions;
  private readonly clientCertificate: boolean;

  constructor(options: NodeTransportOptions) {
    this.options = options;
    const { tls: settings } = options;
    this.clientCertificate = Boolean(settings.pfx || (settings.clientCert && settings.clientKey));
    if (new URL(options.baseUrl).protocol === 'https:') {
      const read = (file: string | undefined) => (file ? fs.readFileSync(file) : undefined);
      const ca = read(settings.caCert);
      this.agent = new https.Agent({
        keepAlive: true,
        cert: read(settings.clientCert),
        key: read(settings.clientKey),
        pfx: read(settings.pfx),
        passphrase: settings.passphrase,
        // An extra CA is trusted in addition to the usual roots, not instead of them.
        ca: ca ? [...tls.rootCertificates, ca.toString('utf8')] : undefined,
        rejectUnauthorized: !settings.insecure,
      });
    } else {
      this.agent = new http.Agent({ keepAlive: true });
    }
  }

  close(): void {
    this.agent.destroy();
  }

  send(request: PreparedRequest, timeoutMs: number): Promise<HttpAnswer> {
    const url = new URL(request.url);
    const started = performance.now();
    const client = url.protocol === 'https:' ? https : http;
    const body = Buffer.from(request.bodyText, 'utf8');
    return new Promise<HttpAnswer>((resolve, reject) => {
      let outgoing: http.ClientRequest;
      try {
        outgoing = client.request(url, {
          method: request.method,
          headers: { ...request.headers, 'Content-Length': String(body.length) },
          agent: this.agent,
        });
      } catch (error) {
        // A header value Node refuses (a line break in it): nothing was sent.
        reject(
          new TransportError(
            'other',
            request.url,
            `POST ${request.url} was not sent: ${(error as Error).message}`,
          ),
        );
        return;
      }
      const pending = new PendingAnswer(outgoing, {
        url: request.url,
        started,
        timeoutMs,
        maxAnswerBytes: this.options.maxAnswerBytes,
        resolve,
        reject,
        transportError: (error) => this.transportError(request.url, error),
      });
      outgoing.on('error', (error) => pending.fail(error));
      outgoing.on('response', (response) => pending.answered(response));
      outgoing.end(body);
    });
  }

  private transportError(url: string, error: NodeJS.ErrnoException): TransportError {
    const { kind, explanation } = explainTransportFailure(
      { code: error.code, message: error.message },
      { url, clientCertificate: this.clientCertificate },
    );
    const detail = escapeControlCharacters([error.code, error.message].filter(Boolean).join(' '));
    return new TransportError(kind, url, `POST ${url} failed: ${explanation} (${detail})`);
  }
}

/** What one request's PendingAnswer needs to know and to call. */
interface PendingAnswerOptions {
  url: string;
  /** When the request started (performance.now()), for headersAfterMs. */
  started: number;
  timeoutMs: number;
  maxAnswerBytes: number;
  resolve: (answer: HttpAnswer) => void;
  reject: (error: TransportError) => void;
  transportError: (error: NodeJS.ErrnoException) => TransportError;
}

/**
 * The answer to one request, while it arrives. It settles once: with the answer, complete or marked
 * incomplete (broken off, too large, undecodable, late), or with a TransportError when no answer came.
 */
class PendingAnswer {
  private readonly outgoing: http.ClientRequest;
  private readonly options: PendingAnswerOptions;
  private readonly timer: NodeJS.Timeout;
  private settled = false;
  private answer: HttpAnswer | undefined;
  private received = 0;
  private readonly chunks: Buffer[] = [];
  private kept = 0;

  constructor(outgoing: http.ClientRequest, options: PendingAnswerOptions) {
    this.outgoing = outgoing;
    this.options = options;
    this.timer = setTimeout(() => this.timeOut(), options.timeoutMs);
  }

  /** The headers arrived: read the body (decompressed) until it ends, breaks off or passes the limit. */
  answered(response: http.IncomingMessage): void {
    this.answer = {
      status: response.statusCode ?? 0,
      statusText: escapeControlCharacters(response.statusMessage ?? ''),
      headers: flattenHeaders(response.headers),
      body: Buffer.alloc(0),
      headersAfterMs: performance.now() - this.options.started,
    };
    const { stream, decompressed } = this.bodyStream(response);
    response.on('aborted', () => this.fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
    response.on('error', (error) => this.fail(error));
    stream.on('data', (chunk: Buffer) => this.read(chunk, decompressed));
    stream.on('end', () => this.finish());
  }

  fail(error: NodeJS.ErrnoException): void {
    if (this.settled) return;
    if (this.answer) {
      // The headers arrived: this is an answer whose body broke off, not a missing answer.
      this.finish({
        reason: 'aborted',
        detail: `the target closed the connection after ${this.received} body byte(s): the answer is incomplete (${error.code ?? error.message})`,
        receivedBytes: this.received,
      });
      return;
    }
    this.settled = true;
    clearTimeout(this.timer);
    this.options.reject(this.options.transportError(error));
  }

  /** The body as it arrives: through a decoder when the answer names a Content-Encoding we know. */
  private bodyStream(response: http.IncomingMessage): { stream: Readable; decompressed: boolean } {
    const encoding = response.headers['content-encoding'];
    const decoder = decoderFor(encoding);
    if (!decoder) return { stream: response, decompressed: false };
    const stream = response.pipe(decoder);
    decoder.on('error', (error) => {
      this.finish({
        reason: 'undecodable',
        detail: `the body could not be decoded as ${encoding}: ${error.message}`,
        receivedBytes: this.received,
      });
      this.outgoing.destroy();
    });
    return { stream, decompressed: true };
  }

  private read(chunk: Buffer, decompressed: boolean): void {
    if (this.settled) return;
    const { maxAnswerBytes } = this.options;
    this.received += chunk.length;
    if (this.kept < EVIDENCE_BYTES || this.received <= maxAnswerBytes) {
      this.chunks.push(chunk);
      this.kept += chunk.length;
    }
    if (this.received > maxAnswerBytes) {
      // Keep the first bytes as evidence; stop reading (and decompressing) at once.
      this.chunks.splice(
        0,
        this.chunks.length,
        Buffer.concat(this.chunks, this.kept).subarray(0, EVIDENCE_BYTES),
      );
      this.kept = this.chunks[0]?.length ?? 0;
      this.finish({
        reason: 'too-large',
        detail: `the body exceeds the limit of ${maxAnswerBytes} bytes${decompressed ? ' (after decompression)' : ''}; reading stopped`,
        receivedBytes: this.received,
      });
      this.outgoing.destroy();
    }
  }

  private timeOut(): void {
    const { url, timeoutMs } = this.options;
    if (this.answer) {
      this.finish({
        reason: 'timeout',
        detail: `the headers arrived after ${Math.round(this.answer.headersAfterMs ?? 0)} ms, the body was still incomplete after ${timeoutMs} ms (${this.received} byte(s) received)`,
        receivedBytes: this.received,
      });
    } else {
      this.settled = true;
      this.options.reject(
        new TransportError('timeout', url, `POST ${url}: no answer within ${timeoutMs} ms`),
      );
    }
    this.outgoing.destroy();
  }

  private finish(incomplete?: IncompleteBody): void {
    if (this.settled || !this.answer) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.options.resolve({
      ...this.answer,
      body: Buffer.concat(this.chunks, this.kept),
      ...(incomplete ? { incomplete } : {}),
    });
  }
}

/** One value per header name (repeated headers joined as HTTP allows), names in lower case. */
function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name] = escapeControlCharacters(Array.isArray(value) ? value.join(', ') : value);
  }
  return flat;
}

/** A decompressing stream for the answer's Content-Encoding (undefined: identity or unknown). */
function decoderFor(
  encoding: string | undefined,
): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}
