/**
 * Secrets never reach a report, a log or the console: PINs, hashed PINs and anything the profile marks as
 * secret are replaced before a request is attached or printed.
 */
export const REDACTED = '***';

/** JSON keys whose values are secret wherever they appear. */
const SECRET_KEYS = new Set(['PIN', 'HashedPIN', 'Salt', 'Authorization', 'authorization']);

/** Profile variables whose name says they are secret (e.g. qrPin, passphrase). */
export function isSecretVariable(name: string): boolean {
  return /pin|secret|password|passphrase|token|key$/i.test(name);
}

export class Redactor {
  private readonly secrets: string[];

  constructor(secretValues: Iterable<string> = []) {
    // Longest first, so that a secret containing another is replaced whole.
    this.secrets = [...new Set([...secretValues].filter((s) => s.length > 0))].sort(
      (a, b) => b.length - a.length,
    );
  }

  static forVariables(variables: Record<string, string>): Redactor {
    return new Redactor(
      Object.entries(variables)
        .filter(([name]) => isSecretVariable(name))
        .map(([, value]) => value),
    );
  }

  json(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.json(item));
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [
          key,
          SECRET_KEYS.has(key) && item !== null ? REDACTED : this.json(item),
        ]),
      );
    }
    // A secret echoed inside another field (a fault message quoting the PIN) is masked too.
    return typeof value === 'string' ? this.values(value) : value;
  }

  /** Free text (raw bodies, messages, curl lines): known secret values and JSON secret fields are masked. */
  text(value: string): string {
    return this.values(value).replace(SECRET_JSON_FIELD, `$1"${REDACTED}"`);
  }

  /** Known secret values, wherever they stand in a string. */
  private values(value: string): string {
    let out = value;
    for (const secret of this.secrets) {
      // Long secrets (keys, passphrases) are masked wherever they occur; short ones (PINs) as whole tokens
      // only, so that a 4-digit PIN cannot mangle a SessionID, a GUID segment or an EvseID that contains it.
      out =
        secret.length >= 8 ? out.split(secret).join(REDACTED) : out.replace(tokenPattern(secret), REDACTED);
    }
    return out;
  }
}

/**
 * A secret JSON field in text that may not parse as JSON: `"PIN": "1234"`, `"PIN": 1234`, the hash `Value`
 * and `Salt` of a HashedPIN (the only OICP objects with a `Value` field).
 */
const SECRET_JSON_FIELD = /("(?:PIN|Salt|Value)"\s*:\s*)(?:"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)/g;

function tokenPattern(secret: string): RegExp {
  const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Identifier characters of OICP ids (letters, digits, - * _) do not end a token.
  return new RegExp(`(?<![A-Za-z0-9*_-])${escaped}(?![A-Za-z0-9*_-])`, 'g');
}
