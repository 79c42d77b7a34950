import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { displayPath, InputError } from '../src/input/errors.ts';
import {
  bodiesWithRawNumbersAsText,
  EXCHANGE_LOG_LIMITS,
  jsonLines,
  jsonPathCharacters,
  jsonTextDepth,
  LOGGED_JSON_BODY_LIMITS,
  loggedBodyProblem,
  printable,
} from '../src/input/json-lines.ts';
import { readRegularFile } from '../src/input/read-file.ts';
import { faultBodyResponse, VALIDATION_MESSAGE } from './answer.ts';
import type { MockRequest, MockResponse } from './types.ts';

/**
 * Replay: the mock answers from a recorded run (a conformance run's `exchanges.jsonl`, docs/exchanges.md),
 * so that CI can hold a client to Hubject QA's real behaviour without touching QA. The log is read as data,
 * by its format and its schema (schemas/exchange-record.schema.json): the mock shares no code with the suite
 * that wrote it, only the guarded reader every input of the suite goes through (src/input/: a regular file
 * within the limits of an exchange log, each line within its size and nesting limits before it is parsed,
 * a number JavaScript cannot hold exactly kept as written).
 *
 * A request matching a recorded one gets the recorded status, reason, headers and body. What the recording
 * marks as generated does not have to match and is made afresh: values a scenario generated are taken from
 * the live request (an echoed CPOPartnerSessionID echoes the one sent now), a SessionID or Process-ID the
 * target made is a new GUID, a Date header says now. Secrets were masked as `***` in the recording: there
 * they match whatever the live request carries. A request nothing matches gets HTTP 501 naming the closest
 * recorded scenario and the fields in which the request differs from it (never a recorded value, never the
 * recording's file).
 *
 * Neither the recording nor a client can make it die: a recorded header that cannot be sent (a line break,
 * a control character) is left out, a recorded reason phrase that cannot be sent gives way to the standard
 * one, a recorded size or wait is held to a bound, a request body nested deeper than 64 levels is answered
 * 400 like the mock's own (unless it is the recorded one), and whatever else goes wrong answering one
 * request is answered 500.
 */

const projectRoot = path.resolve(import.meta.dirname, '..');
const RECORD_SCHEMA_PATH = path.join(projectRoot, 'schemas', 'exchange-record.schema.json');
const FORMAT = 'oicp-exchange/1';
const LOG_FILE = 'exchanges.jsonl';
const MASK = '***';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Headers the server sets itself for the answer it sends. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);
/** The answer headers a target makes afresh for every answer (as the recording's `generated` says too). */
const DATE_HEADERS = new Set(['date', 'expires', 'last-modified']);
/**
 * The largest body a replay sends: one byte more than the largest answer a profile may accept
 * (`maxAnswerBytes`, 64 MiB), so that a recorded oversized answer stays oversized for every profile.
 */
export const MAX_REPLAYED_BODY_BYTES = 64 * 1024 * 1024 + 1;
/** The longest a replay waits before answering (or closing): the longest time budget of a run. */
export const MAX_REPLAYED_DELAY_MS = 600_000;
/** A live request body nested deeper than this is not parsed (as the suite reads an answer). */
const MAX_LIVE_DEPTH = 64;
/** Control characters (C0 but tab, DEL, C1): never sent in a header or reason phrase. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F]/;
/** What a reason phrase may hold on the wire (Node's own rule, without the control characters). */
const SENDABLE_REASON = /^[\t\u0020-\u007E\u00A0-\u00FF]*$/;
/** A field name the 501 answer may show; anything else is shown as `(a field)`. */
const SHOWN_FIELD = /^(?:[A-Za-z_][A-Za-z0-9_]{0,63}|\d{1,6})$/;
/** A scenario id the 501 answer may show (the catalogue's kebab-case ids, `#2` for a repeat). */
const SHOWN_SCENARIO = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:#\d{1,6})?$/;

interface RecordedRequest {
  method: string;
  url?: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  bodyText?: string;
  bytes: number;
  truncated?: boolean;
}

interface RecordedAnswer {
  status: number;
  reason: string;
  headers: Record<string, string>;
  body?: unknown;
  bodyText?: string;
  bodyEncoding?: 'latin1';
  bytes: number;
  truncated?: boolean;
  elapsedMs: number;
  incomplete?: { receivedBytes: number };
}

interface Generated {
  path: string;
  by: 'scenario' | 'target';
  values?: string[];
}

