/**
 * Secrets never reach a report, a log or the console. The secrets of a scenario are the profile's secret
 * values, the passphrase of the client key, and every secret-bearing value of the request it sends (PIN,
 * HashedPIN value and salt, also inside a raw body). They are masked wherever they stand — request and
 * answer bodies, answer headers, the reason phrase, check messages — and in the encodings a target may
 * echo them in: JSON string escapes, percent-encoding, HTML entities.
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

export class Redactor {
  private readonly secrets: string[];
  private readonly patterns: Array<(text: string) => string>;

  constructor(secretValues: Iterable<string> = []) {
    // Longest first, so that a secret containing another is replaced whole.
    this.secrets = [...new Set([...secretValues].filter((s) => s.length > 0))].sort(
      (a, b) => b.length - a.length,
    );
    const forms = [...new Set(this.secrets.flatMap(encodedForms))].sort((a, b) => b.length - a.length);
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

  json(value: unknown): unknown {
    // Iterative, so that a hostile answer nested thousands of levels deep cannot overflow the stack.
    return mapJson(
      value,
      (key, item) => (key !== undefined && SECRET_KEYS.has(key) && item !== null ? REDACTED : undefined),
      (text) => this.values(text),
    );
  }

  /** Free text (raw bodies, messages, headers, curl lines): known secret values and secret fields are masked. */
  text(value: string): string {
    let out = this.values(value);
    for (const { pattern, masked } of SECRET_FIELD_PATTERNS)
      out = out.replace(pattern, (_m, key: string) => key + masked);
    return out;
  }

  /** Answer or request headers: names and values masked as text. */
  headers(headers: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [this.text(name), this.text(value)]),
    );
  }

  /** Known secret values, in every encoded form, wherever they stand in a string. */
  private values(value: string): string {
    let out = value;
    for (const mask of this.patterns) out = mask(out);
    return out;
  }
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
 * non-undefined), strings pass through `text`. Keys keep their order.
 */
function mapJson(
  value: unknown,
  replace: (key: string | undefined, item: unknown) => unknown,
  text: (value: string) => string,
): unknown {
  const leaf = (item: unknown) => (typeof item === 'string' ? text(item) : item);
  if (!value || typeof value !== 'object') return leaf(value);
  const root: unknown = Array.isArray(value) ? [] : {};
  const stack: Array<[unknown, Record<string, unknown> | unknown[]]> = [[value, root as never]];
  while (stack.length > 0) {
    const [source, target] = stack.pop() as [unknown, Record<string, unknown> | unknown[]];
    const entries: Array<[string | undefined, unknown, string | number]> = Array.isArray(source)
      ? source.map((item, index) => [undefined, item, index])
      : Object.entries(source as Record<string, unknown>).map(([key, item]) => [key, item, key]);
    for (const [key, item, slot] of entries) {
      const replaced = replace(key, item);
      let out: unknown;
      if (replaced !== undefined) out = replaced;
      else if (item && typeof item === 'object') {
        out = Array.isArray(item) ? [] : {};
        stack.push([item, out as Record<string, unknown> | unknown[]]);
      } else out = leaf(item);
      // Defined, not assigned: a hostile "__proto__" key stays a plain property.
      Object.defineProperty(target, slot, {
        value: out,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return root;
}
