import { CheckFailure } from '../../src/checks/check.ts';
import type { Profile } from '../../src/config/profile.ts';
import {
  type HttpAnswer,
  type PreparedRequest,
  type Transport,
  TransportError,
} from '../../src/exchange/types.ts';
import { InputError } from '../../src/input/errors.ts';
import type { ScenarioVerdicts } from '../../src/record/verdicts.ts';
import { LATE_ANSWER_GRACE_MS } from '../../src/run/fail-fast.ts';
import {
  RequestLintError,
  type ResponseEvidence,
  type RunHooks,
  runScenario,
  ScenarioFailed,
} from '../../src/run/scenario-runner.ts';
import type { Scenario } from '../../src/scenarios/types.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { expect, test } from '../support/test.ts';
import {
  answerBody,
  buildProfile,
  buildScenario,
  EVSE_ID,
  HUBJECT_NOT_AUTHORIZED_102,
  httpAnswer,
  INTEGRATION_GUIDE_AUTHORIZED,
  OPERATOR_ID,
  rfidRequestBody,
} from './helpers/exchange.ts';

const URL = 'http://127.0.0.1:9/api/oicp/charging/v21/operators/DE*ABC/authorize/start';

interface Attachment {
  name: string;
  contentType: string;
  body: string;
}

/** Records everything the runner reports, in order. */
class RecordingHooks implements RunHooks {
  readonly steps: string[] = [];
  readonly attachments: Attachment[] = [];
  readonly advisories: CheckFailure[] = [];
  /** What the runner told by value, beside the attachments. */
  readonly answers: ResponseEvidence[] = [];
  readonly judgements: ScenarioVerdicts[] = [];

  async step<T>(title: string, body: () => Promise<T>): Promise<T> {
    this.steps.push(title);
    return body();
  }

  async attach(name: string, contentType: string, body: string): Promise<void> {
    this.attachments.push({ name, contentType, body });
  }

  async advisory(failure: CheckFailure): Promise<void> {
    this.advisories.push(failure);
  }

  async answered(response: ResponseEvidence): Promise<void> {
    this.answers.push(response);
  }

  async judged(verdicts: ScenarioVerdicts): Promise<void> {
    this.judgements.push(verdicts);
  }

  attachment(name: string): Attachment {
    const found = this.attachments.find((a) => a.name === name);
    if (!found)
      throw new Error(`no attachment ${name}; got ${this.attachments.map((a) => a.name).join(', ')}`);
    return found;
  }

  /** Every string the runner handed to the report. */
  everything(): string[] {
    return [
      ...this.steps,
      ...this.attachments.flatMap((a) => [a.name, a.body]),
      ...this.advisories.map((a) => a.message),
    ];
  }
}

/** Answers with what `reply` returns, and records what it was asked to send. */
class FakeTransport implements Transport {
  readonly sent: { request: PreparedRequest; timeoutMs: number }[] = [];
  private readonly reply: (request: PreparedRequest) => HttpAnswer;

  constructor(reply: (request: PreparedRequest) => HttpAnswer) {
    this.reply = reply;
  }

  async send(request: PreparedRequest, timeoutMs: number): Promise<HttpAnswer> {
    this.sent.push({ request, timeoutMs });
    return this.reply(request);
  }
}

function answering(answer: HttpAnswer): FakeTransport {
  return new FakeTransport(() => answer);
}

function failing(error: Error): FakeTransport {
  return new FakeTransport(() => {
    throw error;
  });
}

function run(scenario: Scenario, transport: Transport, variables: Record<string, string> = {}) {
  const hooks = new RecordingHooks();
  const outcome = runScenario(scenario, {
    profile: buildProfile(variables),
    transport,
    schemas: schemaRegistry(),
    hooks,
  });
  return { hooks, outcome };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the scenario passed, but it was expected to throw');
}

test('the runner hands the report its answer and its verdicts by value, once each: what the attachments record', async () => {
  const transport = answering(httpAnswer(HUBJECT_NOT_AUTHORIZED_102, { headers: { 'Process-ID': 'p-9' } }));
  const { hooks, outcome } = run(buildScenario(), transport);
  await rejection(outcome);
  expect(hooks.judgements).toHaveLength(1);
  expect(hooks.judgements[0]).toEqual(JSON.parse(hooks.attachment('verdicts.json').body));
  expect(hooks.judgements[0]?.failed.map((f) => f.check)).toContain('authorizationStatusAsExpected');
  expect(hooks.answers).toHaveLength(1);
  const { attempt: _attempt, ...attached } = JSON.parse(
    hooks.attachment('response-headers.json').body,
  ) as Record<string, unknown>;
  expect(hooks.answers[0]).toEqual(attached);
  expect(hooks.answers[0]?.headers['process-id']).toBe('p-9');
});

