import http from 'node:http';

// A hostile target for the secret scans: it echoes every request back in every place an answer has room —
// headers, the reason phrase, a 400 fault text, an HTML 500 page, JSON strings, percent-encoded text — and in
// forms beyond text: the PIN as a JSON number and as an object key, base64 of the PIN and of the whole
// request (standard and URL-safe, unpadded), and credentials of its own in cookie and token headers. The
// scan looks for the scenarios' secrets (and the target's credentials) in every form a target may echo them in.

export const PIN = '5839271604';
export const RAW_BODY_PIN = '7302946185';
export const HASHED_VALUE = 'hashedPinSecretValue42';
export const SALT = 'saltySecret9931';
export const SECRETS = [PIN, RAW_BODY_PIN, HASHED_VALUE, SALT];
/** Credentials of the target's own (a session cookie, a token): masked by header name only. */
export const SESSION_COOKIE = 'targetSessionCookie8812';
export const TARGET_TOKEN = 'targetAuthToken5521';
export const TARGET_CREDENTIALS = [SESSION_COOKIE, TARGET_TOKEN];
/** Everything the scan looks for: the requests' secrets, then the target's credentials. */
const SCANNED = [...SECRETS, ...TARGET_CREDENTIALS];

const base64 = (text: string) => Buffer.from(text).toString('base64');
const base64url = (text: string) => Buffer.from(text).toString('base64url');

/**
 * Every form a secret may be echoed in: as is, percent-encoded (byte by byte), HTML numeric entities, base64
 * (standard, URL-safe unpadded). Base64 of a longer text that holds the secret is found by decoding (leaksIn).
 */
export function secretForms(secret: string): string[] {
  const bytes = [...Buffer.from(secret)];
  return [
    ...new Set([
      secret,
      encodeURIComponent(secret),
      bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
      [...secret].map((c) => `&#${c.codePointAt(0)};`).join(''),
      base64(secret),
      base64url(secret),
    ]),
  ];
}

/** The base64-looking tokens of a text decoded, each at its four alignments (a token may be glued to a prefix). */
function decodedBase64(text: string): string {
  const decoded: string[] = [];
  for (const [token] of text.matchAll(/(?:[A-Za-z0-9+_-]|\\?\/){6,}/g)) {
    const chars = token.replace(/\\/g, '');
    for (let offset = 0; offset < 4; offset++)
      decoded.push(Buffer.from(chars.slice(offset), 'base64').toString('latin1'));
  }
  return decoded.join('\n');
}

/** Where a text holds a secret or a target credential, in any of its forms, also inside decoded base64. */
export function leaksIn(where: string, text: string): string[] {
  const decoded = decodedBase64(text);
  return SCANNED.flatMap((secret, index) => {
    const name =
      index < SECRETS.length ? `secret #${index + 1}` : `credential #${index - SECRETS.length + 1}`;
    return [
      ...secretForms(secret)
        .filter((form) => text.includes(form))
        .map((form) => `${where}: ${name} as ${form === secret ? 'plain text' : 'an encoded form'}`),
      ...(secretForms(secret).some((form) => decoded.includes(form))
        ? [`${where}: ${name} inside base64`]
        : []),
    ];
  });
}

/** The secret a request carries, for the echoes that need it alone: its PIN, or its HashedPIN value. */
function carriedSecret(body: string): string | undefined {
  return /"(?:PIN|Value)"\s*:\s*"([^"]+)"/.exec(body)?.[1];
}

/**
 * The echoes beyond text: the secret as a JSON number and as an object key, base64 of the secret and of the
 * request (URL-safe, unpadded).
 */
function valueEchoes(body: string): Record<string, unknown> {
  const secret = carriedSecret(body);
  return {
    ...(secret === undefined
      ? {}
      : {
          ...(/^\d+$/.test(secret) ? { EchoNumber: Number(secret) } : {}),
          [secret]: true,
          EchoSecretBase64: base64(secret),
        }),
    EchoBase64: base64(body),
    EchoBase64url: base64url(body),
  };
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
      const secret = carriedSecret(body);
      const headers = {
        'X-Echo': compact,
        'X-Echo-Encoded': encodeURIComponent(body),
        'X-Echo-Base64': base64(body),
        'X-Echo-Base64url': base64url(body),
        ...(secret === undefined ? {} : { 'X-Echo-Secret-Base64': base64(secret) }),
        'Process-ID': `pid-${compact.slice(0, 200)}`,
        // The target's own credentials: masked by name, whatever the value.
        'Set-Cookie': `SESSION=${SESSION_COOKIE}; Path=/; HttpOnly`,
        'X-Auth-Token': TARGET_TOKEN,
      };
      const reason = `Echo ${compact.slice(0, 300)}`;
      if (mode === 'fault') {
        res.writeHead(400, reason, { ...headers, 'Content-Type': 'application/json;charset=utf-8' });
        res.end(
          JSON.stringify({
            message: `Error parsing/validating JSON: ${body}`,
            validationErrors: null,
            ...valueEchoes(body),
          }),
        );
      } else if (mode === 'html') {
        res.writeHead(500, reason, { ...headers, 'Content-Type': 'text/html' });
        res.end(
          `<html><body><pre>${htmlEntities(body)}</pre><p>${body.replace(/"/g, '&quot;')}</p><p>${base64(body)}</p></body></html>`,
        );
      } else if (mode === 'percent') {
        res.writeHead(200, reason, { ...headers, 'Content-Type': 'text/plain' });
        res.end(`received=${encodeURIComponent(body)}&b64=${base64url(body)}`);
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
                  ...valueEchoes(body),
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
                  ...valueEchoes(body),
                },
          ),
        );
      }
    });
  });
}
