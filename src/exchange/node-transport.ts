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
      let settled = false;
      let answer: HttpAnswer | undefined;
      let received = 0;
      const chunks: Buffer[] = [];
      let kept = 0;

      const finish = (incomplete?: IncompleteBody) => {
        if (settled || !answer) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...answer, body: Buffer.concat(chunks, kept), ...(incomplete ? { incomplete } : {}) });
      };
      const fail = (error: NodeJS.ErrnoException) => {
        if (settled) return;
        if (answer) {
          // The headers arrived: this is an answer whose body broke off, not a missing answer.
          finish({
            reason: 'aborted',
            detail: `the target closed the connection after ${received} body byte(s): the answer is incomplete (${error.code ?? error.message})`,
            receivedBytes: received,
          });
          return;
        }
        settled = true;
        clearTimeout(timer);
        reject(this.transportError(request.url, error));
      };

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
      const timer = setTimeout(() => {
        if (answer) {
          finish({
            reason: 'timeout',
            detail: `the headers arrived after ${Math.round(answer.headersAfterMs ?? 0)} ms, the body was still incomplete after ${timeoutMs} ms (${received} byte(s) received)`,
            receivedBytes: received,
          });
        } else {
          settled = true;
          reject(
            new TransportError(
              'timeout',
              request.url,
              `POST ${request.url}: no answer within ${timeoutMs} ms`,
            ),
          );
        }
        outgoing.destroy();
      }, timeoutMs);

      outgoing.on('error', fail);
      outgoing.on('response', (response) => {
        answer = {
          status: response.statusCode ?? 0,
          statusText: escapeControlCharacters(response.statusMessage ?? ''),
          headers: flattenHeaders(response.headers),
          body: Buffer.alloc(0),
          headersAfterMs: performance.now() - started,
        };
        let stream: Readable = response;
        const decoder = decoderFor(response.headers['content-encoding']);
        if (decoder) {
          stream = response.pipe(decoder);
          decoder.on('error', (error) => {
            finish({
              reason: 'undecodable',
              detail: `the body could not be decoded as ${response.headers['content-encoding']}: ${error.message}`,
              receivedBytes: received,
            });
            outgoing.destroy();
          });
        }
        response.on('aborted', () => fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
        response.on('error', fail);
        stream.on('data', (chunk: Buffer) => {
          if (settled) return;
          received += chunk.length;
          if (kept < EVIDENCE_BYTES || received <= this.options.maxAnswerBytes) {
            chunks.push(chunk);
            kept += chunk.length;
          }
          if (received > this.options.maxAnswerBytes) {
            // Keep the first bytes as evidence; stop reading (and decompressing) at once.
            chunks.splice(0, chunks.length, Buffer.concat(chunks, kept).subarray(0, EVIDENCE_BYTES));
            kept = chunks[0]?.length ?? 0;
            finish({
              reason: 'too-large',
              detail: `the body exceeds the limit of ${this.options.maxAnswerBytes} bytes${decoder ? ' (after decompression)' : ''}; reading stopped`,
              receivedBytes: received,
            });
            outgoing.destroy();
          }
        });
        stream.on('end', () => finish());
      });
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
