import { createHash } from 'node:crypto';
import { holdsInexactNumber, jsonTextDepth, loggedBodyProblem } from '../input/json-lines.ts';
import type { ScenarioVerdicts } from '../record/verdicts.ts';
import { REDACTED, type Redactor } from '../redact.ts';
import type { Scenario } from '../scenarios/types.ts';
import { MAX_JSON_DEPTH } from './request.ts';
import type { Exchange, PreparedRequest, TransportError } from './types.ts';

/**
 * One line of the exchange log (`reports/exchanges.jsonl`, docs/exchanges.md): what one scenario sent and
 * what came back, masked exactly like the request and response attachments, with the verdict of every
 * check. It is the data a comparison of two runs (src/drift/), a calibration (src/calibration/) and a
 * replay by the embedded mock (mock/replay.ts, which reads it as data) work from. Values that are fresh
 * in every run — what a `{{$uuid}}` made, the SessionID and Process-ID the target made — are listed in
 * `generated`, so that none of them reads as a difference between two runs or stops a replay matching.
 */

/** Names the format, so that a reader can tell a log it understands from another file. */
export const EXCHANGE_FORMAT = 'oicp-exchange/1';

/** Bodies beyond this are cut in the log (like attachments): a 50 MB answer is not copied into every run's log. */
export const LOGGED_BODY_LIMIT = 64 * 1024;

interface LoggedRequest {
  method: string;
  url: string;
  /** Path and query of the URL: what a replay matches (the origin changes with every mock port). */
  path: string;
  headers: Record<string, string>;
  /** The JSON body, masked; absent when the body is not JSON (then `bodyText`). */
  body?: unknown;
  bodyText?: string;
  /** The size of the body as sent, in bytes. */
  bytes: number;
  /** The body is cut in the log: `bodyText` holds its beginning, `sha256` the hash of the whole (masked). */
  truncated?: boolean;
  sha256?: string;
}

export interface LoggedAnswer {
  status: number;
  reason: string;
  /** Lower-case names, masked values. */
  headers: Record<string, string>;
  /** The JSON body, masked; absent when the body is not JSON, or too large to log (then `bodyText`). */
  body?: unknown;
  bodyText?: string;
  /** `latin1`: the body bytes were not UTF-8 and `bodyText` holds them one character per byte. */
  bodyEncoding?: 'latin1';
  /** The size of the body as received (after decompression), in bytes. */
  bytes: number;
  truncated?: boolean;
  /** With `truncated`: the SHA-256 of the whole (masked) body. */
  sha256?: string;
  elapsedMs: number;
  headersAfterMs?: number;
  /** The body did not arrive whole (too large, cut off, not decodable). */
  incomplete?: { reason: string; detail: string; receivedBytes: number };
}

/** No HTTP answer: the target did not answer in time, or no exchange took place (refused, TLS, DNS …). */
interface NoAnswer {
  kind: string;
  message: string;
  elapsedMs: number;
}

/**
 * A value that is not the same from one run to the next, by its dotted path (`request.body.SessionID`,
 * `answer.body.SessionID`, `answer.headers.process-id`). `scenario`: a generator of the scenario made it
 * (`values` are what the generators made, so that a replay can put the live ones in their place);
 * `target`: the target made it fresh for this answer.
 */
interface GeneratedValue {
  path: string;
  by: 'scenario' | 'target';
  values?: string[];
}

export interface ExchangeRecord {
  format: typeof EXCHANGE_FORMAT;
  runId: string;
  scenario: string;
  title: string;
  feature: string;
  /** `file:line` of the scenario. */
  source: string;
  profile: string;
  target: string;
  /** When the request was sent (ISO 8601). */
  at: string;
  request: LoggedRequest;
  answer?: LoggedAnswer;
  noAnswer?: NoAnswer;
  /** Attempts the retry policy took; the answer logged is the last one. */
  attempts: number;
  /** passed: no check failed (advisories and expectations not confirmed do not fail); failed otherwise. */
  verdict: 'passed' | 'failed';
  verdicts?: ScenarioVerdicts;
  generated: GeneratedValue[];
}

/** Answer headers that are made fresh for every answer: never a difference, made anew by a replay. */
export const TARGET_GENERATED_HEADERS: ReadonlySet<string> = new Set([
  'process-id',
  'date',
  'expires',
  'last-modified',
  'etag',
  'set-cookie',
  'request-id',
  'x-request-id',
  'x-correlation-id',
  'traceparent',
  'tracestate',
  'x-amzn-requestid',
  'x-amzn-trace-id',
  'x-b3-traceid',
  'x-b3-spanid',
]);

