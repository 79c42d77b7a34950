import fs from 'node:fs';
import path from 'node:path';
import { displayPath, InputError, type InputProblem } from '../input/errors.ts';
import { readInputFile } from '../input/read-file.ts';
import { dataDir } from '../paths.ts';
import { closest } from '../text.ts';

type Env = Record<string, string | undefined>;

/** The settings the suite itself reads from the environment (README, Configuration). */
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
export function settingsFileOf(profileName: string): string {
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
 */
export function parseSettings(text: string, file: string, known: ReadonlySet<string>): Map<string, string> {
  const problems: InputProblem[] = [];
  const values = new Map<string, string>();
  const shown = displayPath(file);
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const at = { file: shown, line: index + 1, column: raw.indexOf(line) + 1 };
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) {
      problems.push({ ...at, field: '', message: 'is not a NAME=value line' });
      return;
    }
    const name = match[1] as string;
    const value = unquote(match[2] as string);
    if (value === undefined) {
      problems.push({ ...at, field: name, message: 'has an opening quote without its closing one' });
      return;
    }
    if (!known.has(name)) {
      const suggestion = closest(name, [...known]);
      problems.push({
        ...at,
        field: name,
        message: `is not a setting of the suite or a variable the profile reads${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
      });
      return;
    }
    if (values.has(name)) {
      problems.push({ ...at, field: name, message: 'is set twice in this file' });
      return;
    }
    values.set(name, value);
  });
  if (problems.length > 0) throw new InputError('Invalid settings file; nothing was sent', problems);
  return values;
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
