import http from 'node:http';

// A hostile target for the secret scans: it echoes every request back in every place an answer has room —
// headers, the reason phrase, a 400 fault text, an HTML 500 page, JSON strings, percent-encoded text — and
// the scan looks for the scenarios' secrets in every form a target may echo them in.

export const PIN = '5839271604';
export const RAW_BODY_PIN = '7302946185';
export const HASHED_VALUE = 'hashedPinSecretValue42';
export const SALT = 'saltySecret9931';
export const SECRETS = [PIN, RAW_BODY_PIN, HASHED_VALUE, SALT];

/** Every form a secret may be echoed in: as is, percent-encoded (byte by byte), HTML numeric entities. */
export function secretForms(secret: string): string[] {
  const bytes = [...Buffer.from(secret)];
  return [
    ...new Set([
      secret,
      encodeURIComponent(secret),
      bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
      [...secret].map((c) => `&#${c.codePointAt(0)};`).join(''),
    ]),
  ];
}

/** Where a text holds a secret, in any of its forms. */
export function leaksIn(where: string, text: string): string[] {
  return SECRETS.flatMap((secret, index) =>
    secretForms(secret)
      .filter((form) => text.includes(form))
      .map(
        (form) => `${where}: secret #${index + 1} as ${form === secret ? 'plain text' : 'an encoded form'}`,
      ),
  );
}

/** Every character but letters as an HTML numeric entity. */
export const htmlEntities = (text: string) =>
  text.replace(/[\s\S]/g, (c) => (/[A-Za-z]/.test(c) ? c : `&#${c.codePointAt(0)};`));

export interface EchoOptions {
  /** What a JSON answer says: Authorized (the default), or a refusal with this StatusCode.Code. */
  refusalCode?: string;
  /** Told every request body the target received. */
  received?: (body: string) => void;
}

/**
 * Echoes each request everywhere an answer has room; the request's CPOPartnerSessionID picks the kind of
 * answer: `fault` (HTTP 400 fault text), `html` (HTTP 500 page), `percent` (a percent-encoded text), else JSON.
 */
export function echoTarget(options: EchoOptions = {}): http.Server {
  return http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      options.received?.(body);
      const mode = /"CPOPartnerSessionID":"([a-z-]+)"/.exec(body)?.[1] ?? 'raw';
      const compact = body.replace(/[\r\n]/g, ' ');
      const headers = {
        'X-Echo': compact,
        'X-Echo-Encoded': encodeURIComponent(body),
        'Process-ID': `pid-${compact.slice(0, 200)}`,
      };
      const reason = `Echo ${compact.slice(0, 300)}`;
      if (mode === 'fault') {
        res.writeHead(400, reason, { ...headers, 'Content-Type': 'application/json;charset=utf-8' });
        res.end(
          JSON.stringify({ message: `Error parsing/validating JSON: ${body}`, validationErrors: null }),
        );
      } else if (mode === 'html') {
        res.writeHead(500, reason, { ...headers, 'Content-Type': 'text/html' });
        res.end(
          `<html><body><pre>${htmlEntities(body)}</pre><p>${body.replace(/"/g, '&quot;')}</p></body></html>`,
        );
      } else if (mode === 'percent') {
        res.writeHead(200, reason, { ...headers, 'Content-Type': 'text/plain' });
        res.end(`received=${encodeURIComponent(body)}`);
      } else {
        res.writeHead(200, reason, { ...headers, 'Content-Type': 'application/json;charset=utf-8' });
        res.end(
          JSON.stringify(
            options.refusalCode === undefined
              ? {
                  AuthorizationStatus: 'Authorized',
                  StatusCode: { Code: '000', Description: null, AdditionalInfo: `you sent ${body}` },
                  SessionID: 'b2688855-7f00-0000-0000-000000000000',
                  ProviderID: 'DE*ICE',
                }
              : {
                  AuthorizationStatus: 'NotAuthorized',
                  StatusCode: {
                    Code: options.refusalCode,
                    Description: `you sent ${body}`,
                    AdditionalInfo: encodeURIComponent(body),
                  },
                  SessionID: null,
                  ProviderID: null,
                },
          ),
        );
      }
    });
  });
}
