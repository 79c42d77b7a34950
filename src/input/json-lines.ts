import { randomBytes } from 'node:crypto';
import { escapeControlCharacters } from '../text.ts';

/**
 * A file of JSON lines from outside the suite (an exchange log an earlier run wrote, or anyone else), read
 * without trusting it: every line is held to limits of size and nesting before it is parsed, so that no line
 * can exhaust the memory or the stack of code that walks it afterwards, and a number JavaScript cannot hold
 * exactly is kept as the text it was instead of turning into another number or into `null` when written again.
 * Used by the suite's reader of exchange logs (src/exchange/log-file.ts) and by the embedded mock's replay
 * (mock/replay.ts), so that both accept and refuse the same lines.
 */

export interface JsonLinesLimits {
  /** The whole file, in bytes. */
  maxBytes: number;
  /** Lines, empty ones included. */
  maxLines: number;
  /** One line, in bytes. */
  maxLineBytes: number;
  /** The deepest nesting of arrays and objects in one line. */
  maxDepth: number;
}

/**
 * The limits of an exchange log (docs/exchanges.md). A run of thousands of scenarios writes a few MB, a
 * record a few KB (bodies are cut at 64 KiB) and no record deeper than 66 levels (a body deeper than 64
 * levels is logged as text): far below these.
 */
export const EXCHANGE_LOG_LIMITS: JsonLinesLimits = {
  maxBytes: 64 * 1024 * 1024,
  maxLines: 100_000,
  maxLineBytes: 4 * 1024 * 1024,
  maxDepth: 80,
};

/** The limits of one JSON body in an exchange record (`request.body`, `answer.body`). */
export const LOGGED_JSON_BODY_LIMITS = {
  /** Its JSON text, in characters: the suite logs a larger body as text, cut (`bodyText`, `truncated`). */
  maxCharacters: 64 * 1024,
  /**
   * The dotted paths of all its fields and items together (`answer.body.StatusCode.Code`, …), in characters:
   * what a comparison builds. A long name above many items multiplies; the suite logs such a body as text.
   */
  maxPathCharacters: 8 * 1024 * 1024,
};

/** The numbers of one line that JavaScript cannot hold exactly, by the marker that stands in their place. */
export interface RawNumbers {
  /** Each such number's place in the parsed value is a string: this marker and the number's index. */
  marker: string;
  /** The marker as JSON.stringify writes it. */
  written: string;
  /** The numbers as they were written. */
  texts: string[];
}

export type JsonLine =
  | { line: number; value: unknown; numbers?: RawNumbers }
  | { line: number; problem: string; last?: true };

/**
 * The lines of `content`, each parsed or with its problem (`last`: a limit that ends the reading there).
 * Empty lines are skipped. A line is not parsed when it is longer than the line limit or nested deeper than
 * the depth limit; a number that does not survive a round trip through a JavaScript number (a 900-digit
 * SessionID, 1e999, 12345678901234567890) is replaced by a marker string, listed in `numbers`.
 */
export function* jsonLines(content: Buffer, limits: JsonLinesLimits): Generator<JsonLine> {
  // A log over the line limit is refused before a line of it is parsed: counting its lines costs milliseconds,
  // parsing and checking a hundred thousand records seconds.
  const tooMany = lineCount(content) > limits.maxLines;
  let start = 0;
  let line = 0;
  while (start < content.length) {
    if (tooMany) {
      yield {
        line: limits.maxLines + 1,
        problem: `more than ${limits.maxLines} lines, the limit of an exchange log (one line per scenario): split the run (--shard) and compare or replay the parts`,
        last: true,
      };
      return;
    }
    let end = content.indexOf(0x0a, start);
    if (end < 0) end = content.length;
    line += 1;
    const bytes = end - start;
    const from = start;
    start = end + 1;
    if (bytes > limits.maxLineBytes) {
      yield {
        line,
        problem: `the line is ${bytes} bytes long, more than the limit of ${limits.maxLineBytes} bytes of one record (the suite cuts bodies at 64 KiB): not a record this suite wrote; remove the line`,
      };
      continue;
    }
    const text = content.toString('utf8', from, end);
    if (text.trim() === '') continue;
    const scan = scanJson(text);
    if (scan.depth > limits.maxDepth) {
      yield {
        line,
        problem: `nested ${scan.depth} levels deep, more than the limit of ${limits.maxDepth} (the suite logs a body nested deeper than 64 levels as text): not a record this suite wrote; remove the line`,
      };
      continue;
    }
    const numbers = scan.inexact.length > 0 ? rawNumbers(text, scan.inexact) : undefined;
    let value: unknown;
    try {
      value = JSON.parse(numbers ? numbers.text : text);
    } catch (error) {
      yield { line, problem: `not JSON (${(error as Error).message})` };
      continue;
    }
    yield numbers ? { line, value, numbers: numbers.numbers } : { line, value };
  }
}

