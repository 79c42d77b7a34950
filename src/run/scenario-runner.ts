import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { answerObject, type Check, type CheckContext, CheckFailure, requestObject } from '../checks/check.ts';
import { CHECKS } from '../checks/registry.ts';
import type { Profile } from '../config/profile.ts';
import { curlCommand } from '../exchange/curl.ts';
import { type ExchangeRecord, exchangeRecord, type LogInput } from '../exchange/log-entry.ts';
import { decodeAnswer, prepareRequest } from '../exchange/request.ts';
import {
  type Exchange,
  type HttpAnswer,
  type IncompleteBody,
  type PreparedRequest,
  type ReceivedAnswer,
  type Transport,
  TransportError,
} from '../exchange/types.ts';
import { displayPath } from '../input/errors.ts';
import {
  type AnswerSummary,
  basisWords,
  checkVerdict,
  type ScenarioVerdicts,
  type UnconfirmedExpectation,
  VERDICTS_ATTACHMENT,
} from '../record/verdicts.ts';
import { isSecretVariable, Redactor, secretValuesOfBody, secretVariableValues } from '../redact.ts';
import { requestViolations } from '../scenarios/lint.ts';
import { placeholderNames, placeholdersOf, resolveScenario } from '../scenarios/resolve.ts';
import type { RelaxedRule, Scenario } from '../scenarios/types.ts';
import { formatViolations, type SchemaRegistry } from '../schemas/registry.ts';
import { cutLine } from '../text.ts';
import { type FailFast, LATE_ANSWER_GRACE_MS } from './fail-fast.ts';
import { type Judgement, judgeFinding } from './judgement.ts';

/** How the runner reports: a Playwright/Allure implementation in specs/, a recording one in tests. */
export interface RunHooks {
  step<T>(title: string, body: () => Promise<T>): Promise<T>;
  attach(name: string, contentType: string, body: string): Promise<void>;
  /** A best-practice finding: reported, never fails the scenario. */
  advisory(failure: CheckFailure): Promise<void>;
  /** The answer judged, masked, by value (it is attached as response-headers.json too). */
  answered?(response: ResponseEvidence): Promise<void>;
  /** The scenario's verdicts once its checks ran, by value (attached once, as verdicts.json). */
  judged?(verdicts: ScenarioVerdicts): Promise<void>;
}

/** The answer judged as the evidence shows it (masked): status line, timing, headers. */
export interface ResponseEvidence {
  /** `<code> <reason phrase>`. */
  status: string;
  elapsedMs: number;
  headersAfterMs?: number;
  /** Set when the headers arrived but the body did not arrive whole. */
  incomplete?: IncompleteBody;
  headers: Record<string, string>;
}

export interface RunDependencies {
  profile: Profile;
  transport: Transport;
  schemas: SchemaRegistry;
  hooks: RunHooks;
  checks?: readonly Check[];
  /** Told the outcome of every attempt, so that a dead target stops the run (absent in unit tests). */
  failFast?: Pick<FailFast, 'record'>;
  /** The scenario's YAML as written in its file (absent for a generated case), attached as the definition. */
  scenarioSource?: string;
  /** Told every exchange, masked, with its verdicts: the run's exchange log (docs/exchanges.md). */
  exchangeLog?: { runId: string; record(entry: ExchangeRecord): void };
}

export interface ScenarioOutcome {
  exchange?: Exchange;
  failures: CheckFailure[];
  advisories: CheckFailure[];
  /** Expectations that are not OICP rules and that the target did not meet: reported, never failures. */
  unconfirmed: UnconfirmedExpectation[];
}

/** The scenario's request is not what the scenario says it is (a valid request marked invalid, or the reverse). */
export class RequestLintError extends Error {
  override name = 'RequestLintError';
}

/** One or more checks failed; the message lists each with expected and received. */
export class ScenarioFailed extends Error {
  override name = 'ScenarioFailed';
  readonly failures: CheckFailure[];

  /**
   * The message names the failed checks only: each check's own step states what it expected and received,
   * and the rule, beside the answer it judged — a report page shows each failure once.
   */
  constructor(failures: CheckFailure[], hint?: string) {
    super(
      `${failures.length} check(s) failed: ${failures.map((f) => f.check).join(', ')} — expected, received and rule of each in its step${hint ? `\n\n${hint}` : ''}`,
    );
    this.failures = failures;
  }
}

/** The answer body, attached again inside the first failed check's step (`.json`, or `.txt` when it is not JSON). */
const ANSWER_BODY_ATTACHMENT = 'answer-body';