/** One exchange of the recording, as the mock needs it. */
export interface RecordedExchange {
  scenario: string;
  title?: string;
  request: RecordedRequest;
  answer?: RecordedAnswer;
  noAnswer?: { kind: string; elapsedMs: number };
  generated: Generated[];
}

export interface ReplayLog {
  /** The file read, for messages. */
  source: string;
  exchanges: RecordedExchange[];
}

export class ReplayLogError extends Error {
  override name = 'ReplayLogError';
}

/**
 * Reads a recording: a reports folder (its exchanges.jsonl) or the log itself, through the suite's guarded
 * reader (a regular file only, never a FIFO or a device; the limits of an exchange log). Every line is
 * checked; a problem names the file and line, its control characters escaped.
 */
export function loadReplayLog(given: string): ReplayLog {
  let file = path.resolve(given);
  let source = printable(displayPath(file));
  let content: Buffer;
  try {
    if (fs.statSync(file).isDirectory()) file = path.join(file, LOG_FILE);
    source = printable(displayPath(file));
    content = readRegularFile(file, 'the recording', EXCHANGE_LOG_LIMITS.maxBytes);
  } catch (error) {
    const said = error instanceof InputError ? (error.problems[0]?.message ?? error.message) : undefined;
    const missing =
      said === undefined ? (error as NodeJS.ErrnoException).code === 'ENOENT' : said === 'file not found';
    const reason = missing
      ? 'no such file (name a reports folder of a run, or its exchanges.jsonl)'
      : (said ?? String(error));
    throw new ReplayLogError(`cannot read the recording ${source}: ${printable(reason)}`);
  }
  const validate = recordValidator();
  const exchanges: RecordedExchange[] = [];
  const problems: string[] = [];
  for (const entry of jsonLines(content, EXCHANGE_LOG_LIMITS)) {
    if (problems.length >= 10) break;
    const at = `${source}:${entry.line}`;
    if ('problem' in entry) {
      problems.push(`${at}: ${printable(entry.problem)}`);
      if (entry.last) break;
      continue;
    }
    const data = bodiesWithRawNumbersAsText(entry.value, entry.numbers);
    if ((data as { format?: unknown } | null)?.format !== FORMAT) {
      problems.push(`${at}: not an exchange record (format '${FORMAT}' expected)`);
      continue;
    }
    if (!validate(data)) {
      const first = validate.errors?.[0];
      problems.push(
        `${at}: ${printable(`${first?.instancePath || '(record)'} ${first?.message ?? 'is invalid'}`)}`,
      );
      continue;
    }
    const exchange = data as RecordedExchange;
    const tooLarge = (
      [
        ['request.body', exchange.request.body],
        ['answer.body', exchange.answer?.body],
      ] as const
    ).flatMap(([field, body]) => {
      const problem = body === undefined ? undefined : loggedBodyProblem(body);
      return problem ? [`${at}: ${field}: ${problem}`] : [];
    });
    if (tooLarge.length > 0) problems.push(...tooLarge);
    else exchanges.push(exchange);
  }
  if (problems.length > 0)
    throw new ReplayLogError(`the recording cannot be replayed:\n  ${problems.slice(0, 10).join('\n  ')}`);
  if (exchanges.length === 0) throw new ReplayLogError(`the recording ${source} holds no exchange`);
  return { source, exchanges };
}

let compiled: ReturnType<Ajv2020['compile']> | undefined;

function recordValidator(): ReturnType<Ajv2020['compile']> {
  if (compiled) return compiled;
  const schema = JSON.parse(fs.readFileSync(RECORD_SCHEMA_PATH, 'utf8')) as object;
  compiled = new Ajv2020({ allErrors: false, strict: false }).compile(schema);
  return compiled;
}

/** A compiled matcher of one recorded request, with what it learns of the live request's generated values. */
interface Matched {
  /** Each recorded generated value with the live value in its place. */
  live: Map<string, string>;
}

interface Candidate {
  exchange: RecordedExchange;
  /** How often it has been answered: the n-th answer gets the n-th set of fresh values. */
  served: number;
}

export interface ReplayOptions {
  /** `recorded`: each answer waits as long as the recorded one took; `none` (default): answers at once. */
  timing?: 'recorded' | 'none';
}

export class Replayer {
  private readonly candidates: Candidate[];
  private readonly fresh = new Map<string, string>();

