import fs from 'node:fs';
import path from 'node:path';
import {
  boundedProblems,
  displayPath,
  InputError,
  type InputProblem,
  SHOWN_PROBLEMS,
} from '../input/errors.ts';
import { readInputFile } from '../input/read-file.ts';
import { dataDir } from '../paths.ts';
import { closest } from '../text.ts';

type Env = Record<string, string | undefined>;

/** The settings the suite itself reads from the environment (docs/configuration.md). */
export const SUITE_SETTINGS = [
  'OICP_ENV',
  'OICP_BASE_URL',
  'OICP_SCENARIOS',
  'OICP_TIME_BUDGET_MS',
  'OICP_MOCK_PORT',
  'OICP_MOCK_COMMAND',
  'OICP_MOCK_READY_URL',
  'OICP_REPORTS_DIR',
  'OICP_ALLURE_HISTORY',
  'OICP_SOURCE_URL',
  'OICP_CLIENT_CERT',
  'OICP_CLIENT_KEY',
  'OICP_CLIENT_PFX',
  'OICP_CLIENT_PASSPHRASE',
  'OICP_CA_CERT',
  'OICP_ALLOW_PRODUCTION',
] as const;

/** `OICP_SETTINGS_FILE=none` runs without a settings file even when the profile's exists. */
const DISABLED = 'none';

/** The settings file of a profile: `data/environments/<profile>.env`, git-ignored. */
function settingsFileOf(profileName: string): string {
  return path.join(dataDir, 'environments', `${profileName}.env`);
}

export interface AppliedSettings {
  file: string;
  /** The names the file set (those the environment did not set already). */
  applied: string[];
}

/**
 * Reads the profile's settings file — `OICP_SETTINGS_FILE`, or `data/environments/<OICP_ENV>.env` when it
 * exists — into the environment: every `NAME=value` line the environment does not set already (a variable
 * set in the shell or CI wins). Names must be settings of the suite or variables the profile reads; a
 * misspelt name is an error at its line, with the closest known name. Called once by the entry points,
 * before the profile is loaded; the run's child processes inherit the result.
 */
export function applySettingsFile(env: Env = process.env): AppliedSettings | undefined {
  const chosen = env.OICP_SETTINGS_FILE?.trim();
  if (chosen === DISABLED) return undefined;
  const profileName = env.OICP_ENV?.trim() || 'mock';
  const file = chosen ? path.resolve(chosen) : settingsFileOf(profileName);
  if (!chosen && !fs.existsSync(file)) return undefined;
  const known = new Set<string>([...SUITE_SETTINGS, ...profileReferences(profileName)]);
  const entries = parseSettings(
    readInputFile(file, 'settings file (OICP_SETTINGS_FILE)').toString('utf8'),
    file,
    known,
  );
  const applied: string[] = [];
  for (const [name, value] of entries) {
    // An empty value is a setting left open (optional test data, or still to fill in).
    if (value === '' || (env[name] !== undefined && env[name] !== '')) continue;
    env[name] = value;
    applied.push(name);
  }
  return { file: displayPath(file), applied };
}

/** The environment variables a profile reads (`${NAME}` / `${NAME:-default}`), from its text. */
function profileReferences(profileName: string): string[] {
  if (!/^[a-z0-9-]+$/.test(profileName)) return [];
  const file = path.join(dataDir, 'environments', `${profileName}.yaml`);
  if (!fs.existsSync(file)) return [];
  const text = readInputFile(file, `profile '${profileName}'`).toString('utf8');
  return [...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] as string);
}

/**
 * `NAME=value` lines (an `export ` prefix allowed), `#` comments and blank lines; a value may be quoted
 * with '…' or "…" (then `#` inside it is no comment). No interpolation: values are taken as written.
 *
 * The file may be the wrong one — a private key or a certificate named by mistake — so no message quotes a
 * value, nor anything of a line that looks like key material, nor more than the start of a name that is no
 * plausible setting name; and at most SHOWN_PROBLEMS problems are listed, the rest counted.
 */
