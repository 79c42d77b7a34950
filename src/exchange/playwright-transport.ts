import type { APIRequestContext } from '@playwright/test';
import { explainTransportFailure } from './transport-errors.ts';
import { type HttpAnswer, type PreparedRequest, type Transport, TransportError } from './types.ts';

/** Sends through Playwright's APIRequestContext (one per worker; TLS options live on the context). */
export class PlaywrightTransport implements Transport {
  private readonly context: APIRequestContext;

  constructor(context: APIRequestContext) {
    this.context = context;
  }

  async send(request: PreparedRequest, timeoutMs: number): Promise<HttpAnswer> {
    try {
      const response = await this.context.fetch(request.url, {
        method: request.method,
        headers: request.headers,
        data: request.bodyText,
        timeout: timeoutMs,
        failOnStatusCode: false,
        maxRedirects: 0,
      });
      return {
        status: response.status(),
        statusText: response.statusText(),
        headers: response.headers(),
        body: await response.body(),
      };
    } catch (error) {
      // Playwright appends a call log to the message; the first line says what happened.
      const message = (error as Error).message.split('\n')[0] ?? String(error);
      const { kind, explanation } = explainTransportFailure(message, request.url);
      const detail = message.replace(/^apiRequestContext\.fetch:\s*/, '');
      const cause =
        kind === 'timeout'
          ? `no answer within ${timeoutMs} ms`
          : explanation
            ? `${explanation} (${detail})`
            : detail;
      throw new TransportError(kind, request.url, `POST ${request.url} failed: ${cause}`);
    }
  }
}