test('a good answer: resolves, reports resolve, lint, send and checks in order, with the evidence', async () => {
  const transport = answering(httpAnswer(INTEGRATION_GUIDE_AUTHORIZED, { headers: { 'Process-ID': 'p-1' } }));
  const { hooks, outcome } = run(buildScenario(), transport);
  const result = await outcome;

  expect(result.failures).toEqual([]);
  expect(result.advisories).toEqual([]);
  expect(result.exchange?.answer?.status).toBe(200);
  expect(hooks.steps).toEqual([
    expect.stringMatching(/^Load scenario [a-z0-9-]+ \(.+:\d+\)$/),
    'Resolve variables from the profile; lint the request against eRoamingAuthorizeStart',
    `Send POST ${URL}`,
    // Passed checks are named in one step (one step per check would cost more than the exchange itself).
    '16 check(s) passed: answeredWithinBudget, answerBodyComplete, httpStatusAsExpected, contentTypeIsJsonUtf8, bodyIsJson, bodyMatchesSchema, authorizationStatusAsExpected, statusCodeAsExpected, authorizedHasSessionId, authorizedHasProviderId, authorizedHasSuccessCode, statusCodeInOicpTable, statusTextWithinLimits, answerPropertiesKnown, cpoPartnerSessionIdNotInvented, requestCarriesEvseId',
  ]);

  expect(hooks.attachments.map((a) => a.name)).toEqual([
    'scenario.json',
    'request.json',
    'reproduce.sh',
    'response.json',
    'response-headers.json',
    'verdicts.json',
  ]);
  const verdicts = JSON.parse(hooks.attachment('verdicts.json').body) as Record<string, unknown>;
  expect(verdicts.failed).toEqual([]);
  expect(verdicts.unconfirmed).toEqual([]);
  // What the run-level checks need, recorded with the verdicts (not read back from the response attachment).
  expect(verdicts.answer).toEqual({
    status: 200,
    authorizationStatus: 'Authorized',
    sessionId: '3b129fb6-c4af-476e-8bec-6e307c8e5d25',
  });
  expect(verdicts.passed).toEqual(expect.arrayContaining(['authorizedHasSessionId', 'bodyMatchesSchema']));
  expect(verdicts.notApplicable).toEqual(expect.arrayContaining(['notAuthorizedHasErrorCode']));
  expect(hooks.attachment('scenario.json').body).toContain('"request"');
  const request = JSON.parse(hooks.attachment('request.json').body) as Record<string, unknown>;
  expect(request).toEqual({
    method: 'POST',
    url: URL,
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'User-Agent': 'oicp-authorize-start-conformance',
    },
    body: rfidRequestBody(),
  });
  expect(hooks.attachment('reproduce.sh').body).toContain(`curl --request POST '${URL}'`);
  expect(hooks.attachment('response.json').contentType).toBe('application/json');
  expect(JSON.parse(hooks.attachment('response.json').body)).toEqual(
    JSON.parse(INTEGRATION_GUIDE_AUTHORIZED),
  );
  const headers = JSON.parse(hooks.attachment('response-headers.json').body) as Record<string, unknown>;
  expect(headers.status).toBe('200 OK');
  expect(headers.headers).toEqual({ 'content-type': 'application/json;charset=utf-8', 'process-id': 'p-1' });
  expect(typeof headers.elapsedMs).toBe('number');

  expect(transport.sent).toHaveLength(1);
  expect(transport.sent[0]?.request.url).toBe(URL);
  expect(JSON.parse(transport.sent[0]?.request.bodyText ?? '')).toEqual(rfidRequestBody());
  expect(transport.sent[0]?.timeoutMs).toBe(1000 + LATE_ANSWER_GRACE_MS);
});

test('an answer that breaks two rules: ScenarioFailed lists both checks', async () => {
  const scenario = buildScenario({ request: { body: rfidRequestBody({ CPOPartnerSessionID: 'cpo-77' }) } });
  // ProviderID null is schema-valid but not in an Authorized answer; the CPOPartnerSessionID is not echoed.
  const { hooks, outcome } = run(scenario, answering(httpAnswer(answerBody({ ProviderID: null }))));
  const error = await rejection(outcome);

  expect(error).toBeInstanceOf(ScenarioFailed);
  const failed = error as ScenarioFailed;
  expect(failed.failures.map((f) => f.check)).toEqual([
    'authorizedHasProviderId',
    'cpoPartnerSessionIdEchoed',
  ]);
  expect(failed.message).toContain('2 check(s) failed: authorizedHasProviderId, cpoPartnerSessionIdEchoed');
  // Each failure is told once, in its own step: the scenario's error only names them.
  expect(failed.message).not.toContain('received:');
  const echoed = failed.failures.find((f) => f.check === 'cpoPartnerSessionIdEchoed');
  expect(echoed?.message).toContain('received: CPOPartnerSessionID null');
  expect(echoed?.message).toContain('expected: CPOPartnerSessionID "cpo-77"');
  // The answer the checks judged is in the first failed check's step, not only in the exchange's.
  const answerBodies = hooks.attachments.filter((a) => a.name === 'answer-body.json');
  expect(answerBodies).toHaveLength(1);
  expect(JSON.parse(answerBodies[0]?.body ?? '{}')).toMatchObject({ ProviderID: null });
  // Every check still ran and was reported, the evidence included.
  // Each check with a finding has its own step; the others are named together as passed.
  expect(hooks.steps.filter((s) => s.startsWith('Check '))).toEqual([
    'Check authorizedHasProviderId: An Authorized answer names the authorizing EMP (ProviderID)',
    'Check cpoPartnerSessionIdEchoed: The CPOPartnerSessionID sent in the request comes back unchanged',
  ]);
  expect(hooks.steps.find((s) => /^\d+ check\(s\) passed: /.test(s))).toMatch(/^14 check\(s\) passed: /);
  expect(hooks.attachments.map((a) => a.name)).toContain('response.json');
  expect(hooks.advisories).toEqual([]);
});