/** How many lines `content` has, empty ones included: its line breaks, and a last line without one. */
function lineCount(content: Buffer): number {
  let count = 0;
  for (let at = content.indexOf(0x0a); at >= 0; at = content.indexOf(0x0a, at + 1)) count++;
  return content.length > 0 && content[content.length - 1] !== 0x0a ? count + 1 : count;
}

/** The deepest nesting of arrays and objects of a JSON text, brackets inside strings not counted. */
export function jsonTextDepth(text: string): number {
  return scanJson(text, false).depth;
}

/** Whether a JSON text holds a number JavaScript cannot hold exactly (see exactNumber). */
export function holdsInexactNumber(text: string): boolean {
  return scanJson(text).inexact.length > 0;
}

/** Depth and the numbers that are not exact, in one pass without recursion. */
function scanJson(text: string, numbers = true): { depth: number; inexact: Array<[number, number]> } {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  const inexact: Array<[number, number]> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash: the escaped character is skipped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
    else if (numbers && (c === 0x2d || (c >= 0x30 && c <= 0x39))) {
      let end = i + 1;
      while (end < text.length && isNumberCharacter(text.charCodeAt(end))) end++;
      if (!exactNumber(text.slice(i, end))) inexact.push([i, end]);
      i = end - 1;
    }
  }
  return { depth: deepest, inexact };
}

function isNumberCharacter(c: number): boolean {
  // 0-9 . + - e E
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2b || c === 0x2d || c === 0x65 || c === 0x45;
}

const NUMBER = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Whether a JSON number token survives a round trip through a JavaScript number: parsed and written again,
 * it is the same decimal value (`1.50` and `1.5e0` do; `12345678901234567890` and `1e999` do not).
 */
export function exactNumber(token: string): boolean {
  // Fifteen digits or fewer, no exponent: always exact.
  if (token.length <= 15 && !/[eE]/.test(token)) return true;
  const match = NUMBER.exec(token);
  if (!match) return true; // not a number at all: JSON.parse says so
  const value = Number(token);
  if (!Number.isFinite(value)) return false;
  const written = decimal(match[1] as string, match[2] ?? '', match[3] ?? '0');
  if (written === undefined) return false;
  if (written === '0') return true;
  const again = NUMBER.exec(String(Math.abs(value)).replace('e+', 'e'));
  if (!again) return false;
  return (
    value < 0 === token.startsWith('-') &&
    written === decimal(again[1] as string, again[2] ?? '', again[3] ?? '0')
  );
}

/** `digits` `e` `exponent` with no leading or trailing zero in the digits; '0' for zero. */
function decimal(integer: string, fraction: string, exponent: string): string | undefined {
  const power = Number(exponent);
  if (!Number.isSafeInteger(power)) return undefined;
  const all = `${integer}${fraction}`.replace(/^0+/, '');
  if (all === '') return '0';
  const digits = all.replace(/0+$/, '');
  return `${digits}e${power - fraction.length + (all.length - digits.length)}`;
}

function rawNumbers(
  text: string,
  inexact: ReadonlyArray<[number, number]>,
): { text: string; numbers: RawNumbers } {
  const nonce = randomBytes(8).toString('hex');
  const numbers: RawNumbers = { marker: `\u0000${nonce}#`, written: `\\u0000${nonce}#`, texts: [] };
  const parts: string[] = [];
  let at = 0;
  for (const [from, to] of inexact) {
    parts.push(text.slice(at, from), `"${numbers.written}${numbers.texts.length}"`);
    numbers.texts.push(text.slice(from, to));
    at = to;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), numbers };
}

