import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { MockRequest, MockResponse } from './types.ts';

/**
 * Replay: the mock answers from a recorded run (a conformance run's `exchanges.jsonl`, docs/exchanges.md),
 * so that CI can hold a client to Hubject QA's real behaviour without touching QA. The log is read as data,
 * by its format and its schema (schemas/exchange-record.schema.json): the mock shares no code with the suite.
 *
 * A request matching a recorded one gets the recorded status, reason, headers and body. What the recording
 * marks as generated does not have to match and is made afresh: values a scenario generated are taken from
 * the live request (an echoed CPOPartnerSessionID echoes the one sent now), a SessionID or Process-ID the
 * target made is a new GUID, a Date header says now. Secrets were masked as `***` in the recording: there
 * they match whatever the live request carries. A request nothing matches gets HTTP 501 naming the closest
 * recorded scenario and how the request differs from it.
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

/** Reads a recording: a reports folder (its exchanges.jsonl) or the log itself. Every line is checked. */
export function loadReplayLog(given: string): ReplayLog {
  let file = path.resolve(given);
  const shown = (f: string) => {
    const relative = path.relative(process.cwd(), f);
    return relative && !relative.startsWith('..') ? relative : f;
  };
  let source = shown(file);
  let text: string;
  try {
    if (fs.statSync(file).isDirectory()) file = path.join(file, LOG_FILE);
    source = shown(file);
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ReplayLogError(
      `cannot read the recording ${source}: ${code === 'ENOENT' ? 'no such file (name a reports folder of a run, or its exchanges.jsonl)' : String(error)}`,
    );
  }
  const validate = recordValidator();
  const exchanges: RecordedExchange[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (error) {
      problems.push(`${source}:${index + 1}: not JSON (${(error as Error).message})`);
      return;
    }
    if ((data as { format?: unknown } | null)?.format !== FORMAT) {
      problems.push(`${source}:${index + 1}: not an exchange record (format '${FORMAT}' expected)`);
      return;
    }
    if (!validate(data)) {
      const first = validate.errors?.[0];
      problems.push(
        `${source}:${index + 1}: ${first?.instancePath || '(record)'} ${first?.message ?? 'is invalid'}`,
      );
      return;
    }
    exchanges.push(data as RecordedExchange);
  });
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

  answer(input: MockRequest): MockResponse {
    const live = parseLive(input);
    let best: { candidate: Candidate; matched: Matched } | undefined;
    for (const candidate of this.candidates) {
      const matched = matches(candidate.exchange, input, live);
      // Several recordings of the same request (identical scenarios): taken in turn.
      if (matched && (!best || candidate.served < best.candidate.served)) best = { candidate, matched };
    }
    if (!best) return this.unmatched(input, live);
    const { candidate, matched } = best;
    const generation = candidate.served++;
    return this.replayed(candidate.exchange, matched, generation);
  }

  private replayed(exchange: RecordedExchange, matched: Matched, generation: number): MockResponse {
    const answer = exchange.answer;
    const timing = this.options.timing === 'recorded';
    if (!answer) {
      // The recorded target did not answer: neither does the replay (after the recorded wait for a timeout).
      const waited = exchange.noAnswer?.kind === 'timeout' ? Math.max(exchange.noAnswer.elapsedMs, 1_000) : 0;
      return { status: 504, headers: {}, body: '', drop: true, delayMs: waited };
    }
    const renew = (recorded: string) => this.renewed(recorded, generation);
    const substitute = (text: string) => substituteAll(text, matched.live);
    const targetMade = new Set(exchange.generated.filter((g) => g.by === 'target').map((g) => g.path));
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      const lower = name.toLowerCase();
      if (FRAMING_HEADERS.has(lower)) continue;
      if (targetMade.has(`answer.headers.${lower}`))
        headers[name] =
          DATE_HEADERS.has(lower) && !Number.isNaN(Date.parse(value))
            ? new Date().toUTCString()
            : renew(value);
      else headers[name] = substitute(value);
    }
    let body: string;
    if (answer.body !== undefined) {
      const fresh = mapStrings(answer.body, 'answer.body', (at, value) =>
        targetMade.has(at) ? renew(value) : substitute(value),
      );
      body = JSON.stringify(fresh);
    } else body = substitute(answer.bodyText ?? '');
    const encoding = answer.bodyEncoding === 'latin1' ? 'latin1' : 'utf8';
    // An answer too large to log whole, or too large to read, stays as large as it was.
    const size = answer.incomplete ? Math.max(answer.incomplete.receivedBytes, answer.bytes) : answer.bytes;
    const missing = size - Buffer.byteLength(body, encoding);
    if (missing > 0 && (answer.body !== undefined || answer.truncated || answer.incomplete))
      body += ' '.repeat(missing);
    return {
      status: answer.status,
      reason: answer.reason,
      headers,
      body,
      ...(encoding === 'latin1' ? { encoding } : {}),
      ...(timing ? { delayMs: Math.round(answer.elapsedMs) } : {}),
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

  private unmatched(input: MockRequest, live: LiveRequest): MockResponse {
    const ranked = this.candidates
      .map(({ exchange }) => ({ exchange, differences: differencesFrom(exchange, input, live) }))
      .sort((a, b) => a.differences.length - b.differences.length);
    const closest = ranked[0];
    const differences = closest?.differences.slice(0, 8) ?? [];
    const scenario = closest?.exchange.scenario;
    const body = {
      message: `No recorded exchange matches this request (replay of ${this.log.source}, ${this.log.exchanges.length} exchanges)${scenario ? `: the closest is scenario '${scenario}'${closest?.exchange.title ? ` (${closest.exchange.title})` : ''}, which differs in ${differences.map((d) => d.split(':')[0]).join(', ')}` : ''}`,
      closestScenario: scenario ?? null,
      differences,
      replay: this.log.source,
    };
    return {
      status: 501,
      reason: 'Not Implemented',
      headers: { 'Content-Type': 'application/json;charset=utf-8', 'Process-ID': randomUUID() },
      body: JSON.stringify(body),
    };
  }
}

