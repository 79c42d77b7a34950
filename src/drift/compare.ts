import { type ExchangeRecord, jsonNodes, TARGET_GENERATED_HEADERS } from '../exchange/log-entry.ts';
import { REDACTED } from '../redact.ts';

/**
 * Drift between two runs, scenario by scenario: where does one target (a mock) answer differently from
 * another (Hubject QA)? Pure: two exchange logs in, a comparison out (drift.md and drift.json are written
 * from it, src/drift/report.ts). Scenarios are matched by id. Values that are fresh in every run (what a
 * `{{$uuid}}` made, the SessionID and Process-ID a target made, dates) never count; values two targets may
 * legitimately hold differently (the ProviderID of another EMP's test card) are shown, never counted.
 */

/**
 * In the order a reader needs them. A scenario falls in the first that applies: only in one run, else a
 * different outcome, else a different shape, else a different verdict, else the same.
 */
export const DRIFT_GROUPS = ['outcome', 'shape', 'verdict', 'only-a', 'only-b', 'same'] as const;
export type DriftGroup = (typeof DRIFT_GROUPS)[number];

export const GROUP_TITLES: Record<DriftGroup, string> = {
  outcome: 'Different outcome',
  shape: 'Different shape',
  verdict: 'Different verdict',
  'only-a': 'Only in A',
  'only-b': 'Only in B',
  same: 'Same',
};

/** One side's facts of one scenario, as drift.md shows them side by side. */
interface Side {
  /** `200 OK`, or `no answer (timeout)`. */
  status: string;
  authorizationStatus: string;
  statusCode: string;
  contentType: string;
  processId: string;
  elapsedMs: number;
  /** `passed`, or `failed: check, check`; then advisories and expectations not confirmed. */
  verdict: string;
}

export interface Difference {
  /** What differs: `HTTP status`, `StatusCode.Description`, `Content-Type charset`, `header Process-ID`, … */
  where: string;
  a: string;
  b: string;
}

export interface ScenarioDrift {
  scenario: string;
  title: string;
  group: DriftGroup;
  a?: Side;
  b?: Side;
  /** HTTP status, AuthorizationStatus, StatusCode.Code. */
  outcome: Difference[];
  /** Fields present vs absent, null vs absent, types, content type and charset, notable headers. */
  shape: Difference[];
  /** The checks' verdicts, when they differ. */
  verdict?: Difference;
  /** Values that differ where outcome and shape agree (never counted as drift: targets hold other test data). */
  values: Difference[];
}

interface RunSide {
  /** The log read, as the user named it. */
  file: string;
  runIds: string[];
  profiles: string[];
  targets: string[];
  exchanges: number;
  /** When its first exchange was sent. */
  startedAt?: string;
}

export interface Drift {
  a: RunSide;
  b: RunSide;
  counts: Record<DriftGroup, number>;
  scenarios: ScenarioDrift[];
  /** Header names one run's answers carry and the other's never do (beyond the notable ones compared per scenario). */
  headersOnlyIn: { a: string[]; b: string[] };
}

/** Headers whose presence is part of the contract as Hubject answers it (Process-ID for support tickets). */
const NOTABLE_HEADERS = ['process-id'] as const;

/** Transport framing and per-answer headers: not a difference between two targets. */
const IGNORED_HEADERS = new Set([
  ...TARGET_GENERATED_HEADERS,
  'content-type',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
]);

export function compareRuns(
  a: { file: string; records: readonly ExchangeRecord[] },
  b: { file: string; records: readonly ExchangeRecord[] },
): Drift {
  const left = keyedByScenario(a.records);
  const right = keyedByScenario(b.records);
  const ids = [...left.keys(), ...[...right.keys()].filter((id) => !left.has(id))];
  const scenarios = ids.map((id) => compareScenario(id, left.get(id), right.get(id)));
  const counts = Object.fromEntries(DRIFT_GROUPS.map((g) => [g, 0])) as Record<DriftGroup, number>;
  for (const s of scenarios) counts[s.group] += 1;
  const headersA = headerNames(a.records);
  const headersB = headerNames(b.records);
  return {
    a: runSide(a.file, a.records),
    b: runSide(b.file, b.records),
    counts,
    scenarios,
    headersOnlyIn: {
      a: [...headersA].filter((h) => !headersB.has(h)).sort(),
      b: [...headersB].filter((h) => !headersA.has(h)).sort(),
    },
  };
}