/** Whether a parsed value holds one of the line's inexact numbers. */
function holdsRawNumber(value: unknown, numbers: RawNumbers | undefined): boolean {
  return numbers !== undefined && (JSON.stringify(value) ?? '').includes(numbers.written);
}

/** The JSON text of a parsed value with each inexact number written back as it was. */
function jsonWithRawNumbers(value: unknown, numbers: RawNumbers | undefined): string {
  const json = JSON.stringify(value) ?? '';
  if (!numbers) return json;
  const marker = new RegExp(`"${numbers.written.replace(/\\/g, '\\\\')}(\\d+)"`, 'g');
  return json.replace(marker, (_all, index: string) => numbers.texts[Number(index)] ?? 'null');
}

/**
 * The parsed value with each remaining marker replaced by its number as JavaScript holds it (`1e999` as
 * Infinity): for fields where the schema judges the number (a `bytes` count, a status), not its digits.
 */
function rawNumbersAsValues(value: unknown, numbers: RawNumbers | undefined): unknown {
  if (!numbers) return value;
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string')
      return item.startsWith(numbers.marker)
        ? Number(numbers.texts[Number(item.slice(numbers.marker.length))])
        : item;
    if (Array.isArray(item)) return item.map(walk);
    if (item && typeof item === 'object')
      return Object.fromEntries(Object.entries(item).map(([key, entry]) => [key, walk(entry)]));
    return item;
  };
  return walk(value);
}

/**
 * The characters of every dotted path a walk of the value builds (each field's and item's path, from the
 * value down), counted without building them and given up beyond `cap` (then `cap` + 1).
 */
export function jsonPathCharacters(value: unknown, cap: number): number {
  let total = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, length] = stack.pop() as [unknown, number];
    if (!item || typeof item !== 'object') continue;
    const keys = Array.isArray(item) ? item.map((_entry, index) => String(index)) : Object.keys(item);
    for (const key of keys) {
      const child = length + 1 + key.length;
      total += child;
      if (total > cap) return cap + 1;
      stack.push([(item as Record<string, unknown>)[key], child]);
    }
  }
  return total;
}

/** Why a JSON body does not fit the limits of a logged body, or undefined when it does. */
export function loggedBodyProblem(body: unknown): string | undefined {
  const characters = (JSON.stringify(body) ?? '').length;
  if (characters > LOGGED_JSON_BODY_LIMITS.maxCharacters)
    return `${characters} characters of JSON, more than the ${LOGGED_JSON_BODY_LIMITS.maxCharacters} the suite logs as JSON (a larger body is logged cut, as bodyText): not a record this suite wrote; remove the line`;
  const paths = LOGGED_JSON_BODY_LIMITS.maxPathCharacters;
  if (jsonPathCharacters(body, paths) > paths)
    return `the paths of its fields add up to more than ${paths} characters (long names above many items), more than the suite logs as JSON: not a record this suite wrote; remove the line`;
  return undefined;
}

/**
 * A text from outside (a log's value, a file name) safe for one console line: control characters escaped
 * (src/text.ts), line breaks too, so that no terminal control sequence is ever replayed and no line is forged.
 */
export function printable(text: string): string {
  return escapeControlCharacters(text).replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

/**
 * A record whose `request.body` or `answer.body` holds a number JavaScript cannot hold exactly: that body
 * becomes its JSON text (`bodyText`), each such number written as it was, the way the suite logs such a body
 * (src/exchange/log-entry.ts); any other such number becomes the number JavaScript holds, for the schema to
 * judge.
 */
export function bodiesWithRawNumbersAsText(value: unknown, numbers: RawNumbers | undefined): unknown {
  if (!numbers || !value || typeof value !== 'object' || Array.isArray(value)) return value;
  const record = { ...(value as Record<string, unknown>) };
  for (const side of ['request', 'answer']) {
    const part = record[side];
    if (!part || typeof part !== 'object' || Array.isArray(part)) continue;
    const { body, ...rest } = part as Record<string, unknown>;
    if (body !== undefined && holdsRawNumber(body, numbers))
      record[side] = { ...rest, bodyText: jsonWithRawNumbers(body, numbers) };
  }
  return rawNumbersAsValues(record, numbers);
}