interface LiveRequest {
  json?: unknown;
  /** The body did not parse as JSON. */
  notJson: boolean;
}

function parseLive(input: MockRequest): LiveRequest {
  try {
    return { json: JSON.parse(input.body), notJson: false };
  } catch {
    return { notJson: true };
  }
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
 * A recorded string as a pattern: `***` (a masked secret) matches anything, each generated value is captured;
 * everything else literally.
 */
function pattern(recorded: string, generated: readonly string[]): { regex: RegExp; captures: string[] } {
  const tokens = [MASK, ...generated].filter((t) => t.length > 0).sort((a, b) => b.length - a.length);
  const captures: string[] = [];
  let source = '';
  let rest = recorded;
  while (rest.length > 0) {
    const next = tokens
      .map((token) => ({ token, index: rest.indexOf(token) }))
      .filter((t) => t.index >= 0)
      .sort((a, b) => a.index - b.index || b.token.length - a.token.length)[0];
    if (!next) {
      source += literally(rest);
      break;
    }
    source += literally(rest.slice(0, next.index));
    if (next.token === MASK) source += '[\\s\\S]*?';
    else {
      source += '([\\s\\S]+?)';
      captures.push(next.token);
    }
    rest = rest.slice(next.index + next.token.length);
  }
  return { regex: new RegExp(`^${source}$`), captures };
}

function literally(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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
    const { regex, captures } = pattern(recordedText, values);
    const match = regex.exec(liveText);
    if (!match) return false;
    captures.forEach((value, index) => {
      found.set(value, match[index + 1] as string);
    });
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

/** How a live request differs from a recorded one, in words (field names and recorded values; never a PIN). */
function differencesFrom(exchange: RecordedExchange, input: MockRequest, live: LiveRequest): string[] {
  const recorded = exchange.request;
  const out: string[] = [];
  if (recorded.method.toUpperCase() !== input.method.toUpperCase())
    out.push(`method: recorded ${recorded.method}, received ${input.method}`);
  if (recorded.path !== input.path) out.push(`path: recorded ${recorded.path}, received ${input.path}`);
  if (contentTypeOf(recorded.headers) !== contentTypeOf(input.headers))
    out.push(
      `Content-Type: recorded ${contentTypeOf(recorded.headers) || '(none)'}, received ${contentTypeOf(input.headers) || '(none)'}`,
    );
  if (recorded.body === undefined || live.notJson) {
    if (recorded.body !== undefined) out.push('body: recorded JSON, received a body that is not JSON');
    else if (!bodyMatches(exchange, input, live)) out.push('body: not the recorded text');
    return out;
  }
  const generated = generatedOf(exchange);
  const recordedLeaves = leaves(recorded.body, '');
  const liveLeaves = leaves(live.json, '');
  for (const [at, value] of recordedLeaves) {
    const field = at.slice(1) || '(body)';
    if (!liveLeaves.has(at)) {
      out.push(`${field}: recorded ${show(value)}, absent in the request`);
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
          ? pattern(value, values).regex.test(other)
          : JSON.stringify(value) === JSON.stringify(other);
    if (!equal) out.push(`${field}: recorded ${show(value)}, received ${secretKey(at) ? MASK : show(other)}`);
  }
  for (const at of liveLeaves.keys())
    if (!recordedLeaves.has(at) && ![...recordedLeaves.keys()].some((r) => at.startsWith(`${r}.`)))
      out.push(`${at.slice(1)}: not in the recorded request`);
  return out;
}

/** Keys whose values are secret in OICP requests: never echoed by the 501 answer. */
function secretKey(at: string): boolean {
  return /\.(PIN|HashedPIN|Value|Salt)(\.|$)/.test(at);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** The leaves (and masked secrets) of a JSON value by dotted path. */
function leaves(value: unknown, at: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (item: unknown, where: string) => {
    if (item === MASK || item === null || typeof item !== 'object') {
      out.set(where, item);
      return;
    }
    for (const [key, entry] of Array.isArray(item) ? item.entries() : Object.entries(item))
      walk(entry, `${where}.${key}`);
  };
  walk(value, at);
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
