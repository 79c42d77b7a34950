/**
 * Secrets never reach a report, a log or the console. The secrets of a scenario are the profile's secret
 * values, the passphrase of the client key, and every secret-bearing value of the request it sends (PIN,
 * HashedPIN value and salt, also inside a raw body). They are masked wherever they stand — request and
 * answer bodies, answer headers, the reason phrase, check messages — and in the encodings a target may
 * echo them in: JSON string escapes, percent-encoding, HTML entities, base64 (standard and URL-safe, padded
 * or not, also of a whole request that carries a secret).
 *
 * In JSON, masking works over values, not only strings: a number whose decimal text is a secret, or contains
 * a secret of at least 4 characters (`"Echo": 7391`, `"Echo": 173910`), or equals a secret of digits as a
 * number (`739` for the PIN `0739`), becomes the masking string; an object key is masked like a string
 * (`{"7391": true}` → `{"***": true}`). A masked key that collides with another key gets a ` #2` suffix, so no
 * value of the evidence is lost. Headers that carry credentials (cookies, Authorization, tokens, API keys …)
 * are masked by name, whatever their value.
 */
export const REDACTED = '***';

/**
 * JSON keys whose values are secret wherever they appear. PIN and HashedPIN are the request schema's
 * `writeOnly` properties (a test keeps the two in step); Authorization is an HTTP credential.
 */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'PIN',
  'HashedPIN',
  'Authorization',
  'authorization',
]);

/** Profile variables whose name says they are secret (e.g. qrPin, passphrase). */
export function isSecretVariable(name: string): boolean {
  return /pin|secret|password|passphrase|token|key$/i.test(name);
}

/** Secrets shorter than this are masked as whole tokens only (see tokenPattern). */
const SHORT_SECRET = 8;

/**
 * A secret of at least this many characters is masked wherever it stands in a JSON number or in the decoded
 * text of a base64 token, even inside other digits or bytes: neither is an identifier a 4-digit PIN could
 * mangle, and an echo glued to other characters must not slip through. Shorter secrets count there only whole.
 */
const CONTAINED_SECRET = 4;

/**
 * Headers whose value is a credential of either side, masked by name wherever headers are written: cookies,
 * (proxy) authorization, and any name containing `token`, `secret`, `session-key` or `api-key` (`_` or
 * nothing in place of the hyphen counts too), case-insensitive.
 */
const CREDENTIAL_HEADER =
  /^(?:set-cookie2?|cookie2?|authorization|proxy-authorization)$|token|secret|session[-_]?key|api[-_]?key/i;

/** Whether a header of this name carries a credential (its value is masked, whatever it is). */
export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER.test(name);
}

/**
 * A base64-looking token: at least 6 characters of the standard and the URL-safe alphabet together (the
 * unpadded base64 of a 4-character PIN is 6 long), padding optional; `\/` counts as `/` (a JSON encoder may
 * escape the slash).
 */
const BASE64_TOKEN = /(?:[A-Za-z0-9+_-]|\\?\/){6,}={0,2}/g;

/** Cheap test before the secret field patterns: a decoded text without these names has no secret field. */
const SECRET_FIELD_HINT = /PIN|Salt|Value/;

/** What masking base64 cost (for the tests that prove the work stays linear in the size of the text). */
export interface Base64Work {
  /** Base64-looking tokens found. */
  tokens: number;
  /** Decodes made: at most 4 per token, one per alignment. */
  decodes: number;
  /** Characters decoded: at most 4 × the characters of the tokens. */
  decodedChars: number;
}

export class Redactor {
  private readonly secrets: string[];
  private readonly patterns: Array<(text: string) => string>;
  /** Any encoded form of a secret of CONTAINED_SECRET characters or more. */
  private readonly containedForms: RegExp | undefined;
  /** Secrets of digits, as numbers: `739` is the PIN `0739` echoed as a JSON number. */
  private readonly numericSecrets: ReadonlySet<number>;
  private readonly work: Base64Work = { tokens: 0, decodes: 0, decodedChars: 0 };

