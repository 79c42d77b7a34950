import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-file.ts';
import { displayPath, InputError, type InputProblem } from '../input/errors.ts';
import {
  bodiesWithRawNumbersAsText,
  EXCHANGE_LOG_LIMITS,
  type JsonLinesLimits,
  jsonLines,
  loggedBodyProblem,
  printable,
} from '../input/json-lines.ts';
import { readRegularFile } from '../input/read-file.ts';
import { type SchemaRegistry, schemaId } from '../schemas/registry.ts';
import { EXCHANGE_FORMAT, type ExchangeRecord } from './log-entry.ts';

/**
 * The exchange log on disk. Each worker appends one line per scenario to a file of its own in the run's
 * shared state folder (no locking, no interleaving); the run's reporter merges them into
 * `exchanges.jsonl` in the order Playwright planned the scenarios, so that two logs of the same selection
 * read side by side.
 */

/** The exchange log of a run, in its reports folder. */
const EXCHANGE_LOG_FILE = 'exchanges.jsonl';

/** The folder of the workers' parts, inside the run's shared state folder (reset when a run starts). */
function exchangePartsDir(runState: string): string {
  return path.join(runState, 'exchanges');
}

/** One worker's part of the log. */
export class ExchangeLogWriter {
  private readonly file: string;

  constructor(runState: string) {
    this.file = path.join(exchangePartsDir(runState), `worker-${process.pid}.jsonl`);
  }

  record(entry: ExchangeRecord): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }
}

/**
 * Merges the workers' parts into `target`, ordered by `order` (scenario ids in the planned order; records of
 * ids not in it come last), and removes the parts. Returns how many records were written; no file is
 * written when no scenario sent anything.
 */
export function mergeExchangeParts(runState: string, target: string, order: readonly string[]): number {
  const dir = exchangePartsDir(runState);
  let parts: string[];
  try {
    parts = fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return 0;
  }
  const lines = parts.flatMap((part) =>
    fs
      .readFileSync(path.join(dir, part), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== ''),
  );
  const rank = new Map(order.map((id, index) => [id, index]));
  const keyed = lines.map((line, index) => {
    let id = '';
    try {
      id = String((JSON.parse(line) as { scenario?: unknown }).scenario ?? '');
    } catch {
      // A line a worker could not finish (it was killed): kept at the end, the reader names it.
    }
    return { line, rank: rank.get(id) ?? order.length + index };
  });
  keyed.sort((a, b) => a.rank - b.rank);
  fs.rmSync(dir, { recursive: true, force: true });
  if (keyed.length === 0) return 0;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  writeFileAtomic(target, keyed.map((k) => `${k.line}\n`).join(''));
  return keyed.length;
}

/** The records of a log this run just wrote (trusted: no schema check; a line that does not parse is left out). */
export function readRunExchanges(file: string): ExchangeRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    if (line.trim() === '') return [];
    try {
      return [JSON.parse(line) as ExchangeRecord];
    } catch {
      return [];
    }
  });
}

export interface ExchangeLog {
  /** The file read, as the user should see it. */
  file: string;
  records: ExchangeRecord[];
}

/**
 * The exchange log a user names: a reports folder (its `exchanges.jsonl`) or a log file. It is read as hostile
 * input: a regular file only (never a FIFO or a device), within the limits of an exchange log
 * (src/input/json-lines.ts: size, lines, one line's size and nesting, each JSON body's size), and every line
 * must be an exchange record (schemas/exchange-record.schema.json) before anything uses it. A number
 * JavaScript cannot hold exactly is kept as written (its body as text). A problem names the file, line and
 * field, every value from the log with its control characters escaped; at most 20 are listed.
 */
export function readExchangeLog(
  given: string,
  registry: SchemaRegistry,
  what = 'exchange log',
  limits: JsonLinesLimits = EXCHANGE_LOG_LIMITS,
): ExchangeLog {
  try {
    return readLog(given, registry, what, limits);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(
      printable(error.message.split('\n')[0] ?? ''),
      error.problems.map((p) => ({
        ...p,
        file: printable(p.file),
        field: printable(p.field),
        message: printable(p.message),
      })),
    );
  }
}

/** The most problems one log's refusal lists; reading stops there. */
const MAX_PROBLEMS = 20;

function readLog(
  given: string,
  registry: SchemaRegistry,
  what: string,
  limits: JsonLinesLimits,
): ExchangeLog {
  const file = resolveExchangeLog(given, what);
  const shown = displayPath(file);
  const title = `The ${what} ${shown} cannot be read`;
  const content = readRegularFile(file, what, limits.maxBytes, title);
  const problems: InputProblem[] = [];
  const records: ExchangeRecord[] = [];
  const schema = schemaId('exchange-record.schema.json');
  for (const entry of jsonLines(content, limits)) {
    if (problems.length >= MAX_PROBLEMS) break;
    const at = { file: shown, line: entry.line };
    if ('problem' in entry) {
      problems.push({ ...at, field: '', message: entry.problem });
      if (entry.last) break;
      continue;
    }
    const data = bodiesWithRawNumbersAsText(entry.value, entry.numbers);
    if ((data as { format?: unknown } | null)?.format !== EXCHANGE_FORMAT) {
      problems.push({
        ...at,
        field: 'format',
        message: `not an exchange record of this suite (format '${EXCHANGE_FORMAT}' expected)`,
      });
      continue;
    }
    // A missing property says most; the alternatives of a oneOf only repeat it.
    const violations = registry
      .violations(schema, data)
      .filter((v) => v.keyword !== 'oneOf')
      .sort((x, y) => Number(y.keyword === 'required') - Number(x.keyword === 'required'));
    if (violations.length > 0) {
      for (const v of violations.slice(0, 5))
        problems.push({ ...at, field: v.path.replace(/^\//, '').replace(/\//g, '.'), message: v.message });
      continue;
    }
    const record = data as ExchangeRecord;
    const bodies = [
      ['request.body', record.request.body],
      ['answer.body', record.answer?.body],
    ] as const;
    let fits = true;
    for (const [field, body] of bodies) {
      const problem = body === undefined ? undefined : loggedBodyProblem(body);
      if (problem === undefined) continue;
      problems.push({ ...at, field, message: problem });
      fits = false;
    }
    if (fits) records.push(record);
  }
  if (problems.length > 0) throw new InputError(title, problems.slice(0, MAX_PROBLEMS));
  return { file: shown, records };
}

/** A reports folder stands for its exchanges.jsonl; anything else must be the log itself. */
function resolveExchangeLog(given: string, what = 'exchange log'): string {
  const resolved = path.resolve(given);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(resolved);
  } catch {
    throw new InputError(`The ${what} cannot be read`, [
      {
        file: given,
        field: '',
        message: 'no such file or folder: name a reports folder of an earlier run, or its exchanges.jsonl',
      },
    ]);
  }
  if (!stat.isDirectory()) return resolved;
  const inside = path.join(resolved, EXCHANGE_LOG_FILE);
  if (!fs.existsSync(inside)) {
    throw new InputError(`The ${what} cannot be read`, [
      {
        file: displayPath(resolved),
        field: '',
        message: `this folder holds no ${EXCHANGE_LOG_FILE}: is it the reports folder of a run (OICP_REPORTS_DIR)? Runs before the exchange log existed wrote none`,
      },
    ]);
  }
  return inside;
}