test('invalid: true with a valid request: RequestLintError, nothing sent', async () => {
  const transport = answering(httpAnswer(INTEGRATION_GUIDE_AUTHORIZED));
  const scenario = buildScenario({
    id: 'neg-actually-valid',
    invalid: true,
    expect: { status: 400, body: 'FaultBody' },
  });
  const { hooks, outcome } = run(scenario, transport);
  const error = await rejection(outcome);

  expect(error).toBeInstanceOf(RequestLintError);
  expect((error as Error).message).toContain(
    'neg-actually-valid says invalid: true, but its request is valid',
  );
  expect(transport.sent).toEqual([]);
  expect(hooks.steps).toEqual([
    expect.stringMatching(/^Load scenario [a-z0-9-]+ \(.+:\d+\)$/),
    'Resolve variables from the profile; lint the request: it must be invalid (invalid: true)',
  ]);
  expect(hooks.attachments.map((a) => a.name)).toEqual(['scenario.json']);
});

test('invalid: true with an invalid request: sent, and the lint findings are attached', async () => {
  const fault = {
    message: 'Validation failed',
    validationErrors: [{ fieldReference: 'OperatorID', errorMessage: 'required' }],
  };
  const transport = answering(httpAnswer(fault, { status: 400, statusText: 'Bad Request' }));
  const scenario = buildScenario({
    invalid: true,
    request: {
      body: { EvseID: EVSE_ID, Identification: { RFIDMifareFamilyIdentification: { UID: '1234ABCD' } } },
    },
    expect: { status: 400, body: 'FaultBody', authorizationStatus: undefined, statusCode: undefined },
  });
  const { hooks, outcome } = run(scenario, transport);
  const result = await outcome;

  expect(result.failures).toEqual([]);
  expect(transport.sent).toHaveLength(1);
  expect(hooks.attachment('request-lint.txt').body).toBe("(root): must have required property 'OperatorID'");
});

test('a positive scenario whose request violates the schema: RequestLintError, nothing sent', async () => {
  const transport = answering(httpAnswer(INTEGRATION_GUIDE_AUTHORIZED));
  const scenario = buildScenario({
    id: 'pos-lower-case-uid',
    request: {
      body: { ...rfidRequestBody(), Identification: { RFIDMifareFamilyIdentification: { UID: 'aabbccdd' } } },
    },
  });
  const { hooks, outcome } = run(scenario, transport);
  const error = await rejection(outcome);

  expect(error).toBeInstanceOf(RequestLintError);
  const message = (error as Error).message;
  expect(message).toContain(
    'pos-lower-case-uid sends a request that violates eRoamingAuthorizeStart (nothing was sent)',
  );
  expect(message).toContain('/Identification/RFIDMifareFamilyIdentification/UID: must match pattern');
  expect(transport.sent).toEqual([]);
  expect(hooks.steps.some((s) => s.startsWith('Send '))).toBe(false);
  expect(hooks.attachments.map((a) => a.name)).toEqual(['scenario.json', 'request-lint.txt']);
});

test('a timeout: ScenarioFailed with answeredWithinBudget only', async () => {
  const transport = failing(
    new TransportError('timeout', URL, `POST ${URL} failed: no answer within 2000 ms`),
  );
  const { hooks, outcome } = run(buildScenario(), transport);
  const error = await rejection(outcome);

  expect(error).toBeInstanceOf(ScenarioFailed);
  const failed = error as ScenarioFailed;
  expect(failed.failures.map((f) => f.check)).toEqual(['answeredWithinBudget']);
  expect(failed.failures[0]?.expected).toBe('an answer within 1000 ms');
  expect(failed.failures[0]?.received).toMatch(
    /^no answer after \d+ ms \(request abandoned; not even the status line arrived\)$/,
  );
  expect(transport.sent).toHaveLength(1);
  expect(hooks.attachments.map((a) => a.name)).toEqual([
    'scenario.json',
    'request.json',
    'reproduce.sh',
    'verdicts.json',
  ]);
  const verdicts = JSON.parse(hooks.attachment('verdicts.json').body) as { failed: Array<{ check: string }> };
  expect(verdicts.failed.map((f) => f.check)).toEqual(['answeredWithinBudget']);
});

test('a connection failure: the TransportError propagates, naming the URL', async () => {
  const refused = new TransportError(
    'connection',
    URL,
    `POST ${URL} failed: connect ECONNREFUSED 127.0.0.1:9`,
  );
  const { hooks, outcome } = run(buildScenario(), failing(refused));
  const error = await rejection(outcome);

  // The same failure, its message passed through the scenario's secret masking.
  expect(error).toBeInstanceOf(TransportError);
  expect((error as TransportError).message).toBe(refused.message);
  expect(error).not.toBeInstanceOf(ScenarioFailed);
  expect((error as TransportError).kind).toBe('connection');
  expect((error as TransportError).url).toBe(URL);
  expect((error as Error).message).toContain(URL);
  expect(hooks.steps.filter((s) => s.startsWith('Check '))).toEqual([]);
});

test('an advisory (request without EvseID) is reported and does not fail the scenario', async () => {
  const { EvseID: _omitted, ...withoutEvse } = rfidRequestBody();
  const scenario = buildScenario({ request: { body: withoutEvse } });
  const { hooks, outcome } = run(scenario, answering(httpAnswer(INTEGRATION_GUIDE_AUTHORIZED)));
  const result = await outcome;

  expect(result.failures).toEqual([]);
  expect(hooks.advisories.map((a) => a.check)).toEqual(['requestCarriesEvseId']);
  expect(hooks.advisories[0]?.verdict).toBe('advisory');
  expect(hooks.advisories[0]?.received).toBe('EvseID (absent)');
  expect(result.advisories).toEqual(hooks.advisories);
});