export interface LogInput {
  runId: string;
  scenario: Scenario;
  profile: { name: string; baseUrl: string };
  request: PreparedRequest;
  /** What each generator of the scenario made (`$uuid` → the UUID). */
  generatedValues: ReadonlyMap<string, string>;
  sentAt: Date;
  redactor: Redactor;
  exchange?: Exchange;
  /** When no answer arrived and the runner stopped with a transport error. */
  transportError?: TransportError;
  elapsedMs?: number;
  verdicts?: ScenarioVerdicts;
  failed: boolean;
}

/** The log line of one scenario run, every secret masked by the scenario's redactor. */
export function exchangeRecord(input: LogInput): ExchangeRecord {
  const { scenario, request, redactor, exchange } = input;
  const generatedValues = [...new Set(input.generatedValues.values())].filter((v) => v.length > 0);
  const loggedRequest = logRequest(request, redactor);
  const generated: GeneratedValue[] = scenarioGenerated(loggedRequest, generatedValues);
  const answer = exchange?.answer;
  const loggedAnswer = answer
    ? logAnswer(
        answer,
        exchange.elapsedMs,
        input.redactor,
        answer.raw?.length ?? Buffer.byteLength(answer.bodyText),
      )
    : undefined;
  if (loggedAnswer) generated.push(...answerGenerated(loggedAnswer, loggedRequest, generatedValues));
  const noAnswer: NoAnswer | undefined = loggedAnswer
    ? undefined
    : {
        kind: input.transportError?.kind ?? 'timeout',
        message: redactor.text(
          input.transportError?.message ??
            `no answer within the time budget of ${exchange?.timeBudgetMs ?? '?'} ms`,
        ),
        elapsedMs: Math.round(exchange?.elapsedMs ?? input.elapsedMs ?? 0),
      };
  return {
    format: EXCHANGE_FORMAT,
    runId: input.runId,
    scenario: scenario.id,
    title: scenario.title,
    feature: scenario.feature,
    source: `${scenario.source.file}:${scenario.source.line}`,
    profile: input.profile.name,
    target: input.profile.baseUrl,
    at: input.sentAt.toISOString(),
    request: loggedRequest,
    ...(loggedAnswer ? { answer: loggedAnswer } : {}),
    ...(noAnswer ? { noAnswer } : {}),
    attempts: exchange?.attempts ?? 1,
    verdict: input.failed ? 'failed' : 'passed',
    ...(input.verdicts ? { verdicts: input.verdicts } : {}),
    generated,
  };
}

function logRequest(request: PreparedRequest, redactor: Redactor): LoggedRequest {
  const url = new URL(request.url);
  const bytes = Buffer.byteLength(request.bodyText);
  const base = {
    method: request.method,
    url: request.url,
    path: `${url.pathname}${url.search}`,
    headers: redactor.headers(request.headers),
    bytes,
  };
  if (request.bodyJson !== undefined && readableAsJson(request.bodyText)) {
    const body = redactor.json(request.bodyJson);
    if (loggedBodyProblem(body) === undefined) return { ...base, body };
  }
  return { ...base, ...cutText(redactor.text(request.bodyText)) };
}

function logAnswer(
  answer: NonNullable<Exchange['answer']>,
  elapsedMs: number,
  redactor: Redactor,
  bytes: number,
): LoggedAnswer {
  const base = {
    status: answer.status,
    reason: redactor.text(answer.statusText),
    headers: redactor.headers(answer.headers),
    bytes,
    elapsedMs: Math.round(elapsedMs),
    ...(answer.headersAfterMs === undefined ? {} : { headersAfterMs: Math.round(answer.headersAfterMs) }),
    ...(answer.incomplete
      ? {
          incomplete: {
            reason: answer.incomplete.reason,
            detail: redactor.text(answer.incomplete.detail),
            receivedBytes: answer.incomplete.receivedBytes,
          },
        }
      : {}),
  };
  if (answer.json !== undefined && readableAsJson(answer.bodyText)) {
    const body = redactor.json(answer.json);
    if (loggedBodyProblem(body) === undefined) return { ...base, body };
  }
  // Bytes that are not UTF-8 (an answer in ISO-8859-1) are kept one character per byte, so a replay can send
  // the same bytes back; the decoded text would have lost them.
  const latin1 = answer.raw !== undefined && !answer.utf8;
  const text = latin1 ? (answer.raw as Buffer).toString('latin1') : answer.bodyText;
  return { ...base, ...cutText(redactor.text(text)), ...(latin1 ? { bodyEncoding: 'latin1' as const } : {}) };
}