/** The answer body as the evidence shows it: JSON pretty-printed, anything else as it came (masked either way). */
function answerBodyText(shown: { json?: unknown; bodyText: string }): string {
  return shown.json === undefined ? shown.bodyText : json(shown.json);
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/**
 * Runs one scenario (docs/architecture.md, "The way of one scenario"): resolve, lint the request, send, check, report.
 * Throws when the scenario fails (a ScenarioFailed listing every failed check, a RequestLintError, a
 * TransportError); advisories are reported through the hooks and never throw.
 */
export async function runScenario(scenario: Scenario, deps: RunDependencies): Promise<ScenarioOutcome> {
  const { profile, hooks } = deps;
  // The scenario's secrets: the profile's, the passphrase, and whatever the request as written carries.
  const written = scenarioRedactor(profile).with(
    secretValuesOfBody(scenario.request.body, scenario.request.rawBody),
  );
  await reportDefinition(scenario, deps, written);
  const generatedValues = new Map<string, string>();
  const { resolved, request, redactor } = await resolveAndLint(scenario, deps, generatedValues, written);
  const sentAt = new Date();
  const logExchange = (outcome: Pick<LogInput, 'exchange' | 'transportError' | 'verdicts' | 'failed'>) =>
    deps.exchangeLog?.record(
      exchangeRecord({
        runId: deps.exchangeLog.runId,
        scenario,
        profile,
        request,
        generatedValues,
        sentAt,
        redactor,
        elapsedMs: Date.now() - sentAt.getTime(),
        ...outcome,
      }),
    );
  const exchange = await hooks
    .step(`Send POST ${request.url}`, async () => {
      await hooks.attach('request.json', 'application/json', requestEvidence(request, redactor));
      await hooks.attach('reproduce.sh', 'text/plain', curlCommand(request, redactor));
      return send(resolved, request, deps, redactor);
    })
    .catch((error: unknown) => {
      // No answer at all is an exchange too: the log says what was sent and that nothing came back.
      if (error instanceof TransportError) logExchange({ transportError: error, failed: true });
      throw error;
    });

  const judged = judgeAnswer(exchange, deps, redactor);
  const { failures, advisories, unconfirmed } = await reportFindings(
    judged.findings,
    exchange,
    hooks,
    redactor,
  );
  if (judged.passed.length > 0)
    await hooks.step(
      `${judged.passed.length} check(s) passed: ${judged.passed.join(', ')}`,
      async () => undefined,
    );
  const answer = answerSummary(exchange);
  const verdicts: ScenarioVerdicts = {
    scenario: scenario.id,
    attempts: exchange.attempts,
    failed: failures.map(checkVerdict),
    advisories: advisories.map(checkVerdict),
    unconfirmed,
    passed: judged.passed,
    notApplicable: judged.notApplicable,
    ...(answer ? { answer } : {}),
    ...(scenario.fromProfile?.length ? { fromProfile: scenario.fromProfile } : {}),
    ...relaxedRules(scenario, advisories, profile.name),
  };
  await hooks.attach(VERDICTS_ATTACHMENT, 'application/json', json(verdicts));
  await hooks.judged?.(verdicts);
  logExchange({ exchange, verdicts, failed: failures.length > 0 });
  if (failures.length > 0) {
    const hint = testDataHint(scenario, resolved, profile, failures, redactor);
    if (hint) await hooks.attach('test-data-hint.txt', 'text/plain', hint);
    throw new ScenarioFailed(failures, hint);
  }
  return { exchange, failures, advisories, unconfirmed };
}

/**
 * The step that resolves the scenario's variables, prepares the request and lints it. Returns the redactor
 * that also masks what the resolved request carries (a PIN the profile supplies under another name).
 */
async function resolveAndLint(
  scenario: Scenario,
  deps: RunDependencies,
  generatedValues: Map<string, string>,
  redactor: Redactor,
): Promise<{ resolved: Scenario; request: PreparedRequest; redactor: Redactor }> {
  const { profile, hooks } = deps;
  return hooks.step(
    scenario.invalid
      ? 'Resolve variables from the profile; lint the request: it must be invalid (invalid: true)'
      : 'Resolve variables from the profile; lint the request against eRoamingAuthorizeStart',
    async () => {
      const resolved = resolveScenario(scenario, profile.variables, { generated: generatedValues });
      const masking = redactor.with(secretValuesOfBody(resolved.request.body, resolved.request.rawBody));
      const request = prepareRequest(resolved, profile.baseUrl, profile.operationPath);
      await lintRequest(resolved, request, deps.schemas, masking, hooks);
      return { resolved, request, redactor: masking };
    },
  );
}

/** The step that shows the scenario's definition before anything is resolved or sent. */
async function reportDefinition(
  scenario: Scenario,
  deps: RunDependencies,
  redactor: Redactor,
): Promise<void> {
  await deps.hooks.step(
    `Load scenario ${scenario.id} (${scenario.source.file}:${scenario.source.line})`,
    async () => {
      // As written: the YAML item of its file when there is one (comments included), else its definition
      // (a generated case). Placeholders unresolved; a PIN written literally into the file is masked.
      if (deps.scenarioSource !== undefined) {
        await deps.hooks.attach('scenario.yaml', 'text/yaml', redactor.text(deps.scenarioSource));
        return;
      }
      const { source: _source, ...definition } = scenario;
      await deps.hooks.attach('scenario.json', 'application/json', json(redactor.json(definition)));
    },
  );
}

/** A check that found something, and what that finding means for this scenario. */
interface Finding {
  check: Check;
  judged: Judgement;
}

/**
 * Every applicable check judges the answer. What a finding means here — the check's verdict, the basis of
 * the expectations it judged, the Hubject deviations the profile accepts — decides where it goes.
 */
function judgeAnswer(
  exchange: Exchange,
  deps: RunDependencies,
  redactor: Redactor,
): { findings: Finding[]; passed: string[]; notApplicable: string[] } {
  const context: CheckContext = { schemas: deps.schemas };
  const findings: Finding[] = [];
  const passed: string[] = [];
  const notApplicable: string[] = [];
  for (const check of deps.checks ?? CHECKS) {
    if (!check.appliesTo(exchange)) {
      notApplicable.push(check.name);
      continue;
    }
    try {
      check.verify(exchange, context);
      passed.push(check.name);
    } catch (error) {
      if (!(error instanceof CheckFailure)) throw error;
      // Failure texts quote the answer, which may echo a PIN: mask them before any step records them.
      const masked = error.masked((text) => redactor.text(text));
      findings.push({
        check,
        judged: judgeFinding(check, masked, exchange.scenario, deps.profile.hubjectDeviations),
      });
    }
  }
  return { findings, passed, notApplicable };
}

/**
 * The report: a step of its own for each check that found something (a failure fails its step; an advisory
 * or an expectation not confirmed is a finding inside a passing step); the caller adds one step naming every
 * check that passed — one step per passed check would cost more than the exchange itself, and the verdicts
 * attachment lists them too. The answer body goes with the first failed check too: the reader of a failure
 * sees what was judged without unfolding the exchange.
 */
async function reportFindings(
  findings: readonly Finding[],
  exchange: Exchange,
  hooks: RunHooks,
  redactor: Redactor,
): Promise<Pick<ScenarioOutcome, 'failures' | 'advisories' | 'unconfirmed'>> {
  const failures: CheckFailure[] = [];
  const advisories: CheckFailure[] = [];
  const unconfirmed: UnconfirmedExpectation[] = [];
  let answerShownWithFailure = false;
  for (const { check, judged } of findings) {
    const label = `${check.verdict === 'advisory' ? 'Advisory' : 'Check'} ${check.name}: ${check.title}`;
    try {
      await hooks.step(label, async () => {
        const { advisory, failure } = judged;
        if (failure && !answerShownWithFailure && exchange.answer) {
          answerShownWithFailure = true;
          await attachAnswerBody(exchange.answer, hooks, redactor);
        }
        if (advisory)
          await hooks.step(`Finding: ${cutLine(advisory.oneLine, 240)}`, () => hooks.advisory(advisory));
        for (const found of judged.unconfirmed)
          unconfirmed.push(await reportUnconfirmed(found, hooks, redactor));
        if (failure) throw failure;
      });
    } catch (error) {
      // Only the judged failure may leave the step; anything else is a fault of the suite.
      if (judged.failure === undefined || error !== judged.failure) throw error;
    }
    if (judged.failure) failures.push(judged.failure);
    if (judged.advisory) advisories.push(judged.advisory);
  }
  return { failures, advisories, unconfirmed };
}

async function attachAnswerBody(answer: ReceivedAnswer, hooks: RunHooks, redactor: Redactor): Promise<void> {
  const shown = maskAnswer(answer, redactor);
  const isJson = shown.json !== undefined;
  await hooks.attach(
    `${ANSWER_BODY_ATTACHMENT}.${isJson ? 'json' : 'txt'}`,
    isJson ? 'application/json' : 'text/plain',
    answerBodyText(shown),
  );
}

/** A step for an expectation the target did not confirm; returns it as the verdicts record it. */
async function reportUnconfirmed(
  found: UnconfirmedExpectation,
  hooks: RunHooks,
  redactor: Redactor,
): Promise<UnconfirmedExpectation> {
  // Expected and received are masked already (the finding was); the citation is the scenario writer's text.
  const expectation = { ...found, citation: redactor.text(found.citation) };
  await hooks.step(
    `Expectation not confirmed by this target: ${expectation.expectation} (${basisWords(expectation)})`,
    async () =>
      hooks.attach(`unconfirmed-${expectation.expectation}.txt`, 'text/plain', unconfirmedText(expectation)),
  );
  return expectation;
}

/**
 * The OICP rules a profile setting relaxed for this scenario: its own (invalidRequests, set when it was made)
 * and each known Hubject deviation the profile accepted in place of a failure.
 */
function relaxedRules(
  scenario: Scenario,
  advisories: readonly CheckFailure[],
  profile: string,
): { relaxed?: RelaxedRule[] } {
  const relaxed: RelaxedRule[] = [
    ...(scenario.relaxedByProfile ?? []),
    ...advisories.flatMap((advisory) =>
      advisory.deviation
        ? [
            {
              setting: `hubjectDeviations: ${advisory.deviation}`,
              contract: `${advisory.check}: ${advisory.expected}`,
              accepted: advisory.received,
              profile,
            },
          ]
        : [],
    ),
  ];
  return relaxed.length > 0 ? { relaxed } : {};
}

/** What the run-level checks need of the answer (they read verdicts, never response attachments). */
function answerSummary(exchange: Exchange): AnswerSummary | undefined {
  if (!exchange.answer) return undefined;
  const body = answerObject(exchange);
  const sessionId = typeof body?.SessionID === 'string' ? body.SessionID : undefined;
  const sent = requestObject(exchange)?.SessionID;
  return {
    status: exchange.answer.status,
    ...(typeof body?.AuthorizationStatus === 'string'
      ? { authorizationStatus: body.AuthorizationStatus }
      : {}),
    ...(sessionId !== undefined ? { sessionId } : {}),
    ...(sessionId !== undefined && typeof sent === 'string' && sent.toLowerCase() === sessionId.toLowerCase()
      ? { sessionIdSentByCpo: true }
      : {}),
  };
}

function unconfirmedText(expectation: UnconfirmedExpectation): string {
  const kind = expectation.profile
    ? `behaviour profile '${expectation.profile}' was calibrated to`
    : expectation.basis === 'observed'
      ? 'observed Hubject behaviour'
      : 'an assumption of the scenario';
  return [
    `Expectation not confirmed by this target: ${expectation.expectation} (checked by ${expectation.check})`,
    `  expected: ${expectation.expected}`,
    `  received: ${expectation.received}`,
    `  basis: ${basisWords(expectation)} — ${expectation.citation}`,
    '',
    `Not an OICP rule (${kind}), so it does not fail the scenario.`,
    'If the target is right, calibrate the profile (calibration.md of this run has the block to paste) or correct',
    'the expectation in the scenario file; if the target is a mock, it answers differently from what the scenario',
    'takes Hubject to do.',
  ].join('\n');
}

async function lintRequest(
  scenario: Scenario,
  request: PreparedRequest,
  schemas: SchemaRegistry,
  redactor: Redactor,
  hooks: RunHooks,
): Promise<void> {
  const violations = requestViolations(request, schemas);
  if (violations.length > 0)
    await hooks.attach('request-lint.txt', 'text/plain', redactor.text(formatViolations(violations)));
  if (scenario.invalid && violations.length === 0) {
    throw new RequestLintError(
      `${scenario.id} says invalid: true, but its request is valid against eRoamingAuthorizeStart: the negative case would silently test nothing`,
    );
  }
  if (!scenario.invalid && violations.length > 0) {
    throw new RequestLintError(
      `${scenario.id} sends a request that violates eRoamingAuthorizeStart (nothing was sent):\n${redactor.text(formatViolations(violations))}\nFix the scenario or its profile values, or mark it invalid: true.`,
    );
  }
}

/** When this worker last sent a request: `minIntervalMs` paces each worker process. */
let lastSentAt = 0;

async function pace(minIntervalMs: number): Promise<void> {
  const wait = lastSentAt + minIntervalMs - Date.now();
  if (wait > 0) await delay(wait);
  lastSentAt = Date.now();
}

/**
 * Sends the request; under the profile's retry policy a transient answer (408 / 5xx) is retried a bounded
 * number of times. Every retried attempt is its own step with its answer attached, and the last answer is
 * the one judged — a persistent error is never hidden. Everything taken from the answer (body, headers,
 * reason phrase) is masked before it is attached: a hostile target may echo the request anywhere.
 */
async function send(
  scenario: Scenario,
  request: PreparedRequest,
  deps: RunDependencies,
  redactor: Redactor,
): Promise<Exchange> {
  const { profile, hooks, transport, failFast } = deps;
  const { attempts, onStatus, delayMs } = profile.retry;
  const base = {
    scenario,
    request,
    timeBudgetMs: profile.timeBudgetMs,
    maxAnswerBytes: profile.maxAnswerBytes,
    hubject: profile.hubject,
  };
  for (let attempt = 1; ; attempt++) {
    await pace(profile.minIntervalMs);
    const started = performance.now();
    let raw: HttpAnswer;
    try {
      raw = await transport.send(request, profile.timeBudgetMs + LATE_ANSWER_GRACE_MS);
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      const masked = new TransportError(error.kind, error.url, redactor.text(error.message));
      failFast?.record({ answered: false, kind: error.kind, message: masked.message }, request.url);
      // A request abandoned after the budget is the target's failure to answer in time: the budget check judges it.
      if (error.kind === 'timeout') {
        return { ...base, elapsedMs: performance.now() - started, attempts: attempt };
      }
      throw masked;
    }
    failFast?.record({ answered: true }, request.url);
    const elapsedMs = performance.now() - started;
    // Checks judge the answer as it came (their messages are masked); the evidence shows it masked.
    const answer = decodeAnswer(raw);
    const shown = maskAnswer(answer, redactor);
    const evidence: ResponseEvidence = {
      status: `${shown.status} ${shown.statusText}`.trim(),
      elapsedMs: Math.round(elapsedMs),
      ...(shown.headersAfterMs === undefined ? {} : { headersAfterMs: Math.round(shown.headersAfterMs) }),
      ...(shown.incomplete ? { incomplete: shown.incomplete } : {}),
      headers: shown.headers,
    };
    const body = answerBodyText(shown);
    if (attempt < attempts && onStatus.includes(answer.status)) {
      await hooks.step(
        `Attempt ${attempt} of ${attempts}: HTTP ${evidence.status}, retrying in ${delayMs} ms (retry policy of profile '${profile.name}')`,
        async () =>
          hooks.attach(`attempt-${attempt}-response.txt`, 'text/plain', `${json(evidence)}\n\n${body}`),
      );
      await delay(delayMs);
      continue;
    }
    await hooks.attach('response.json', answer.json === undefined ? 'text/plain' : 'application/json', body);
    await hooks.attach('response-headers.json', 'application/json', json({ ...evidence, attempt }));
    await hooks.answered?.(evidence);
    return { ...base, answer, elapsedMs, attempts: attempt };
  }
}

/** The answer with the scenario's secrets masked in every part a report shows: body, headers, reason phrase. */
function maskAnswer(answer: ReceivedAnswer, redactor: Redactor): ReceivedAnswer {
  return {
    ...answer,
    statusText: redactor.text(answer.statusText),
    headers: redactor.headers(answer.headers),
    bodyText: redactor.text(answer.bodyText),
    ...(answer.json === undefined ? {} : { json: redactor.json(answer.json) }),
    ...(answer.jsonError === undefined ? {} : { jsonError: redactor.text(answer.jsonError) }),
    ...(answer.incomplete
      ? { incomplete: { ...answer.incomplete, detail: redactor.text(answer.incomplete.detail) } }
      : {}),
  };
}

const profileRedactors = new WeakMap<Profile, Redactor>();

/**
 * The profile's secrets and the client key's passphrase: the start of every scenario's secrets. Built once
 * per profile (every encoded form of every secret), not once per scenario.
 */
function scenarioRedactor(profile: Profile): Redactor {
  let redactor = profileRedactors.get(profile);
  if (!redactor) {
    const passphrase = profile.tls.passphrase ? [profile.tls.passphrase] : [];
    redactor = new Redactor([...secretVariableValues(profile.variables), ...passphrase]);
    profileRedactors.set(profile, redactor);
  }
  return redactor;
}

/**
 * When an expectation about the outcome fails (status, AuthorizationStatus, code, fields), the cause is often
 * test data the target lacks — another team's mock without this card, a test card not set up on QA — rather
 * than a protocol bug. Say so, naming the exact values the outcome depended on as they were sent (UID, EvcoID,
 * EvseID, OperatorID; never a PIN), where each came from, and the other profile values the scenario uses.
 */
function testDataHint(
  scenario: Scenario,
  resolved: Scenario,
  profile: Profile,
  failures: CheckFailure[],
  redactor: Redactor,
): string | undefined {
  // Only where the outcome (HTTP status, AuthorizationStatus, code) differed, and never for a request that
  // is wrong on purpose: its outcome depends on the defect, not on the test data.
  if (scenario.invalid || !failures.some((f) => f.category === 'status')) return undefined;
  const sent = identifyingValues(scenario, resolved);
  const named = new Set(sent.flatMap((v) => v.variables));
  // A PIN is never named, not even masked: it says nothing about which test data is missing.
  const others = placeholdersOf(scenario).filter(
    (name) => Object.hasOwn(profile.variables, name) && !named.has(name) && !isSecretVariable(name),
  );
  if (sent.length === 0 && others.length === 0) return undefined;
  const values = sent
    .map(
      ({ label, value, variables }) =>
        `${label} ${value} (${variables.length > 0 ? variables.map((v) => `{{${v}}}`).join(', ') : 'written in the scenario'})`,
    )
    .join(', ');
  // The embedded mock's registry is named only when the embedded mock answered from it.
  const target = profile.mockCommand
    ? "The target is another team's mock (OICP_MOCK_COMMAND): it may not know these values."
    : profile.mockRegistry && profile.startEmbeddedMock && !profile.mockReplay
      ? `The embedded mock knows the operators, EVSEs, cards and contracts of ${displayPath(profile.mockRegistry)}: add the one it lacks there, with variable: for its profile value (docs/scenarios.md, "A new test card in one place").`
      : 'If the target does not know them (a test card not set up, an EVSE in another state), this expectation cannot hold.';
  const rest =
    others.length > 0
      ? ` The scenario also relies on ${others.map((name) => `${name}=${profile.variables[name] ?? ''}`).join(', ')}.`
      : '';
  return redactor.text(
    `test data: ${values ? `The outcome depended on ${values}. ` : ''}${target}${rest} (profile '${profile.name}', ${profile.file})`,
  );
}

/** The members of an Identification whose value names the customer (never a PIN or HashedPIN). */
const IDENTIFYING_MEMBERS: ReadonlyArray<[string, string]> = [
  ['RFIDMifareFamilyIdentification', 'UID'],
  ['RFIDIdentification', 'UID'],
  ['QRCodeIdentification', 'EvcoID'],
  ['PlugAndChargeIdentification', 'EvcoID'],
  ['RemoteIdentification', 'EvcoID'],
];

/**
 * The values of the request that decide its outcome at the target — the identification's UID or EvcoID, the
 * EvseID, the OperatorID (of the URL and the body) — as sent, each with the profile variables it was made from.
 */
function identifyingValues(
  scenario: Scenario,
  resolved: Scenario,
): Array<{ label: string; value: string; variables: string[] }> {
  const written = asObject(scenario.request.body);
  const sent = asObject(resolved.request.body);
  const found: Array<{ label: string; value: string; variables: string[] }> = [];
  const add = (label: string, value: unknown, template: unknown) => {
    if (typeof value !== 'string' || value === '') return;
    if (found.some((f) => f.label === label && f.value === value)) return;
    found.push({ label, value, variables: variablesIn(template) });
  };
  const identification = asObject(sent?.Identification);
  for (const [member, key] of IDENTIFYING_MEMBERS) {
    const given = asObject(identification?.[member]);
    if (given) add(key, given[key], asObject(asObject(written?.Identification)?.[member])?.[key]);
  }
  add('EvseID', sent?.EvseID, written?.EvseID);
  add('OperatorID', resolved.request.operatorId, scenario.request.operatorId);
  add('OperatorID', sent?.OperatorID, written?.OperatorID);
  return found;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function variablesIn(template: unknown): string[] {
  if (typeof template !== 'string') return [];
  return placeholderNames(template);
}

function requestEvidence(request: PreparedRequest, redactor: Redactor): string {
  return json({
    method: request.method,
    url: request.url,
    headers: redactor.headers(request.headers),
    body: request.bodyJson === undefined ? redactor.text(request.bodyText) : redactor.json(request.bodyJson),
  });
}