  constructor(secretValues: Iterable<string> = []) {
    // Longest first, so that a secret containing another is replaced whole.
    this.secrets = [...new Set([...secretValues].filter((s) => s.length > 0))].sort(
      (a, b) => b.length - a.length,
    );
    const forms = [...new Set(this.secrets.flatMap(encodedForms))].sort((a, b) => b.length - a.length);
    const long = new Set(this.secrets.filter((s) => s.length >= CONTAINED_SECRET).flatMap(encodedForms));
    this.containedForms = alternation([...long]);
    this.numericSecrets = new Set(this.secrets.filter((s) => /^\d{1,300}$/.test(s)).map((s) => Number(s)));
    // Long secrets (keys, passphrases) and long encoded forms are masked wherever they occur; short ones
    // (PINs) as whole tokens only, so that a 4-digit PIN cannot mangle a SessionID, a GUID segment or an
    // EvseID that contains it.
    this.patterns = forms.map((form) => {
      if (form.length >= SHORT_SECRET)
        return (text: string) => (text.includes(form) ? text.split(form).join(REDACTED) : text);
      const pattern = tokenPattern(form);
      return (text: string) => (text.includes(form) ? text.replace(pattern, REDACTED) : text);
    });
  }

  static forVariables(variables: Record<string, string>): Redactor {
    return new Redactor(secretVariableValues(variables));
  }

  /** The same redactor, knowing more secrets (a scenario's request, a passphrase). */
  with(secretValues: Iterable<string>): Redactor {
    return new Redactor([...this.secrets, ...secretValues]);
  }

  /** Every secret value this redactor masks (for the secret scan of the tests; never print it). */
  get knownSecrets(): readonly string[] {
    return this.secrets;
  }

  /** What masking base64 has cost this redactor so far. */
  get base64Work(): Readonly<Base64Work> {
    return { ...this.work };
  }

  /**
   * A JSON value with every secret masked: under a secret key, in strings, numbers and object keys, at any
   * depth (iteratively, so that a hostile answer nested thousands of levels deep cannot overflow the stack).
   */
  json(value: unknown): unknown {
    return mapJson(value, {
      replace: (key, item) =>
        key !== undefined && SECRET_KEYS.has(key) && item !== null ? REDACTED : undefined,
      leaf: (item) => {
        if (typeof item === 'string') return this.values(item);
        if (typeof item === 'number' && this.isSecretNumber(item)) return REDACTED;
        return item;
      },
      key: (key) => this.values(key),
    });
  }

  /** Free text (raw bodies, messages, headers, curl lines): known secret values and secret fields are masked. */
  text(value: string): string {
    let out = this.values(value);
    for (const { pattern, masked } of SECRET_FIELD_PATTERNS)
      out = out.replace(pattern, (_m, key: string) => key + masked);
    return out;
  }

  /**
   * Answer or request headers, the one place evidence headers are masked: names and values masked as text,
   * and the value of a credential header (cookies, authorization, tokens, API keys) masked whole, by its name.
   */
  headers(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers))
      define(out, uniqueKey(out, this.text(name)), isCredentialHeader(name) ? REDACTED : this.text(value));
    return out;
  }

  /** Known secret values, in every encoded form (base64 included), wherever they stand in a string. */
  private values(value: string): string {
    return this.plainValues(this.base64(value));
  }

  /** Known secret values in their plain, escaped and entity forms (not base64). */
  private plainValues(value: string): string {
    let out = value;
    for (const mask of this.patterns) out = mask(out);
    return out;
  }

  /**
   * Every base64-looking token whose decoded text holds a secret — in any form plain masking knows, or a
   * secret field (`"PIN":…`) — is masked whole. A token is decoded at all four alignments, so one glued to
   * other letters (`pid-eyJQSU4i…`) is still read right. The work is linear in the text: one pass of the
   * token pattern, at most 4 decodes per token, each followed by a fixed number of pattern scans; nothing
   * decoded is decoded again.
   */
  private base64(value: string): string {
    if (value.length < 6) return value;
    return value.replace(BASE64_TOKEN, (token) => {
      this.work.tokens++;
      const chars = token.includes('\\') ? token.replace(/\\/g, '') : token;
      for (let offset = 0; offset < 4 && chars.length - offset >= 6; offset++) {
        this.work.decodes++;
        this.work.decodedChars += chars.length - offset;
        const decoded = Buffer.from(chars.slice(offset), 'base64').toString('utf8');
        if (this.reveals(decoded)) return REDACTED;
      }
      return token;
    });
  }

  /**
   * Whether a decoded text holds a secret: a form of a secret of CONTAINED_SECRET characters or more anywhere,
   * or a secret field (`"PIN":…`, also escaped or percent-encoded). A shorter secret alone does not count:
   * one or two bytes turn up by chance in what any long word decodes to.
   */
  private reveals(decoded: string): boolean {
    if (this.containedForms?.test(decoded)) return true;
    if (!SECRET_FIELD_HINT.test(decoded)) return false;
    return SECRET_FIELD_PATTERNS.some(({ pattern }) => decoded.search(pattern) >= 0);
  }

  /**
   * A JSON number that is a secret: its decimal text equals a secret or contains one of at least
   * CONTAINED_SECRET characters, or it equals a secret of digits read as a number (leading zeros dropped).
   */
  private isSecretNumber(value: number): boolean {
    const decimal = String(value);
    if (this.numericSecrets.has(value)) return true;
    return this.secrets.some(
      (secret) => decimal === secret || (secret.length >= CONTAINED_SECRET && decimal.includes(secret)),
    );
  }
}