/**
 * Whether a JSON body is logged as JSON (`body`) rather than as its text: only when every reader of the log can
 * take it as it is — no deeper than an answer is ever parsed, and no number JavaScript cannot hold exactly (a
 * 900-digit SessionID would be written back as another number, or as `null`: as text it keeps its digits,
 * so that a replay sends what the target sent). A body too large or too branched for the log's limits
 * (loggedBodyProblem) is logged as text too.
 */
function readableAsJson(text: string): boolean {
  return jsonTextDepth(text) <= MAX_JSON_DEPTH && !holdsInexactNumber(text);
}

function cutText(text: string): { bodyText: string; truncated?: true; sha256?: string } {
  if (text.length <= LOGGED_BODY_LIMIT) return { bodyText: text };
  return {
    bodyText: text.slice(0, LOGGED_BODY_LIMIT),
    truncated: true,
    sha256: createHash('sha256').update(text).digest('hex'),
  };
}

/** Every string of a JSON value with its dotted path (`StatusCode.Code`, `AuthorizationStopIdentifications.0.…`). */
function stringLeaves(value: unknown, prefix: string): Array<[string, string]> {
  return jsonNodes(value, prefix).flatMap(([at, item]) =>
    typeof item === 'string' ? [[at, item] as [string, string]] : [],
  );
}

/**
 * Every node of a JSON value (objects, arrays and leaves) with its dotted path, in document order; array items
 * are numbered (`AuthorizationStopIdentifications.0`). Iterative: a deeply nested answer cannot overflow the stack.
 */
export function jsonNodes(value: unknown, prefix: string): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  const stack: Array<[string, unknown]> = [[prefix, value]];
  while (stack.length > 0) {
    const [at, item] = stack.pop() as [string, unknown];
    out.push([at, item]);
    const children: Array<[string, unknown]> = Array.isArray(item)
      ? item.map((entry, index) => [`${at}.${index}`, entry])
      : item && typeof item === 'object'
        ? Object.entries(item).map(([key, entry]) => [`${at}.${key}`, entry])
        : [];
    for (let index = children.length - 1; index >= 0; index--)
      stack.push(children[index] as [string, unknown]);
  }
  return out;
}

/** The request values a generator of the scenario made (wholly or in part). */
function scenarioGenerated(request: LoggedRequest, values: readonly string[]): GeneratedValue[] {
  if (values.length === 0) return [];
  const leaves =
    request.body !== undefined
      ? stringLeaves(request.body, 'request.body')
      : [['request.bodyText', request.bodyText ?? ''] as [string, string]];
  return leaves.flatMap(([at, text]) => {
    const found = values.filter((v) => text.includes(v));
    return found.length > 0 ? [{ path: at, by: 'scenario' as const, values: found }] : [];
  });
}

/**
 * The answer values that differ from run to run: those that carry back what a generator of the scenario made
 * (an echoed CPOPartnerSessionID), the SessionID the target made, and the headers every answer gets afresh.
 */
function answerGenerated(
  answer: LoggedAnswer,
  request: LoggedRequest,
  values: readonly string[],
): GeneratedValue[] {
  const generated: GeneratedValue[] = [];
  const sent = new Set(request.body !== undefined ? stringLeaves(request.body, '').map(([, v]) => v) : []);
  if (answer.body !== undefined) {
    for (const [at, text] of stringLeaves(answer.body, 'answer.body')) {
      const found = values.filter((v) => text.includes(v));
      if (found.length > 0) generated.push({ path: at, by: 'scenario', values: found });
      else if (at === 'answer.body.SessionID' && !sent.has(text) && text !== REDACTED)
        generated.push({ path: at, by: 'target' });
    }
  }
  for (const name of Object.keys(answer.headers))
    if (TARGET_GENERATED_HEADERS.has(name.toLowerCase()))
      generated.push({ path: `answer.headers.${name.toLowerCase()}`, by: 'target' });
  return generated;
}