test('a PIN from a secret profile variable is sent but never reported', async () => {
  const pin = '4711';
  const variables = { qrPin: pin, evcoId: 'DE-8EO-CAet5e4XY-3', operatorId: OPERATOR_ID };
  const scenario = buildScenario({
    request: {
      operatorId: '{{operatorId}}',
      body: {
        OperatorID: '{{operatorId}}',
        EvseID: EVSE_ID,
        Identification: { QRCodeIdentification: { EvcoID: '{{evcoId}}', PIN: '{{qrPin}}' } },
      },
    },
  });
  const transport = answering(httpAnswer(INTEGRATION_GUIDE_AUTHORIZED));
  const { hooks, outcome } = run(scenario, transport, variables);
  await outcome;

  expect(transport.sent[0]?.request.bodyText).toContain(`"PIN":"${pin}"`);
  const request = JSON.parse(hooks.attachment('request.json').body) as { body: { Identification: unknown } };
  expect(request.body.Identification).toEqual({
    QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3', PIN: '***' },
  });
  expect(hooks.attachment('reproduce.sh').body).toContain('"PIN":"***"');
  const leaks = hooks.everything().filter((text) => text.includes(pin));
  expect(leaks).toEqual([]);
});

test('a PIN is not reported when the lint refuses the request either', async () => {
  const pin = '4711';
  const scenario = buildScenario({
    request: {
      body: {
        OperatorID: OPERATOR_ID,
        Identification: { QRCodeIdentification: { EvcoID: 'not an EvcoID', PIN: '{{qrPin}}' } },
      },
    },
  });
  const transport = answering(httpAnswer(INTEGRATION_GUIDE_AUTHORIZED));
  const { hooks, outcome } = run(scenario, transport, { qrPin: pin });
  const error = await rejection(outcome);

  expect(error).toBeInstanceOf(RequestLintError);
  expect(hooks.attachment('request-lint.txt').body).toContain('/Identification/QRCodeIdentification/EvcoID');
  expect(hooks.everything().filter((text) => text.includes(pin))).toEqual([]);
  expect((error as Error).message).not.toContain(pin);
});

test('{{$uuid}} resolves to one value for the request and the expectation', async () => {
  const scenario = buildScenario({
    request: { body: rfidRequestBody({ CPOPartnerSessionID: '{{$uuid}}' }) },
    expect: { fields: { CPOPartnerSessionID: { equals: '{{$uuid}}' } } },
  });
  // The target echoes the CPOPartnerSessionID it received.
  const echo = new FakeTransport((request) => {
    const sent = JSON.parse(request.bodyText) as { CPOPartnerSessionID: string };
    return httpAnswer(answerBody({ CPOPartnerSessionID: sent.CPOPartnerSessionID }));
  });
  const { hooks, outcome } = run(scenario, echo);
  const result = await outcome;

  const sent = (JSON.parse(echo.sent[0]?.request.bodyText ?? '{}') as { CPOPartnerSessionID: string })
    .CPOPartnerSessionID;
  expect(sent).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(result.exchange?.scenario.expect.fields).toEqual({ CPOPartnerSessionID: { equals: sent } });
  const passedStep = hooks.steps.find((s) => s.includes(' check(s) passed: '));
  expect(passedStep).toContain('fieldsAsExpected');
  expect(passedStep).toContain('cpoPartnerSessionIdEchoed');

  // A fresh value on every run.
  const again = new FakeTransport((request) =>
    httpAnswer(answerBody({ CPOPartnerSessionID: JSON.parse(request.bodyText).CPOPartnerSessionID })),
  );
  await run(scenario, again).outcome;
  const second = (JSON.parse(again.sent[0]?.request.bodyText ?? '{}') as { CPOPartnerSessionID: string })
    .CPOPartnerSessionID;
  expect(second).not.toBe(sent);
});

test('an unknown variable: InputError naming it, nothing sent', async () => {
  const transport = answering(httpAnswer(INTEGRATION_GUIDE_AUTHORIZED));
  const scenario = buildScenario({ request: { body: rfidRequestBody({ EvseID: '{{evseTypo}}' }) } });
  const error = await rejection(run(scenario, transport, { evseId: EVSE_ID }).outcome);

  expect(error).toBeInstanceOf(InputError);
  expect((error as InputError).message).toContain('nothing was sent');
  expect((error as InputError).problems.map((p) => p.message)).toEqual(['unknown variable {{evseTypo}}']);
  expect(transport.sent).toEqual([]);
});

test('a check that crashes is not mistaken for a failed check', async () => {
  const crashing = {
    name: 'crashes',
    title: 'crashes',
    verdict: 'failure' as const,
    category: 'protocol' as const,
    source: 'unit test',
    appliesTo: () => true,
    verify: () => {
      throw new TypeError('bug in a check');
    },
  };
  const hooks = new RecordingHooks();
  const error = await rejection(
    runScenario(buildScenario(), {
      profile: buildProfile(),
      transport: answering(httpAnswer(INTEGRATION_GUIDE_AUTHORIZED)),
      schemas: schemaRegistry(),
      hooks,
      checks: [crashing],
    }),
  );
  expect(error).toBeInstanceOf(TypeError);
  expect(error).not.toBeInstanceOf(CheckFailure);
  expect((error as Error).message).toBe('bug in a check');
});

