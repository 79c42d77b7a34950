import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { answerObject, type Check, type CheckContext, CheckFailure, requestObject } from '../checks/check.ts';
import { CHECKS } from '../checks/registry.ts';
import type { Profile } from '../config/profile.ts';
import { type ExchangeRecord, exchangeRecord, type LogInput } from '../exchange/log-entry.ts';
import { decodeAnswer, prepareRequest } from '../exchange/request.ts';
import {
  type Exchange,
  type HttpAnswer,
  type PreparedRequest,
  type ReceivedAnswer,
  type Transport,
  TransportError,
} from '../exchange/types.ts';
import { Redactor, secretValuesOfBody, secretVariableValues } from '../redact.ts';
import { curlCommand } from '../report/curl.ts';
import { placeholdersOf, resolveScenario } from '../scenarios/resolve.ts';
import type { Scenario } from '../scenarios/types.ts';
import { formatViolations, OICP, type SchemaRegistry } from '../schemas/registry.ts';
import { cutLine } from '../text.ts';
import type { FailFast } from './fail-fast.ts';
import { type Judgement, judgeFinding } from './judgement.ts';
import {
  type AnswerSummary,
  basisWords,
  checkVerdict,
  type ScenarioVerdicts,
  type UnconfirmedExpectation,
  VERDICTS_ATTACHMENT,
} from './verdicts.ts';

/** How the runner reports: a Playwright/Allure implementation in specs/, a recording one in tests. */
export interface RunHooks {
  step<T>(title: string, body: () => Promise<T>): Promise<T>;
  attach(name: string, contentType: string, body: string): Promise<void>;
  /** A best-practice finding: reported, never fails the scenario. */
  advisory(failure: CheckFailure): Promise<void>;
}

export interface RunDependencies {
  profile: Profile;
  transport: Transport;
  schemas: SchemaRegistry;
  hooks: RunHooks;
  checks?: readonly Check[];
  /** Told the outcome of every attempt, so that a dead target stops the run (absent in unit tests). */
  failFast?: Pick<FailFast, 'record'>;
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

  constructor(failures: CheckFailure[], hint?: string) {
    super(
      `${failures.length} check(s) failed: ${failures.map((f) => f.check).join(', ')}\n\n${failures.map((f) => f.message).join('\n\n')}${hint ? `\n\n${hint}` : ''}`,
    );
    this.failures = failures;
  }
}

/** Grace beyond the time budget before a request is abandoned, so a late answer is still seen and timed. */
export const LATE_ANSWER_GRACE_MS = 1_000;

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/**
 * Runs one scenario the way of DESIGN §4: resolve, lint the request, send, check, report.
 * Throws when the scenario fails (a ScenarioFailed listing every failed check, a RequestLintError, a
 * TransportError); advisories are reported through the hooks and never throw.
 */