export function parseSettings(text: string, file: string, known: ReadonlySet<string>): Map<string, string> {
  const shown = displayPath(file);
  const notSettings = keyOrCertificate(text);
  if (notSettings)
    throw new InputError('Invalid settings file; nothing was sent', [
      {
        file: shown,
        ...(notSettings.line ? { line: notSettings.line } : {}),
        field: '',
        message: `this looks like a key or certificate, not a settings file (${notSettings.what}; nothing of it is shown). OICP_SETTINGS_FILE names a file of NAME=value lines; a client key or certificate is named by its path, in OICP_CLIENT_KEY and OICP_CLIENT_CERT`,
      },
    ]);
  const problems: InputProblem[] = [];
  let omitted = 0;
  // Only the listed problems are worded (a "did you mean" costs an edit distance per known name).
  const problem = (make: () => InputProblem) => {
    if (problems.length < SHOWN_PROBLEMS) problems.push(make());
    else omitted++;
  };
  const values = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const at = { file: shown, line: index + 1, column: raw.indexOf(line) + 1 };
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) {
      problem(() => ({
        ...at,
        field: '',
        message: looksLikeKeyMaterial(line) ? KEY_MATERIAL_LINE : 'is not a NAME=value line',
      }));
      return;
    }
    const name = match[1] as string;
    const value = unquote(match[2] as string);
    if (value === undefined) {
      problem(() => ({
        ...at,
        field: shownName(name),
        message: 'has an opening quote without its closing one',
      }));
      return;
    }
    if (!known.has(name)) {
      problem(() => {
        if (looksLikeKeyMaterial(name)) return { ...at, field: '', message: KEY_MATERIAL_LINE };
        const suggestion = name.length <= NAME_LIMIT ? closest(name, [...known]) : undefined;
        return {
          ...at,
          field: shownName(name),
          message: `is not a setting of the suite or a variable the profile reads${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
        };
      });
      return;
    }
    if (values.has(name)) {
      problem(() => ({ ...at, field: name, message: 'is set twice in this file' }));
      return;
    }
    values.set(name, value);
  });
  if (problems.length > 0)
    throw new InputError(
      'Invalid settings file; nothing was sent',
      boundedProblems(problems, omitted, shown),
    );
  return values;
}

/** The longest name a message quotes whole; a longer one is shown by its start and its length. */
const NAME_LIMIT = 64;
/** How much of a name longer than NAME_LIMIT a message quotes. */
const NAME_PREFIX = 16;

const KEY_MATERIAL_LINE =
  'is no NAME=value line: it looks like part of a key or certificate (base64), so it is not shown';

/** A name as a message may quote it: whole when it is plausible, else its start and length. */
function shownName(name: string): string {
  if (looksLikeKeyMaterial(name)) return '(a name that looks like key material, not shown)';
  return name.length <= NAME_LIMIT ? name : `${name.slice(0, NAME_PREFIX)}… (${name.length} characters)`;
}

/**
 * Base64 of some length, in both cases of letters and with digits: key material. (An underscore, which
 * PEM's base64 never holds and setting names mostly do, keeps a misspelt name quotable.)
 */
function looksLikeKeyMaterial(text: string): boolean {
  return (
    text.length >= 16 &&
    /^[A-Za-z0-9+/]+={0,2}$/.test(text) &&
    /[a-z]/.test(text) &&
    /[A-Z]/.test(text) &&
    /[0-9+/]/.test(text)
  );
}

/**
 * Why the whole text is a key or certificate rather than settings, if it is: PEM armour (`-----BEGIN …-----`),
 * binary content (DER, PKCS#12), or mostly lines of base64. Names the kind, never the content.
 */
function keyOrCertificate(text: string): { what: string; line?: number } | undefined {
  // A NUL, or many bytes that are no UTF-8 (a few are a Latin-1 comment): binary content.
  const undecodable = text.split('\uFFFD').length - 1;
  if (text.includes('\u0000') || (undecodable >= 16 && undecodable * 20 >= text.length))
    return { what: 'binary content, such as a DER key or a PFX' };
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const armour = lines.findIndex((line) => /^-----(?:BEGIN|END) [A-Z0-9 ]+-----$/.test(line));
  if (armour >= 0) {
    const label = lines[armour] as string;
    const kind = label.includes('PRIVATE KEY')
      ? 'a PEM private key'
      : label.includes('CERTIFICATE')
        ? 'a PEM certificate'
        : label.includes('PUBLIC KEY')
          ? 'a PEM public key'
          : 'a PEM block';
    return { what: `${kind} begins at line ${armour + 1}`, line: armour + 1 };
  }
  const content = lines.filter((line) => line !== '' && !line.startsWith('#'));
  const base64 = content.filter(looksLikeKeyMaterial).length;
  if (base64 >= 2 && base64 * 2 >= content.length)
    return { what: `${base64} of its ${content.length} lines are base64` };
  return undefined;
}

function unquote(raw: string): string | undefined {
  const quote = raw[0];
  if (quote === '"' || quote === "'") {
    const end = raw.indexOf(quote, 1);
    if (end < 0) return undefined;
    return raw.slice(1, end);
  }
  // Unquoted: `#` at the start or after a space starts a comment (`NAME=  # REQUIRED` is empty).
  return raw.startsWith('#') ? '' : raw.replace(/\s+#.*$/, '').trim();
}
