import { expect, test } from '@playwright/test';
import { CheckFailure } from '../../src/checks/check.ts';
import {
  type HttpAnswer,
  type PreparedRequest,
  type Transport,
  TransportError,
} from '../../src/exchange/types.ts';
import { InputError } from '../../src/input/errors.ts';
import {
  LATE_ANSWER_GRACE_MS,
  RequestLintError,
  type RunHooks,
  runScenario,
  ScenarioFailed,
} from '../../src/run/scenario-runner.ts';
import type { Scenario } from '../../src/scenarios/types.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import {
  answerBody,
  buildProfile,
  buildScenario,
  EVSE_ID,
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

test('a good answer: resolves, reports resolve, lint, send and checks in order, with the evidence', async () => {
  const transport = answering(httpAnswer(INTEGRATION_GUIDE_AUTHORIZED, { headers: { 'Process-ID': 'p-1' } }));
  const { hooks, outcome } = run(buildScenario(), transport);
  const result = await outcome;

  expect(result.failures).toEqual([]);
  expect(result.advisories).toEqual([]);
  expect(result.exchange?.answer?.status).toBe(200);
  expect(hooks.steps).toEqual([
    expect.stringMatching(/^Load scenario [a-z0-9-]+ \(.+:\d+\)$/),
    'Resolve variables from the profile',
    'Lint request against eRoamingAuthorizeStart',
    `Send POST ${URL}`,
    'Check answeredWithinBudget: The answer arrives within the time budget',
    'Check answerBodyComplete: The answer body arrives whole, decodable and within the size limit',
    'Check httpStatusAsExpected: The HTTP status is the one the scenario expects',
    'Check contentTypeIsJsonUtf8: The answer is declared as JSON in UTF-8 (application/json, charset utf-8 when given)',
    'Check bodyIsJson: The answer body is JSON',
    'Check bodyMatchesSchema: The answer body matches the OICP schema of the expected answer',
    'Check authorizationStatusAsExpected: AuthorizationStatus is the one the scenario expects',
    'Check statusCodeAsExpected: StatusCode.Code is the one the scenario expects',
    'Check authorizedHasSessionId: An Authorized answer carries a SessionID in GUID form',
    'Check authorizedHasProviderId: An Authorized answer names the authorizing EMP (ProviderID)',
    'Check authorizedHasSuccessCode: An Authorized answer has StatusCode.Code 000',
    'Check statusCodeInOicpTable: StatusCode.Code is a code of the OICP status code table',
    'Check statusTextWithinLimits: StatusCode.Description has at most 200 and AdditionalInfo at most 1000 characters',
    'Advisory requestCarriesEvseId: The request names the EVSE (EvseID)',
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
  expect(failed.message).toContain('received: CPOPartnerSessionID null');
  expect(failed.message).toContain('expected: CPOPartnerSessionID "cpo-77"');
  // Every check still ran and was reported, the evidence included.
  expect(hooks.steps.filter((s) => s.startsWith('Check '))).toHaveLength(14);
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
    'Resolve variables from the profile',
    'Lint request: it must be invalid (invalid: true)',
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
  expect(hooks.steps).toContain(
    'Check fieldsAsExpected: The answer fields the scenario names have the expected values',
  );
  expect(hooks.steps).toContain(
    'Check cpoPartnerSessionIdEchoed: The CPOPartnerSessionID sent in the request comes back unchanged',
  );

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
  expect(failed.message).toContain('PIN *** is not valid');
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
    const profile = { ...buildProfile(), minIntervalMs: 150 };
    for (let i = 0; i < 3; i++) {
      await runScenario(buildScenario(), {
        profile,
        transport,
        schemas: schemaRegistry(),
        hooks: new RecordingHooks(),
      });
    }
    // Pacing is a lower bound on the gap (a behaviour, not a speed measurement).
    const gaps = times.slice(1).map((time, i) => time - (times[i] ?? time));
    expect(gaps).toHaveLength(2);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(145);
  });
});