test('a PIN echoed by the target never reaches an attachment, a step error or the failure message', async () => {
  const echo = httpAnswer({ message: 'PIN 4711 is not valid', validationErrors: null }, { status: 400 });
  const { hooks, outcome } = run(buildScenario(), answering(echo), { qrPin: '4711' });
  const error = await rejection(outcome);
  expect(error).toBeInstanceOf(ScenarioFailed);
  const failed = error as ScenarioFailed;
  expect(failed.failures.map((f) => f.check)).toContain('httpStatusAsExpected');
  expect(failed.failures.map((f) => f.message).join('\n')).toContain('PIN *** is not valid');
  for (const failure of failed.failures) expect(failure.message).not.toContain('4711');
  expect(failed.message).not.toContain('4711');
  for (const text of hooks.everything()) expect(text).not.toContain('4711');
  expect(hooks.attachment('response.json').body).toContain('PIN *** is not valid');
});

test.describe('retry policy and pacing', () => {
  const retryingProfile = (attempts: number) => ({
    ...buildProfile(),
    retry: { attempts, onStatus: [503], delayMs: 10 },
  });
  const unavailable = httpAnswer({ message: 'Service Unavailable' }, { status: 503 });

  function sequence(...answers: HttpAnswer[]): FakeTransport {
    let call = 0;
    return new FakeTransport(() => answers[Math.min(call++, answers.length - 1)] as HttpAnswer);
  }

  test('a transient 503 is retried; each attempt is a step with its answer, the last answer is judged', async () => {
    const transport = sequence(unavailable, httpAnswer(INTEGRATION_GUIDE_AUTHORIZED));
    const hooks = new RecordingHooks();
    const outcome = await runScenario(buildScenario(), {
      profile: retryingProfile(3),
      transport,
      schemas: schemaRegistry(),
      hooks,
    });
    expect(transport.sent).toHaveLength(2);
    expect(outcome.exchange?.attempts).toBe(2);
    expect(hooks.steps).toContain(
      "Attempt 1 of 3: HTTP 503, retrying in 10 ms (retry policy of profile 'unit')",
    );
    expect(hooks.attachment('attempt-1-response.txt').body).toContain('Service Unavailable');
    expect(JSON.parse(hooks.attachment('verdicts.json').body).attempts).toBe(2);
  });

  test('a persistent 503 is never hidden: after the last attempt the 503 is judged and fails', async () => {
    const transport = sequence(unavailable);
    const hooks = new RecordingHooks();
    const error = await rejection(
      runScenario(buildScenario(), {
        profile: retryingProfile(3),
        transport,
        schemas: schemaRegistry(),
        hooks,
      }),
    );
    expect(transport.sent).toHaveLength(3);
    expect((error as ScenarioFailed).failures.map((f) => f.check)).toContain('httpStatusAsExpected');
    expect(hooks.steps.filter((s) => s.startsWith('Attempt '))).toHaveLength(2);
  });

  test('without a retry policy, or for a status outside it, there is exactly one attempt', async () => {
    for (const [profile, answer] of [
      [buildProfile(), unavailable],
      [retryingProfile(3), httpAnswer({ message: 'boom' }, { status: 500 })],
    ] as const) {
      const transport = sequence(answer);
      await rejection(
        runScenario(buildScenario(), {
          profile,
          transport,
          schemas: schemaRegistry(),
          hooks: new RecordingHooks(),
        }),
      );
      expect(transport.sent).toHaveLength(1);
    }
  });

  test('minIntervalMs spaces the requests of a worker', async () => {
    const times: number[] = [];
    const transport = new FakeTransport(() => {
      times.push(Date.now());
      return httpAnswer(INTEGRATION_GUIDE_AUTHORIZED);
    });
    const profile = { ...buildProfile(), minIntervalMs: 400 };
    for (let i = 0; i < 3; i++) {
      await runScenario(buildScenario(), {
        profile,
        transport,
        schemas: schemaRegistry(),
        hooks: new RecordingHooks(),
      });
    }
    // Pacing is a lower bound on the gap (a behaviour, not a speed measurement). The bound leaves a margin
    // for a busy machine, which may pause this process between the pacing and the moment a request is sent:
    // without pacing the gaps are a few milliseconds.
    const gaps = times.slice(1).map((time, i) => time - (times[i] ?? time));
    expect(gaps).toHaveLength(2);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(250);
  });
});