export async function runScenario(scenario: Scenario, deps: RunDependencies): Promise<ScenarioOutcome> {
  const { profile, hooks, schemas } = deps;
  const checks = deps.checks ?? CHECKS;
  // The scenario's secrets: the profile's, the passphrase, and whatever the request as written carries.
  let redactor = scenarioRedactor(profile).with(
    secretValuesOfBody(scenario.request.body, scenario.request.rawBody),
  );

  await hooks.step(
    `Load scenario ${scenario.id} (${scenario.source.file}:${scenario.source.line})`,
    async () => {
      // As written, placeholders unresolved; a PIN written literally into the file is masked like any other.
      const { source: _source, ...definition } = scenario;
      await hooks.attach('scenario.json', 'application/json', json(redactor.json(definition)));
    },
  );
  const generatedValues = new Map<string, string>();
  const resolved = await hooks.step('Resolve variables from the profile', async () =>
    resolveScenario(scenario, profile.variables, generatedValues),
  );
  // ... and what the resolved request carries (a PIN the profile supplies under another name).
  redactor = redactor.with(secretValuesOfBody(resolved.request.body, resolved.request.rawBody));
  const request = prepareRequest(resolved, profile.baseUrl);

  await hooks.step(
    scenario.invalid
      ? 'Lint request: it must be invalid (invalid: true)'
      : 'Lint request against eRoamingAuthorizeStart',
    async () => lintRequest(resolved, request, schemas, redactor, hooks),
  );

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

  const context: CheckContext = { schemas };
  const failures: CheckFailure[] = [];
  const advisories: CheckFailure[] = [];
  const unconfirmed: UnconfirmedExpectation[] = [];
  const passed: string[] = [];
  const notApplicable: string[] = [];
  for (const check of checks) {
    if (!check.appliesTo(exchange)) {
      notApplicable.push(check.name);
      continue;
    }
    const label = `${check.verdict === 'advisory' ? 'Advisory' : 'Check'} ${check.name}: ${check.title}`;
    // What a finding means here — the check's verdict, the basis of the expectations it judged, the Hubject
    // deviations the profile accepts — is decided inside the check's step: only a failure fails the step;
    // an advisory or an expectation not confirmed is a finding, shown as a step of its own inside it.
    const result: { judged?: Judgement } = {};
    try {
      await hooks.step(label, async () => {
        try {
          check.verify(exchange, context);
          return;
        } catch (error) {
          if (!(error instanceof CheckFailure)) throw error;
          // Failure texts quote the answer, which may echo a PIN: mask them before any step records them.
          result.judged = judgeFinding(
            check,
            error.masked((text) => redactor.text(text)),
            exchange.scenario,
            profile.hubjectDeviations,
          );
        }
        const judged = result.judged;
        const { advisory, failure } = judged;
        if (advisory)
          await hooks.step(`Finding: ${cutLine(advisory.oneLine, 240)}`, () => hooks.advisory(advisory));
        for (const found of judged.unconfirmed) {
          // Expected and received are masked already (the finding was); the citation is the scenario writer's text.
          const expectation = { ...found, citation: redactor.text(found.citation) };
          unconfirmed.push(expectation);
          await hooks.step(
            `Expectation not confirmed by this target: ${expectation.expectation} (${basisWords(expectation)})`,
            async () =>
              hooks.attach(
                `unconfirmed-${expectation.expectation}.txt`,
                'text/plain',
                unconfirmedText(expectation),
              ),
          );
        }
        if (failure) throw failure;
      });
    } catch (error) {
      // Only the judged failure may leave the step; anything else is a fault of the suite.
      if (result.judged?.failure === undefined || error !== result.judged.failure) throw error;
    }
    const outcome = result.judged;
    if (!outcome) {
      passed.push(check.name);
      continue;
    }
    if (outcome.failure) failures.push(outcome.failure);
    if (outcome.advisory) advisories.push(outcome.advisory);
  }
  const answer = answerSummary(exchange);
  const verdicts: ScenarioVerdicts = {
    scenario: scenario.id,
    attempts: exchange.attempts,
    failed: failures.map(checkVerdict),
    advisories: advisories.map(checkVerdict),
    unconfirmed,
    passed,
    notApplicable,
    ...(answer ? { answer } : {}),
    ...(scenario.fromProfile?.length ? { fromProfile: scenario.fromProfile } : {}),
  };
  await hooks.attach(VERDICTS_ATTACHMENT, 'application/json', json(verdicts));
  logExchange({ exchange, verdicts, failed: failures.length > 0 });
  if (failures.length > 0) {
    const hint = testDataHint(scenario, profile, failures, redactor);
    if (hint) await hooks.attach('test-data-hint.txt', 'text/plain', hint);
    throw new ScenarioFailed(failures, hint);
  }
  return { exchange, failures, advisories, unconfirmed };
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
  const violations =
    request.bodyJson === undefined
      ? [{ path: '', message: 'the body is not JSON', keyword: 'type' }]
      : schemas.violations(OICP.request, request.bodyJson);
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
    const evidence = {
      status: `${shown.status} ${shown.statusText}`.trim(),
      elapsedMs: Math.round(elapsedMs),
      ...(shown.headersAfterMs === undefined ? {} : { headersAfterMs: Math.round(shown.headersAfterMs) }),
      ...(shown.incomplete ? { incomplete: shown.incomplete } : {}),
      headers: shown.headers,
    };
    const body = shown.json === undefined ? shown.bodyText : json(shown.json);
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

/** The profile's secrets and the client key's passphrase: the start of every scenario's secrets. */
function scenarioRedactor(profile: Profile): Redactor {
  const passphrase = profile.tls.passphrase ? [profile.tls.passphrase] : [];
  return new Redactor([...secretVariableValues(profile.variables), ...passphrase]);
}

/**
 * When an expectation about the outcome fails (status, AuthorizationStatus, code, fields), the cause is often
 * test data the target lacks — another team's mock without this card, a test card not set up on QA — rather
 * than a protocol bug. Say so, naming the profile values the scenario relies on (secrets masked).
 */
function testDataHint(
  scenario: Scenario,
  profile: Profile,
  failures: CheckFailure[],
  redactor: Redactor,
): string | undefined {
  if (!failures.some((f) => f.category === 'status')) return undefined;
  const used = placeholdersOf(scenario).filter((name) => Object.hasOwn(profile.variables, name));
  if (used.length === 0) return undefined;
  const values = used.map((name) => `${name}=${redactor.text(profile.variables[name] ?? '')}`).join(', ');
  const target = profile.mockCommand
    ? `The target is another team's mock (OICP_MOCK_COMMAND): it may not know this scenario's test data.`
    : `If the target does not know this scenario's test data, this expectation cannot hold.`;
  return `test data: ${target} The scenario relies on ${values} (profile '${profile.name}', ${profile.file}).`;
}

function requestEvidence(request: PreparedRequest, redactor: Redactor): string {
  return json({
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: request.bodyJson === undefined ? redactor.text(request.bodyText) : redactor.json(request.bodyJson),
  });
}