  constructor(
    readonly log: ReplayLog,
    private readonly options: ReplayOptions = {},
  ) {
    this.candidates = log.exchanges.map((exchange) => ({ exchange, served: 0 }));
  }

  /** The answer to one request; whatever goes wrong building it is an HTTP 500, never the mock's end. */
  answer(input: MockRequest): MockResponse {
    try {
      return this.answerOrThrow(input);
    } catch {
      return jsonAnswer(500, 'Internal Server Error', {
        message: 'The replay could not build an answer to this request from the recording',
      });
    }
  }

  private answerOrThrow(input: MockRequest): MockResponse {
    const live = parseLive(input);
    let best: { candidate: Candidate; matched: Matched } | undefined;
    for (const candidate of this.candidates) {
      const matched = matches(candidate.exchange, input, live);
      // Several recordings of the same request (identical scenarios): taken in turn.
      if (matched && (!best || candidate.served < best.candidate.served)) best = { candidate, matched };
    }
    if (!best) {
      // A body too deeply nested to read, which is no recorded one: answered as the mock's own would.
      if (live.tooDeep) return faultBodyResponse(400, VALIDATION_MESSAGE);
      return this.unmatched(input, live);
    }
    const { candidate, matched } = best;
    const generation = candidate.served++;
    return this.replayed(candidate.exchange, matched, generation);
  }

  private replayed(exchange: RecordedExchange, matched: Matched, generation: number): MockResponse {
    const answer = exchange.answer;
    const timing = this.options.timing === 'recorded';
    if (!answer) {
      // The recorded target did not answer: neither does the replay (after the recorded wait for a timeout).
      const waited =
        exchange.noAnswer?.kind === 'timeout'
          ? boundedDelay(Math.max(exchange.noAnswer.elapsedMs, 1_000))
          : 0;
      return { status: 504, headers: {}, body: '', drop: true, delayMs: waited };
    }
    if (answer.status < 200)
      return jsonAnswer(502, 'Bad Gateway', {
        message: 'The recorded answer has an interim status (1xx), which no answer can be sent with',
      });
    const renew = (recorded: string) => this.renewed(recorded, generation);
    const substitute = (text: string) => substituteAll(text, matched.live);
    const targetMade = new Set(exchange.generated.filter((g) => g.by === 'target').map((g) => g.path));
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      const lower = name.toLowerCase();
      if (FRAMING_HEADERS.has(lower)) continue;
      const sent = targetMade.has(`answer.headers.${lower}`)
        ? DATE_HEADERS.has(lower) && !Number.isNaN(Date.parse(value))
          ? new Date().toUTCString()
          : renew(value)
        : substitute(value);
      // A header that cannot go on the wire (a line break, a control character, a name that is no token) is
      // left out: sent, it would end the answer, or forge another header.
      if (sendableHeader(name, sent)) headers[name] = sent;
    }
    let body: string;
    if (answer.body !== undefined) {
      const fresh = mapStrings(answer.body, 'answer.body', (at, value) =>
        targetMade.has(at) ? renew(value) : substitute(value),
      );
      body = JSON.stringify(fresh);
    } else body = substitute(answer.bodyText ?? '');
    const encoding = answer.bodyEncoding === 'latin1' ? 'latin1' : 'utf8';
    // An answer too large to log whole, or too large to read, stays as large as it was (up to a bound).
    const recordedSize = answer.incomplete
      ? Math.max(answer.incomplete.receivedBytes, answer.bytes)
      : answer.bytes;
    const size = Math.min(Number.isFinite(recordedSize) ? recordedSize : 0, MAX_REPLAYED_BODY_BYTES);
    const missing = size - Buffer.byteLength(body, encoding);
    if (missing > 0 && (answer.body !== undefined || answer.truncated || answer.incomplete))
      body += ' '.repeat(missing);
    return {
      status: answer.status,
      ...(SENDABLE_REASON.test(answer.reason) ? { reason: answer.reason } : {}),
      headers,
      body,
      ...(encoding === 'latin1' ? { encoding } : {}),
      ...(timing ? { delayMs: boundedDelay(answer.elapsedMs) } : {}),
    };
  }

  /** A GUID the target made gets a fresh one, the same for the same recorded value within one round. */
  private renewed(recorded: string, generation: number): string {
    if (!GUID.test(recorded)) return recorded;
    const key = `${generation}\u0000${recorded.toLowerCase()}`;
    let value = this.fresh.get(key);
    if (!value) {
      value = randomUUID();
      this.fresh.set(key, value);
    }
    return value;
  }

  /**
   * HTTP 501: the closest recorded scenario (by id, when it is one the catalogue could have written) and the
   * fields in which the request differs from it. Any caller may read it: it names no recorded value, no
   * recorded title and not the recording's file.
   */
  private unmatched(input: MockRequest, live: LiveRequest): MockResponse {
    let closest: { exchange: RecordedExchange; differences: string[] } | undefined;
    for (const { exchange } of this.candidates) {
      const differences = differencesFrom(exchange, input, live);
      if (!closest || differences.length < closest.differences.length) closest = { exchange, differences };
    }
    const differences = closest?.differences.slice(0, 8) ?? [];
    const id = closest?.exchange.scenario;
    const scenario = id !== undefined && id.length <= 120 && SHOWN_SCENARIO.test(id) ? id : undefined;
    const fields = [...new Set(differences.map((d) => d.split(':')[0]))].join(', ');
    const count = this.log.exchanges.length;
    return jsonAnswer(501, 'Not Implemented', {
      message: `No recorded exchange matches this request (a replay of ${count} exchange${count === 1 ? '' : 's'})${closest ? `: the closest is ${scenario ? `scenario '${scenario}'` : 'a recorded exchange'}, which differs in ${fields || 'nothing it can name'}` : ''}`,
      closestScenario: scenario ?? null,
      differences,
    });
  }
}