/** One pattern matching any of these literal strings (undefined for none). */
function alternation(literals: readonly string[]): RegExp | undefined {
  if (literals.length === 0) return undefined;
  return new RegExp(literals.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
}

/** The key itself, or with ` #2`, ` #3` … when the object already has it (two keys masked alike). */
function uniqueKey(target: object, key: string): string {
  if (!Object.hasOwn(target, key)) return key;
  let n = 2;
  while (Object.hasOwn(target, `${key} #${n}`)) n++;
  return `${key} #${n}`;
}

/** Defined, not assigned: a hostile "__proto__" key stays a plain property. */
function define(target: object, slot: string | number, value: unknown): void {
  Object.defineProperty(target, slot, { value, enumerable: true, writable: true, configurable: true });
}

/** The values of the profile variables whose name marks them as secret. */
export function secretVariableValues(variables: Record<string, string>): string[] {
  return Object.entries(variables)
    .filter(([name]) => isSecretVariable(name))
    .map(([, value]) => value);
}

/**
 * Every secret-bearing value a request body carries: the leaves under a secret key (a PIN, the Value and
 * Salt of a HashedPIN), at any depth. A raw body that does not parse is searched for secret fields as text.
 */
export function secretValuesOfBody(body: unknown, rawBody?: string): string[] {
  const found: string[] = [];
  const collect = (value: unknown, secret: boolean) => {
    const stack: Array<[unknown, boolean]> = [[value, secret]];
    while (stack.length > 0) {
      const [item, underSecret] = stack.pop() as [unknown, boolean];
      if (typeof item === 'string' || typeof item === 'number') {
        if (underSecret && String(item) !== '') found.push(String(item));
      } else if (Array.isArray(item)) {
        for (const entry of item) stack.push([entry, underSecret]);
      } else if (item && typeof item === 'object') {
        for (const [key, entry] of Object.entries(item))
          stack.push([entry, underSecret || SECRET_KEYS.has(key)]);
      }
    }
  };
  collect(body, false);
  if (rawBody !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody);
    } catch {
      parsed = undefined;
    }
    if (parsed !== undefined) collect(parsed, false);
    for (const match of rawBody.matchAll(RAW_SECRET_FIELD)) found.push((match[2] ?? match[3]) as string);
  }
  return [...new Set(found)];
}