test.describe('expectations by basis: only an unmet OICP rule fails the scenario', () => {
  const refusal102 = httpAnswer(
    answerBody({
      SessionID: null,
      ProviderID: null,
      AuthorizationStatus: 'NotAuthorized',
      StatusCode: { Code: '106', Description: null, AdditionalInfo: null },
    }),
  );
  const expecting102 = (basis?: Scenario['expect']['basis']) =>
    buildScenario({
      expect: { authorizationStatus: 'NotAuthorized', statusCode: '102', ...(basis ? { basis } : {}) },
    });

  test('an unmet assumption is reported as not confirmed, with expected, received, basis and citation; the scenario passes', async () => {
    const scenario = expecting102({
      default: { kind: 'rule', citation: 'OICP 2.3 eRoamingAuthorizeStart' },
      byExpectation: {
        statusCode: { kind: 'assumption', citation: 'Hubject answers an unknown UID with 102' },
      },
    });
    const { hooks, outcome } = run(scenario, answering(refusal102));
    const result = await outcome;

    expect(result.failures).toEqual([]);
    expect(result.unconfirmed).toEqual([
      {
        check: 'statusCodeAsExpected',
        expectation: 'statusCode',
        basis: 'assumption',
        citation: 'Hubject answers an unknown UID with 102',
        expected: 'StatusCode.Code "102"',
        received: 'StatusCode.Code "106"',
      },
    ]);
    expect(hooks.steps).toContain('Expectation not confirmed by this target: statusCode (assumption)');
    const text = hooks.attachment('unconfirmed-statusCode.txt').body;
    expect(text).toContain('expected: StatusCode.Code "102"');
    expect(text).toContain('received: StatusCode.Code "106"');
    expect(text).toContain('basis: assumption — Hubject answers an unknown UID with 102');
    const verdicts = JSON.parse(hooks.attachment('verdicts.json').body) as Record<string, unknown>;
    expect(verdicts.failed).toEqual([]);
    expect(verdicts.unconfirmed).toEqual(result.unconfirmed);
    expect(hooks.advisories).toEqual([]);
  });

  test('observed behaviour is not confirmed either; the same expectation as a rule (or without basis) fails', async () => {
    const observed = await run(
      expecting102({ default: { kind: 'observed', citation: 'capture 2022' }, byExpectation: {} }),
      answering(refusal102),
    ).outcome;
    expect(observed.unconfirmed.map((u) => [u.expectation, u.basis])).toEqual([['statusCode', 'observed']]);

    for (const basis of [
      undefined,
      { default: { kind: 'rule' as const, citation: 'OICP table' }, byExpectation: {} },
    ]) {
      const error = await rejection(run(expecting102(basis), answering(refusal102)).outcome);
      expect(error).toBeInstanceOf(ScenarioFailed);
      expect((error as ScenarioFailed).failures.map((f) => f.check)).toEqual(['statusCodeAsExpected']);
    }
  });

  test('field matchers are judged one by one: the rule fails, the assumption beside it is only reported', async () => {
    const scenario = buildScenario({
      request: { body: rfidRequestBody({ EMPPartnerSessionID: 'emp-1' }) },
      expect: {
        fields: {
          ProviderID: { equals: 'DE*XYZ' },
          EMPPartnerSessionID: { equals: 'emp-1' },
        },
        basis: {
          byExpectation: {
            'fields.EMPPartnerSessionID': {
              kind: 'assumption',
              citation: 'Hubject relays it when the EMP sets none',
            },
          },
        },
      },
    });
    const { hooks, outcome } = run(scenario, answering(httpAnswer(INTEGRATION_GUIDE_AUTHORIZED)));
    const error = await rejection(outcome);

    expect(error).toBeInstanceOf(ScenarioFailed);
    const [failure] = (error as ScenarioFailed).failures;
    expect(failure?.check).toBe('fieldsAsExpected');
    expect(failure?.expected).toBe('ProviderID to equal "DE*XYZ"');
    expect(failure?.received).toBe('ProviderID = "DE*ICE"');
    const verdicts = JSON.parse(hooks.attachment('verdicts.json').body) as {
      failed: Array<{ expected: string }>;
      unconfirmed: Array<{ expectation: string; received: string }>;
    };
    expect(verdicts.failed.map((f) => f.expected)).toEqual(['ProviderID to equal "DE*XYZ"']);
    expect(verdicts.unconfirmed).toEqual([
      expect.objectContaining({
        expectation: 'fields.EMPPartnerSessionID',
        received: 'EMPPartnerSessionID = null',
      }),
    ]);
  });

  test('an unexpected HTTP status under an assumed status is not confirmed, and the answer is still judged as the message of the status that arrived', async () => {
    const scenario = buildScenario({
      invalid: true,
      request: { body: rfidRequestBody({ Padding: 'x' }) },
      expect: {
        status: 413,
        body: 'any',
        authorizationStatus: undefined,
        statusCode: undefined,
        basis: {
          default: { kind: 'assumption', citation: 'an edge proxy limits the body size' },
          byExpectation: {},
        },
      },
    });
    const faultBody = httpAnswer(
      { message: 'Error parsing/validating JSON.', validationErrors: [], extendedInfo: null },
      { status: 400 },
    );
    const judged = await run(scenario, answering(faultBody)).outcome;
    expect(judged.failures).toEqual([]);
    expect(judged.unconfirmed.map((u) => u.expectation)).toEqual(['status']);
    // An unmet assumption never switches a check off: a 400 is a FaultBody, whatever the scenario expected.
    const proxyPage = httpAnswer('<html><body>Bad Request</body></html>', {
      status: 400,
      contentType: 'text/html',
    });
    const failed = await run(scenario, answering(proxyPage)).outcome.catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(ScenarioFailed);
    expect((failed as ScenarioFailed).failures.map((f) => f.check)).toEqual([
      'contentTypeIsJsonUtf8',
      'bodyIsJson',
    ]);
  });

  test('an HTTP 200 that is not an eRoamingAuthorizationStart fails, whatever status the scenario assumed', async () => {
    const scenario = buildScenario({
      invalid: true,
      request: { body: rfidRequestBody({ Padding: 'x' }) },
      expect: {
        status: 400,
        authorizationStatus: undefined,
        statusCode: undefined,
        basis: { default: { kind: 'assumption', citation: 'rejected, we think' }, byExpectation: {} },
      },
    });
    const acknowledgement = httpAnswer({
      Result: true,
      StatusCode: { Code: '000', Description: null, AdditionalInfo: null },
    });
    const failed = await run(scenario, answering(acknowledgement)).outcome.catch((error: unknown) => error);
    expect((failed as ScenarioFailed).failures.map((f) => f.check)).toEqual(['bodyMatchesSchema']);
    expect((failed as ScenarioFailed).failures[0]?.message).toContain('an eRoamingAcknowledgement');
  });
});