function jsonAnswer(status: number, reason: string, body: unknown): MockResponse {
  return {
    status,
    reason,
    headers: { 'Content-Type': 'application/json;charset=utf-8', 'Process-ID': randomUUID() },
    body: JSON.stringify(body),
  };
}

/** A recorded wait, held to 0 … MAX_REPLAYED_DELAY_MS. */
function boundedDelay(ms: number): number {
  return Number.isFinite(ms) ? Math.min(Math.max(Math.round(ms), 0), MAX_REPLAYED_DELAY_MS) : 0;
}

/** Whether Node can send this header as it is, and it holds no control character. */
function sendableHeader(name: string, value: string): boolean {
  try {
    http.validateHeaderName(name);
    http.validateHeaderValue(name, value);
  } catch {
    return false;
  }
  return !CONTROL.test(value);
}

interface LiveRequest {
  json?: unknown;
  /** The body did not parse as JSON (or was not parsed: too deeply nested). */
  notJson: boolean;
  /** Nested deeper than MAX_LIVE_DEPTH: not parsed. */
  tooDeep?: true;
  /** So many fields under long names that their paths would not fit: not compared field by field. */
  tooBranched?: true;
}

function parseLive(input: MockRequest): LiveRequest {
  if (jsonTextDepth(input.body) > MAX_LIVE_DEPTH) return { notJson: true, tooDeep: true };
  let json: unknown;
  try {
    json = JSON.parse(input.body);
  } catch {
    return { notJson: true };
  }
  const paths = LOGGED_JSON_BODY_LIMITS.maxPathCharacters;
  return jsonPathCharacters(json, paths) > paths
    ? { json, notJson: false, tooBranched: true }
    : { json, notJson: false };
}

function contentTypeOf(headers: Record<string, string | undefined>): string {
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type');
  return (entry?.[1] ?? '').replace(/\s+/g, '').toLowerCase();
}

/** The recorded generated values of a request path (`request.body.CPOPartnerSessionID`, `request.bodyText`). */
function generatedOf(exchange: RecordedExchange): Map<string, string[]> {
  return new Map(
    exchange.generated
      .filter((g) => g.by === 'scenario' && g.path.startsWith('request.'))
      .map((g) => [g.path, g.values ?? []]),
  );
}

/**
 * A recorded string as a pattern: literal parts, and between them a wildcard — `***` (a masked secret, any
 * text, null here) or a generated value (captured: at least one character, its recorded value here).
 */
interface Pattern {
  literals: string[];
  wildcards: Array<string | null>;
}