/** A secret field in raw text: `"PIN": "1234"`, `"PIN": 1234`, the hash `Value` and `Salt` of a HashedPIN. */
const RAW_SECRET_FIELD = /"(PIN|Salt|Value)"\s*:\s*(?:"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?))/g;

/**
 * A secret field in text that may not parse as JSON — `PIN`, and the hash `Value` and `Salt` of a HashedPIN
 * (the only OICP objects with a `Value` field) — also when the JSON was escaped into a string
 * (`\"PIN\":\"1234\"`), percent-encoded (`%22PIN%22%3A%221234%22`) or HTML-escaped (`&quot;PIN&quot;:…`).
 * The value, string or number, becomes a masked string in the same notation.
 */
const SECRET_FIELD_PATTERNS: Array<{ pattern: RegExp; masked: string }> = [
  { open: '"', value: '"(?:[^"\\\\]|\\\\.)*"', colon: ':' },
  { open: '\\\\"', value: '\\\\"(?:(?!\\\\").)*\\\\"', colon: ':' },
  { open: '%22', value: '%22(?:(?!%22).)*%22', colon: '(?:%20|\\+)*%3[Aa](?:%20|\\+)*' },
  { open: '&quot;', value: '&quot;(?:(?!&quot;).)*&quot;', colon: ':' },
  { open: '&#34;', value: '&#34;(?:(?!&#34;).)*&#34;', colon: ':' },
].map(({ open, value, colon }) => ({
  pattern: new RegExp(
    `(${open}(?:PIN|Salt|Value)${open}\\s*${colon}\\s*)(?:${value}|-?\\d+(?:\\.\\d+)?)`,
    'g',
  ),
  masked: `${open.replace(/\\\\/g, '\\')}${REDACTED}${open.replace(/\\\\/g, '\\')}`,
}));

/** The forms a target may echo a secret in: as is, JSON-escaped, percent-encoded, HTML-escaped. */
function encodedForms(secret: string): string[] {
  const bytes = [...Buffer.from(secret, 'utf8')];
  const percentAll = bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  const codePoints = [...secret].map((c) => c.codePointAt(0) as number);
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    percentAll,
    percentAll.toUpperCase(),
    secret.replace(
      /[&<>"']/g,
      (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`,
    ),
    codePoints.map((c) => `&#${c};`).join(''),
    codePoints.map((c) => `&#x${c.toString(16)};`).join(''),
  ].filter((form) => form.length > 0);
}

/**
 * A short secret as a whole token. Identifier characters of OICP ids (letters, digits, - * _) do not end a
 * token, but a percent-escape (`%22`), a JSON unicode escape (`\u0022`) or an HTML entity (`&quot;`) does,
 * so a PIN echoed inside percent-encoded or escaped JSON is still found.
 */
function tokenPattern(secret: string): RegExp {
  let pattern = TOKEN_PATTERNS.get(secret);
  if (!pattern) {
    pattern = compileTokenPattern(secret);
    TOKEN_PATTERNS.set(secret, pattern);
  }
  return pattern;
}

/** Compiled once per secret and process: every scenario masks with the same profile secrets. */
const TOKEN_PATTERNS = new Map<string, RegExp>();

function compileTokenPattern(secret: string): RegExp {
  const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const before = '(?:(?<![A-Za-z0-9*_-])|(?<=%[0-9A-Fa-f]{2})|(?<=\\\\u[0-9A-Fa-f]{4}))';
  const after = '(?:(?![A-Za-z0-9*_-])|(?=%[0-9A-Fa-f]{2})|(?=\\\\u[0-9A-Fa-f]{4}))';
  return new RegExp(`${before}${escaped}${after}`, 'g');
}

/**
 * Maps a JSON value without recursion: `replace` may replace a property's value outright (return
 * non-undefined); other leaves (strings, numbers, booleans, null) pass through `leaf`, object keys through
 * `key`. Keys keep their order; two keys mapped alike stay apart (see uniqueKey).
 */
function mapJson(
  value: unknown,
  map: {
    replace: (key: string | undefined, item: unknown) => unknown;
    leaf: (item: unknown) => unknown;
    key: (key: string) => string;
  },
): unknown {
  if (!value || typeof value !== 'object') return map.leaf(value);
  const root: unknown = Array.isArray(value) ? [] : {};
  const stack: Array<[unknown, Record<string, unknown> | unknown[]]> = [[value, root as never]];
  while (stack.length > 0) {
    const [source, target] = stack.pop() as [unknown, Record<string, unknown> | unknown[]];
    const entries: Array<[string | undefined, unknown, string | number]> = Array.isArray(source)
      ? source.map((item, index) => [undefined, item, index])
      : Object.entries(source as Record<string, unknown>).map(([key, item]) => [key, item, key]);
    for (const [key, item, slot] of entries) {
      const replaced = map.replace(key, item);
      let out: unknown;
      if (replaced !== undefined) out = replaced;
      else if (item && typeof item === 'object') {
        out = Array.isArray(item) ? [] : {};
        stack.push([item, out as Record<string, unknown> | unknown[]]);
      } else out = map.leaf(item);
      define(target, typeof slot === 'number' ? slot : uniqueKey(target, map.key(slot)), out);
    }
  }
  return root;
}