test.describe('known Hubject deviations', () => {
  const expect404 = buildScenario({
    request: { operatorId: 'DE*ZZZ', body: rfidRequestBody({ OperatorID: 'DE*ZZZ' }) },
    expect: { status: 404, body: 'OicpERoamingFault', authorizationStatus: undefined, statusCode: '300' },
  });
  const latin1NotFound = httpAnswer(
    { StatusCode: { Code: '300', Description: 'Partner not found', AdditionalInfo: null } },
    { status: 404, statusText: 'Not Found', contentType: 'application/json;charset=ISO-8859-1' },
  );

  test('a profile that accepts E-15 reports the ISO-8859-1 error answer as an advisory "Hubject deviation E-15"', async () => {
    const hooks = new RecordingHooks();
    const result = await runScenario(expect404, {
      profile: { ...buildProfile(), hubjectDeviations: ['E-15'] },
      transport: answering(latin1NotFound),
      schemas: schemaRegistry(),
      hooks,
    });
    expect(result.failures).toEqual([]);
    expect(hooks.advisories.map((a) => [a.check, a.verdict, a.deviation])).toEqual([
      ['contentTypeIsJsonUtf8', 'advisory', 'E-15'],
    ]);
    expect(hooks.advisories[0]?.oneLine).toContain('(Hubject deviation E-15)');
    expect(hooks.advisories[0]?.message).toContain('Hubject deviation E-15 (docs/errata.md)');
    const verdicts = JSON.parse(hooks.attachment('verdicts.json').body) as ScenarioVerdicts;
    expect(verdicts.advisories).toEqual([
      expect.objectContaining({ check: 'contentTypeIsJsonUtf8', deviation: 'E-15' }),
    ]);
    // A rule the profile relaxed: the verdicts say which setting, so the console, report and gate name it.
    expect(verdicts.relaxed).toEqual([
      {
        setting: 'hubjectDeviations: E-15',
        contract: expect.stringContaining('contentTypeIsJsonUtf8: '),
        accepted: expect.stringContaining('ISO-8859-1'),
        profile: 'unit',
      },
    ]);
  });

  test('a scenario whose rule the profile relaxed (invalidRequests) carries it into its verdicts, pass or fail', async () => {
    const hooks = new RecordingHooks();
    const relaxedByProfile = [
      {
        setting: 'invalidRequests.enforced',
        contract: 'HTTP 400 with a FaultBody',
        accepted: 'HTTP 200 with any body',
        profile: 'unit',
      },
    ];
    await runScenario(
      { ...buildScenario(), relaxedByProfile },
      {
        profile: buildProfile(),
        transport: answering(httpAnswer(INTEGRATION_GUIDE_AUTHORIZED)),
        schemas: schemaRegistry(),
        hooks,
      },
    );
    const verdicts = JSON.parse(hooks.attachment('verdicts.json').body) as ScenarioVerdicts;
    expect(verdicts.relaxed).toEqual(relaxedByProfile);
    // None relaxed: no entry at all.
    const plain = new RecordingHooks();
    await runScenario(buildScenario(), {
      profile: buildProfile(),
      transport: answering(httpAnswer(INTEGRATION_GUIDE_AUTHORIZED)),
      schemas: schemaRegistry(),
      hooks: plain,
    });
    expect((JSON.parse(plain.attachment('verdicts.json').body) as ScenarioVerdicts).relaxed).toBeUndefined();
  });

  test('against a profile that does not accept it (the mock) the same answer fails, naming the erratum', async () => {
    const error = await rejection(run(expect404, answering(latin1NotFound)).outcome);
    expect(error).toBeInstanceOf(ScenarioFailed);
    const [failure] = (error as ScenarioFailed).failures;
    expect(failure?.check).toBe('contentTypeIsJsonUtf8');
    expect(failure?.message).toContain('known Hubject deviation E-15');
    expect(failure?.message).toContain('hubjectDeviations: [E-15]');
  });

  test('accepting a deviation never excuses anything else: ISO-8859-1 on an HTTP 200 answer still fails', async () => {
    const hooks = new RecordingHooks();
    const error = await rejection(
      runScenario(buildScenario(), {
        profile: { ...buildProfile(), hubjectDeviations: ['E-15', 'E-16', 'E-17'] },
        transport: answering(
          httpAnswer(INTEGRATION_GUIDE_AUTHORIZED, { contentType: 'application/json;charset=ISO-8859-1' }),
        ),
        schemas: schemaRegistry(),
        hooks,
      }),
    );
    expect((error as ScenarioFailed).failures.map((f) => f.check)).toEqual(['contentTypeIsJsonUtf8']);
  });
});

test('the answer summary marks a SessionID the CPO sent itself, so that the run-level check does not count it', async () => {
  const sent = 'f98efba4-02d8-4fa0-b810-9a9d50d2c527';
  const scenario = buildScenario({ request: { body: rfidRequestBody({ SessionID: sent }) } });
  const { hooks, outcome } = run(
    scenario,
    answering(httpAnswer(answerBody({ SessionID: sent.toUpperCase() }))),
  );
  await outcome;
  const verdicts = JSON.parse(hooks.attachment('verdicts.json').body) as Record<string, unknown>;
  expect(verdicts.answer).toEqual({
    status: 200,
    authorizationStatus: 'Authorized',
    sessionId: sent.toUpperCase(),
    sessionIdSentByCpo: true,
  });
});