function pattern(recorded: string, generated: readonly string[]): Pattern {
  const tokens = [...new Set([MASK, ...generated])].filter((t) => t.length > 0);
  const literals: string[] = [];
  const wildcards: Array<string | null> = [];
  // The next place of each token at or after `at` (-1: none left): each string is searched once per token.
  const next = new Map<string, number>();
  let at = 0;
  for (;;) {
    let best: { token: string; index: number } | undefined;
    for (const token of tokens) {
      let index = next.get(token);
      if (index === undefined || (index >= 0 && index < at)) {
        index = recorded.indexOf(token, at);
        next.set(token, index);
      }
      if (index < 0) continue;
      if (!best || index < best.index || (index === best.index && token.length > best.token.length))
        best = { token, index };
    }
    if (!best) break;
    literals.push(recorded.slice(at, best.index));
    wildcards.push(best.token === MASK ? null : best.token);
    at = best.index + best.token.length;
  }
  literals.push(recorded.slice(at));
  return { literals, wildcards };
}

/**
 * Whether the live string fits the pattern; on a fit, the live value of each generated one. Each literal is
 * found at its first place after the previous one (no backtracking: time linear in the string, whatever the
 * recording holds): for wildcards that match any text, the first place is the one that leaves the most room.
 */
function fit(p: Pattern, live: string): Map<string, string> | undefined {
  const { literals, wildcards } = p;
  const first = literals[0] as string;
  if (wildcards.length === 0) return live === first ? new Map() : undefined;
  const last = literals[literals.length - 1] as string;
  const end = live.length - last.length;
  if (end < first.length || !live.startsWith(first) || !live.endsWith(last)) return undefined;
  const captures = new Map<string, string>();
  let at = first.length;
  for (let i = 0; i < wildcards.length; i++) {
    const wildcard = wildcards[i] ?? null;
    const least = wildcard === null ? 0 : 1;
    const isLast = i === wildcards.length - 1;
    const literal = isLast ? '' : (literals[i + 1] as string);
    const index = isLast ? end : live.indexOf(literal, at + least);
    if (index < 0 || index - at < least || index + literal.length > end) return undefined;
    if (wildcard !== null) captures.set(wildcard, live.slice(at, index));
    at = index + literal.length;
  }
  return captures;
}

/** Whether the live request is the recorded one; on a match, the live values of the generated ones. */
function matches(exchange: RecordedExchange, input: MockRequest, live: LiveRequest): Matched | undefined {
  const recorded = exchange.request;
  if (recorded.method.toUpperCase() !== input.method.toUpperCase()) return undefined;
  if (recorded.path !== input.path) return undefined;
  if (contentTypeOf(recorded.headers) !== contentTypeOf(input.headers)) return undefined;
  return bodyMatches(exchange, input, live);
}

function bodyMatches(exchange: RecordedExchange, input: MockRequest, live: LiveRequest): Matched | undefined {
  const recorded = exchange.request;
  const generated = generatedOf(exchange);
  const found = new Map<string, string>();
  const same = (recordedText: string, liveText: string, values: readonly string[]): boolean => {
    if (recordedText === liveText && values.length === 0) return true;
    const captures = fit(pattern(recordedText, values), liveText);
    if (!captures) return false;
    for (const [value, liveValue] of captures) found.set(value, liveValue);
    return true;
  };
  if (recorded.body !== undefined) {
    if (live.notJson) return undefined;
    return equalJson(recorded.body, live.json, 'request.body', generated, same) ? { live: found } : undefined;
  }
  const text = recorded.bodyText ?? '';
  const values = generated.get('request.bodyText') ?? [];
  if (recorded.truncated) {
    // Logged in part: the same size, and the same beginning.
    if (Buffer.byteLength(input.body) !== recorded.bytes) return undefined;
    return same(text, input.body.slice(0, text.length), values) ? { live: found } : undefined;
  }
  return same(text, input.body, values) ? { live: found } : undefined;
}

type Same = (recorded: string, live: string, generated: readonly string[]) => boolean;

function equalJson(
  recorded: unknown,
  live: unknown,
  at: string,
  generated: ReadonlyMap<string, string[]>,
  same: Same,
): boolean {
  // A masked secret stood for a value that was there (a PIN, a HashedPIN object): any such value matches.
  if (recorded === MASK) return live !== null && live !== undefined;
  if (typeof recorded === 'string') {
    if (typeof live !== 'string') return false;
    const values = generated.get(at) ?? [];
    if (values.length === 0 && !recorded.includes(MASK)) return recorded === live;
    return same(recorded, live, values);
  }
  if (Array.isArray(recorded)) {
    return (
      Array.isArray(live) &&
      live.length === recorded.length &&
      recorded.every((item, index) => equalJson(item, live[index], `${at}.${index}`, generated, same))
    );
  }
  if (recorded && typeof recorded === 'object') {
    if (!live || typeof live !== 'object' || Array.isArray(live)) return false;
    const keys = Object.keys(recorded);
    const liveKeys = Object.keys(live);
    if (keys.length !== liveKeys.length || !keys.every((k) => Object.hasOwn(live, k))) return false;
    return keys.every((key) =>
      equalJson(
        (recorded as Record<string, unknown>)[key],
        (live as Record<string, unknown>)[key],
        `${at}.${key}`,
        generated,
        same,
      ),
    );
  }
  return recorded === live;
}