/** By scenario id; a scenario run twice in one log (--repeat-each) is `id#2`, `id#3`, … */
export function keyedByScenario(records: readonly ExchangeRecord[]): Map<string, ExchangeRecord> {
  const out = new Map<string, ExchangeRecord>();
  // The next number to try per id: a log holding one id many times stays linear.
  const next = new Map<string, number>();
  for (const record of records) {
    let key = record.scenario;
    if (out.has(key)) {
      let n = next.get(record.scenario) ?? 2;
      do key = `${record.scenario}#${n++}`;
      while (out.has(key));
      next.set(record.scenario, n);
    }
    out.set(key, record);
  }
  return out;
}

function runSide(file: string, records: readonly ExchangeRecord[]): RunSide {
  const distinct = (values: string[]) => [...new Set(values)];
  const started = records.map((r) => r.at).sort()[0];
  return {
    file,
    runIds: distinct(records.map((r) => r.runId)),
    profiles: distinct(records.map((r) => r.profile)),
    targets: distinct(records.map((r) => r.target)),
    exchanges: records.length,
    ...(started ? { startedAt: started } : {}),
  };
}

function headerNames(records: readonly ExchangeRecord[]): Set<string> {
  const names = new Set<string>();
  for (const r of records)
    for (const name of Object.keys(r.answer?.headers ?? {}))
      if (!IGNORED_HEADERS.has(name.toLowerCase())) names.add(name.toLowerCase());
  return names;
}

function compareScenario(
  id: string,
  a: ExchangeRecord | undefined,
  b: ExchangeRecord | undefined,
): ScenarioDrift {
  const title = a?.title ?? b?.title ?? id;
  const base = { scenario: id, title, outcome: [], shape: [], values: [] };
  if (!a || !b) {
    const only = (a ?? b) as ExchangeRecord;
    return { ...base, group: a ? 'only-a' : 'only-b', ...(a ? { a: side(only) } : { b: side(only) }) };
  }
  const outcome = outcomeDifferences(a, b);
  const shape = shapeDifferences(a, b);
  const verdictA = verdictWords(a);
  const verdictB = verdictWords(b);
  const verdict = verdictA === verdictB ? undefined : { where: 'verdict', a: verdictA, b: verdictB };
  const values = valueDifferences(a, b);
  const group: DriftGroup =
    outcome.length > 0 ? 'outcome' : shape.length > 0 ? 'shape' : verdict ? 'verdict' : 'same';
  return {
    ...base,
    group,
    a: side(a),
    b: side(b),
    outcome,
    shape,
    ...(verdict ? { verdict } : {}),
    values,
  };
}

function side(record: ExchangeRecord): Side {
  const answer = record.answer;
  const body = objectBody(record);
  const statusCode = body?.StatusCode as Record<string, unknown> | undefined;
  return {
    status: answer
      ? `${answer.status} ${answer.reason}`.trim()
      : `no answer (${record.noAnswer?.kind ?? '?'})`,
    authorizationStatus: shown(body?.AuthorizationStatus),
    statusCode: shown(statusCode && typeof statusCode === 'object' ? statusCode.Code : undefined),
    contentType: answer ? (header(record, 'content-type') ?? '(none)') : '—',
    processId: answer ? (header(record, 'process-id') ? 'present' : 'absent') : '—',
    elapsedMs: answer?.elapsedMs ?? record.noAnswer?.elapsedMs ?? 0,
    verdict: verdictWords(record),
  };
}

