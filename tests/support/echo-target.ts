import http from 'node:http';

// A hostile target for the secret scans: it echoes every request back in every place an answer has room —
// headers, the reason phrase, a 400 fault text, an HTML 500 page, JSON strings, percent-encoded text — and in
// forms beyond text: the PIN as a JSON number and as an object key, base64 of the PIN and of the whole
// request (standard and URL-safe, unpadded), and credentials of its own in cookie and token headers. The
// scan looks for the scenarios' secrets (and the target's credentials) in every form a target may echo them in.
// With `markdown: true` it also answers in Markdown and HTML aimed at the report (hostileMarkdown).

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

/**
 * Markdown and HTML that make a report fetch or link `origin` (the target itself) and other hosts, if a report
 * renders them as Markdown: an image first (a value may be cut after some 160 characters), raw HTML images,
 * a link, an autolink, a bare URL, a `www.` host, a script, an iframe, a table pipe and backticks. `place`
 * names where the target put it, in every URL, so that a fetch would say which value escaped.
 */
export function hostileMarkdown(origin: string, place: string): string {
  const url = (form: string) => `${origin}/md-${place}-${form}`;
  return [
    `![${place}](${url('image')})`,
    `<img src="${url('raw-image')}">`,
    `<img src=http://hostile.invalid/${place}.png>`,
    `[${place}](${url('link')})`,
    `<${url('autolink')}>`,
    url('bare'),
    `www.hostile-${place}.com/page`,
    `<script src="${url('script')}"></script>`,
    `<iframe src="${url('iframe')}"></iframe>`,
    `| ${place} | cell |`,
    '`tick`',
  ].join(' ');
}

export interface EchoOptions {
  /** What a JSON answer says: Authorized (the default), or a refusal with this StatusCode.Code. */
  refusalCode?: string;
  /**
   * Hostile Markdown (hostileMarkdown) in the reason phrase and the Process-ID header of every answer, and a
   * request with CPOPartnerSessionID `markdown` gets a refusal with it in every field, a SessionID (which
   * raises an advisory) and an object key included, and line breaks before a block of its own in the
   * Description.
   */
  markdown?: boolean;
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
      const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
      const hostile = (place: string) => (options.markdown ? `${hostileMarkdown(origin, place)} ` : '');
      const headers = {
        'X-Echo': compact,
        'X-Echo-Encoded': encodeURIComponent(body),
        'X-Echo-Base64': base64(body),
        'X-Echo-Base64url': base64url(body),
        ...(secret === undefined ? {} : { 'X-Echo-Secret-Base64': base64(secret) }),
        'Process-ID': `${hostile('process-id')}pid-${compact.slice(0, 200)}`,
        // The target's own credentials: masked by name, whatever the value.
        'Set-Cookie': `SESSION=${SESSION_COOKIE}; Path=/; HttpOnly`,
        'X-Auth-Token': TARGET_TOKEN,
      };
      const reason = `${hostile('reason')}Echo ${compact.slice(0, 300)}`;
      if (mode === 'markdown' && options.markdown) {
        res.writeHead(200, reason, { ...headers, 'Content-Type': 'application/json;charset=utf-8' });
        res.end(
          JSON.stringify({
            AuthorizationStatus: 'NotAuthorized',
            StatusCode: {
              Code: hostile('code'),
              Description: `${hostile('description')}\n\n![block](${origin}/md-block-image)\n\n<img src="${origin}/md-block-raw-image">\n`,
              AdditionalInfo: hostile('additional-info'),
            },
            SessionID: hostile('session-id'),
            ProviderID: hostile('provider-id'),
            EMPPartnerSessionID: hostile('emp-partner-session-id'),
            [hostile('key')]: true,
          }),
        );
      } else if (mode === 'fault') {
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