/**
 * How a live request differs from a recorded one: the fields, each with what differs in words — never a
 * recorded value (a UID, an EvseID, a path), never a value of the request either.
 */
function differencesFrom(exchange: RecordedExchange, input: MockRequest, live: LiveRequest): string[] {
  const recorded = exchange.request;
  const out: string[] = [];
  if (recorded.method.toUpperCase() !== input.method.toUpperCase()) out.push('method: not the recorded one');
  if (recorded.path !== input.path) out.push('path: not the recorded one');
  if (contentTypeOf(recorded.headers) !== contentTypeOf(input.headers))
    out.push('Content-Type: not the recorded one');
  if (recorded.body === undefined || live.notJson) {
    if (recorded.body !== undefined) out.push('body: recorded JSON, received a body that is not JSON');
    else if (!bodyMatches(exchange, input, live)) out.push('body: not the recorded text');
    return out;
  }
  if (live.tooBranched) {
    out.push('body: not the recorded one (too many fields to compare one by one)');
    return out;
  }
  const generated = generatedOf(exchange);
  const recordedLeaves = leaves(recorded.body, '');
  const liveLeaves = leaves(live.json, '');
  for (const [at, value] of recordedLeaves) {
    const field = shownField(at);
    if (!liveLeaves.has(at)) {
      out.push(`${field}: in the recorded request, absent in this one`);
      continue;
    }
    const other = liveLeaves.get(at);
    const values = generated.get(`request.body${at}`) ?? [];
    const equal =
      value === MASK
        ? other !== null && other !== undefined
        : typeof value === 'string' &&
            typeof other === 'string' &&
            (values.length > 0 || value.includes(MASK))
          ? fit(pattern(value, values), other) !== undefined
          : JSON.stringify(value) === JSON.stringify(other);
    if (!equal) out.push(`${field}: not the recorded value`);
  }
  for (const at of liveLeaves.keys()) {
    if (recordedLeaves.has(at)) continue;
    // Below a recorded leaf (a masked object, a null that became an object): told there already.
    let below = false;
    for (let i = at.indexOf('.', 1); i > 0 && !below; i = at.indexOf('.', i + 1))
      below = recordedLeaves.has(at.slice(0, i));
    if (!below) out.push(`${shownField(at)}: not in the recorded request`);
  }
  return out;
}

/** A dotted field path as the 501 answer shows it: names that are no plain field name shown as `(a field)`. */
function shownField(at: string): string {
  const shown = at
    .slice(1)
    .split('.')
    .map((segment) => (SHOWN_FIELD.test(segment) ? segment : '(a field)'))
    .join('.');
  return shown || '(body)';
}

/** The leaves (and masked secrets) of a JSON value by dotted path. */
function leaves(value: unknown, at: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const stack: Array<[unknown, string]> = [[value, at]];
  while (stack.length > 0) {
    const [item, where] = stack.pop() as [unknown, string];
    if (item === MASK || item === null || typeof item !== 'object') {
      out.set(where, item);
      continue;
    }
    const entries = Array.isArray(item) ? [...item.entries()] : Object.entries(item);
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, entry] = entries[index] as [string | number, unknown];
      stack.push([entry, `${where}.${key}`]);
    }
  }
  return out;
}

/** A copy of a JSON value with every string passed through `map` (with its dotted path). */
function mapStrings(value: unknown, at: string, map: (at: string, value: string) => string): unknown {
  if (typeof value === 'string') return map(at, value);
  if (Array.isArray(value)) return value.map((item, index) => mapStrings(item, `${at}.${index}`, map));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, mapStrings(item, `${at}.${key}`, map)]),
    );
  return value;
}

function substituteAll(text: string, replacements: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [recorded, live] of replacements) out = out.split(recorded).join(live);
  return out;
}