test('a failed outcome names the exact values it depended on, as sent and where each came from, never a PIN', async () => {
  const scenario = buildScenario({
    request: {
      operatorId: '{{operatorId}}',
      body: {
        OperatorID: '{{operatorId}}',
        EvseID: '{{evseId}}',
        Identification: { RFIDMifareFamilyIdentification: { UID: '04F1EE7C0A2B3C' } },
      },
    },
    expect: { fields: { ProviderID: { equals: '{{fleetProviderId}}' } } },
  });
  const variables = { operatorId: 'DE*ABC', evseId: 'DE*ABC*E1234567*1', fleetProviderId: 'DE*FLT' };
  const refusal = httpAnswer(HUBJECT_NOT_AUTHORIZED_102);
  const hint = async (profile: Profile) => {
    const hooks = new RecordingHooks();
    const error = await rejection(
      runScenario(scenario, { profile, transport: answering(refusal), schemas: schemaRegistry(), hooks }),
    );
    expect(error).toBeInstanceOf(ScenarioFailed);
    expect((error as Error).message).toContain(hooks.attachment('test-data-hint.txt').body);
    return hooks.attachment('test-data-hint.txt').body;
  };
  const values =
    'The outcome depended on UID 04F1EE7C0A2B3C (written in the scenario), EvseID DE*ABC*E1234567*1 ({{evseId}}), OperatorID DE*ABC ({{operatorId}}).';
  const plain = await hint(buildProfile(variables));
  expect(plain).toBe(
    `test data: ${values} If the target does not know them (a test card not set up, an EVSE in another state), this expectation cannot hold. The scenario also relies on fleetProviderId=DE*FLT. (profile 'unit', tests/unit/inline-profile.yaml)`,
  );
  const embedded = {
    ...buildProfile(variables),
    mockRegistry: '/x/data/mock/registry.yaml',
    startEmbeddedMock: true,
  };
  expect(await hint(embedded)).toContain(
    `${values} The embedded mock knows the operators, EVSEs, cards and contracts of /x/data/mock/registry.yaml: add the one it lacks there`,
  );
  // The registry is named only when the embedded mock answered from it: not for an external target of the
  // mock profile (OICP_BASE_URL), not for a replay.
  expect(await hint({ ...embedded, startEmbeddedMock: false })).not.toContain('embedded mock');
  expect(await hint({ ...embedded, mockReplay: '/runs/qa' })).not.toContain('embedded mock');
  expect(await hint({ ...buildProfile(variables), mockCommand: './their-mock' })).toContain(
    `${values} The target is another team's mock (OICP_MOCK_COMMAND): it may not know these values.`,
  );

  // A QR code: the EvcoID is named, its PIN never is.
  const qr = buildScenario({
    request: {
      body: {
        OperatorID: OPERATOR_ID,
        Identification: { QRCodeIdentification: { EvcoID: '{{qrEvcoId}}', PIN: '{{qrPin}}' } },
      },
    },
  });
  const hooks = new RecordingHooks();
  await rejection(
    runScenario(qr, {
      profile: buildProfile({ qrEvcoId: 'DE-8EO-CAet5e4XY-3', qrPin: '48213' }),
      transport: answering(refusal),
      schemas: schemaRegistry(),
      hooks,
    }),
  );
  const qrHint = hooks.attachment('test-data-hint.txt').body;
  expect(qrHint).toContain(
    'The outcome depended on EvcoID DE-8EO-CAet5e4XY-3 ({{qrEvcoId}}), OperatorID DE*ABC',
  );
  expect(qrHint).not.toContain('48213');
});

test('no test-data hint where the outcome matched (a field alone differed) or the request is wrong on purpose', async () => {
  const profile = {
    ...buildProfile({ operatorId: OPERATOR_ID }),
    mockRegistry: '/x/registry.yaml',
    startEmbeddedMock: true,
  };
  // Status and codes as expected, a field not: the test data is not in question.
  const fieldOnly = buildScenario({ expect: { fields: { ProviderID: { equals: 'DE*OTHER' } } } });
  const fieldHooks = new RecordingHooks();
  const fieldError = await rejection(
    runScenario(fieldOnly, {
      profile,
      transport: answering(httpAnswer(answerBody())),
      schemas: schemaRegistry(),
      hooks: fieldHooks,
    }),
  );
  expect(fieldError).toBeInstanceOf(ScenarioFailed);
  expect(fieldHooks.attachments.map((a) => a.name)).not.toContain('test-data-hint.txt');
  expect((fieldError as Error).message).not.toContain('test data:');

  // A deliberately invalid request answered with the wrong outcome: its defect decides, not the test data.
  const invalid = buildScenario({
    invalid: true,
    request: { operatorId: OPERATOR_ID, body: { OperatorID: OPERATOR_ID } },
    expect: { status: 400, body: 'FaultBody' },
  });
  const invalidHooks = new RecordingHooks();
  const invalidError = await rejection(
    runScenario(invalid, {
      profile,
      transport: answering(httpAnswer(answerBody())),
      schemas: schemaRegistry(),
      hooks: invalidHooks,
    }),
  );
  expect(invalidError).toBeInstanceOf(ScenarioFailed);
  expect(invalidHooks.attachments.map((a) => a.name)).not.toContain('test-data-hint.txt');
});

test('a target whose operation lives under another base path gets the request there (OICP_OPERATION_PATH, operationPath)', async () => {
  const transport = answering(httpAnswer(answerBody()));
  await runScenario(buildScenario(), {
    profile: { ...buildProfile(), operationPath: '/mock/oicp' },
    transport,
    schemas: schemaRegistry(),
    hooks: new RecordingHooks(),
  });
  expect(transport.sent[0]?.request.url).toBe(
    'http://127.0.0.1:9/mock/oicp/operators/DE*ABC/authorize/start',
  );
});