function objectBody(record: ExchangeRecord): Record<string, unknown> | undefined {
  const body = record.answer?.body;
  return body && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

function header(record: ExchangeRecord, name: string): string | undefined {
  const entry = Object.entries(record.answer?.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return entry?.[1];
}

function shown(value: unknown): string {
  return value === undefined ? '(absent)' : JSON.stringify(value);
}

function outcomeDifferences(a: ExchangeRecord, b: ExchangeRecord): Difference[] {
  const differences: Difference[] = [];
  const statusOf = (r: ExchangeRecord) =>
    r.answer ? String(r.answer.status) : `no answer (${r.noAnswer?.kind ?? '?'})`;
  if (statusOf(a) !== statusOf(b)) differences.push({ where: 'HTTP status', a: statusOf(a), b: statusOf(b) });
  const bodyA = objectBody(a);
  const bodyB = objectBody(b);
  const authorization = [shown(bodyA?.AuthorizationStatus), shown(bodyB?.AuthorizationStatus)] as const;
  if (authorization[0] !== authorization[1])
    differences.push({ where: 'AuthorizationStatus', a: authorization[0], b: authorization[1] });
  const codeOf = (body: Record<string, unknown> | undefined) => {
    const statusCode = body?.StatusCode;
    return shown(
      statusCode && typeof statusCode === 'object' ? (statusCode as Record<string, unknown>).Code : undefined,
    );
  };
  if (codeOf(bodyA) !== codeOf(bodyB))
    differences.push({ where: 'StatusCode.Code', a: codeOf(bodyA), b: codeOf(bodyB) });
  return differences;
}

/** `json`, `text`, `empty` or `no answer`: what kind of body came back. */
function bodyKind(record: ExchangeRecord): string {
  const answer = record.answer;
  if (!answer) return 'no answer';
  if (answer.body !== undefined) return 'JSON';
  if (!answer.bodyText) return 'empty';
  return answer.incomplete ? `incomplete (${answer.incomplete.reason})` : 'not JSON';
}

function mediaType(record: ExchangeRecord): { type: string; charset: string } {
  const value = header(record, 'content-type');
  if (value === undefined) return { type: '(none)', charset: '(none)' };
  const [type, ...parameters] = value.split(';').map((p) => p.trim());
  const charset = parameters.find((p) => /^charset=/i.test(p))?.slice('charset='.length);
  return {
    type: (type ?? '').toLowerCase(),
    charset: charset ? charset.replace(/^"|"$/g, '').toLowerCase() : '(none)',
  };
}

/** The JSON type of each path of a body (array items generalised to `[]`), a set per path. */
function shapeOf(body: unknown): Map<string, Set<string>> {
  const shape = new Map<string, Set<string>>();
  for (const [at, value] of jsonNodes(body, '')) {
    const path = at
      .split('.')
      .slice(1)
      .map((segment) => (/^\d+$/.test(segment) ? '[]' : segment))
      .join('.')
      .replace(/\.\[\]/g, '[]');
    if (path === '') continue;
    const type =
      value === null
        ? 'null'
        : Array.isArray(value)
          ? 'array'
          : typeof value === 'object'
            ? 'object'
            : typeof value;
    shape.set(path, (shape.get(path) ?? new Set()).add(type));
  }
  return shape;
}

const ARTICLE: Record<string, string> = {
  null: 'null',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
};

function words(types: Set<string> | undefined): string {
  if (!types) return 'absent';
  return [...types]
    .sort()
    .map((t) => ARTICLE[t] ?? t)
    .join(' or ');
}

function shapeDifferences(a: ExchangeRecord, b: ExchangeRecord): Difference[] {
  if (!a.answer || !b.answer) return [];
  const differences: Difference[] = [];
  const kinds = [bodyKind(a), bodyKind(b)] as const;
  if (kinds[0] !== kinds[1]) differences.push({ where: 'body', a: kinds[0], b: kinds[1] });
  const typeA = mediaType(a);
  const typeB = mediaType(b);
  if (typeA.type !== typeB.type) differences.push({ where: 'Content-Type', a: typeA.type, b: typeB.type });
  if (typeA.charset !== typeB.charset)
    differences.push({ where: 'Content-Type charset', a: typeA.charset, b: typeB.charset });
  for (const name of NOTABLE_HEADERS) {
    const presence = (r: ExchangeRecord) => (header(r, name) === undefined ? 'absent' : 'present');
    if (presence(a) !== presence(b))
      differences.push({ where: `header ${displayHeader(name)}`, a: presence(a), b: presence(b) });
  }
  if (a.answer.body === undefined || b.answer.body === undefined) return differences;
  const shapeA = shapeOf(a.answer.body);
  const shapeB = shapeOf(b.answer.body);
  const differing = new Set<string>();
  for (const path of new Set([...shapeA.keys(), ...shapeB.keys()])) {
    // Below a field that differs already (an object in one, null in the other), every child would differ too.
    if (parentsOf(path).some((parent) => differing.has(parent))) continue;
    const left = words(shapeA.get(path));
    const right = words(shapeB.get(path));
    if (left === right) continue;
    differing.add(path);
    differences.push({ where: path, a: left, b: right });
  }
  return differences;
}

/** The paths above a shape path: `A`, `A.B` and `A.B.C` above `A.B.C[].D` (linear in the path, not in the body). */
function parentsOf(path: string): string[] {
  const parents: string[] = [];
  for (let i = 1; i < path.length; i++)
    if (path[i] === '.' || (path[i] === '[' && path[i + 1] === ']')) parents.push(path.slice(0, i));
  return parents;
}

function displayHeader(name: string): string {
  return name === 'process-id' ? 'Process-ID' : name;
}

/** Values both answers hold with the same type but not the same content; generated and masked ones left out. */
function valueDifferences(a: ExchangeRecord, b: ExchangeRecord): Difference[] {
  if (a.answer?.body === undefined || b.answer?.body === undefined) return [];
  // Generated values never differ; the outcome's own fields are told as outcome.
  const generated = new Set([
    ...[...a.generated, ...b.generated].map((g) => g.path),
    'answer.body.AuthorizationStatus',
    'answer.body.StatusCode.Code',
  ]);
  const leaves = (record: ExchangeRecord) =>
    new Map(
      jsonNodes(record.answer?.body, 'answer.body').filter(([, v]) => v === null || typeof v !== 'object'),
    );
  const left = leaves(a);
  const right = leaves(b);
  const differences: Difference[] = [];
  for (const [path, value] of left) {
    if (generated.has(path) || !right.has(path)) continue;
    const other = right.get(path);
    if (typeof other !== typeof value || other === null || value === null) continue;
    if (JSON.stringify(value) === JSON.stringify(other)) continue;
    if (String(value).includes(REDACTED) || String(other).includes(REDACTED)) continue;
    differences.push({
      where: path.slice('answer.body.'.length),
      a: JSON.stringify(value),
      b: JSON.stringify(other),
    });
  }
  return differences;
}

/** The verdict in words: passed or the failed checks, then advisories and expectations not confirmed. */
export function verdictWords(record: ExchangeRecord): string {
  // A log is read against its schema first (src/exchange/log-file.ts); a record given otherwise still never
  // makes a list of what is not one.
  const verdicts = (record.verdicts ?? {}) as unknown as Record<string, unknown>;
  const names = (list: unknown, key: 'check' | 'expectation') =>
    [
      ...new Set(
        (Array.isArray(list) ? (list as unknown[]) : []).map((item) =>
          item && typeof item === 'object' ? String((item as Record<string, unknown>)[key] ?? '') : '',
        ),
      ),
    ]
      .sort()
      .join(', ');
  const failed = names(verdicts?.failed, 'check');
  const parts = [record.verdict === 'failed' ? `failed${failed ? `: ${failed}` : ''}` : 'passed'];
  const advisories = names(verdicts?.advisories, 'check');
  if (advisories) parts.push(`advisories: ${advisories}`);
  const unconfirmed = names(verdicts?.unconfirmed, 'expectation');
  if (unconfirmed) parts.push(`not confirmed: ${unconfirmed}`);
  return parts.join('; ');
}
