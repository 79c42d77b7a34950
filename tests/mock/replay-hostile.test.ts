import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  loadReplayLog,
  MAX_REPLAYED_BODY_BYTES,
  MAX_REPLAYED_DELAY_MS,
  type RecordedExchange,
  Replayer,
} from '../../mock/replay.ts';
import { startMock } from '../../mock/server.ts';
import type { CheckFailure } from '../../src/checks/check.ts';
import type { ExchangeRecord } from '../../src/exchange/log-entry.ts';
import type { HttpAnswer, PreparedRequest, Transport } from '../../src/exchange/types.ts';
import { type RunHooks, runScenario } from '../../src/run/scenario-runner.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { unblockFifoAfter, withinTime } from '../support/hang-guard.ts';
import { expect, test } from '../support/test.ts';
import {
  buildProfile,
  buildScenario,
  httpAnswer,
  INTEGRATION_GUIDE_AUTHORIZED,
  OPERATOR_ID,
} from '../unit/helpers/exchange.ts';
import { authorizeStartPath, runMockCommand } from './support.ts';

// The replaying mock never dies, hangs or leaks of what it recorded or of what a client sends: each way a
// recording or a request was found to do so is answered here, over HTTP where the wire is the point.

const PATH = authorizeStartPath('DE*ABC');
const UID = '0A1B2C3D';

function exchange(
  scenario: string,
  answer: Record<string, unknown> = {},
  request: Record<string, unknown> = {},
): Record<string, unknown> {
  const body = { OperatorID: 'DE*ABC', Identification: { RFIDMifareFamilyIdentification: { UID } } };
  return {
    format: 'oicp-exchange/1',
    runId: 'recorded-run',
    scenario,
    title: `Title of ${scenario}`,
    profile: 'qa',
    target: 'https://service-qa.hubject.com',
    attempts: 1,
    verdict: 'passed',
    request: {
      method: 'POST',
      url: `https://service-qa.hubject.com${PATH}`,
      path: PATH,
      headers: { 'Content-Type': 'application/json' },
      body,
      bytes: JSON.stringify(body).length,
      ...request,
    },
    answer: {
      status: 200,
      reason: 'OK',
      headers: { 'content-type': 'application/json;charset=utf-8' },
      body: { AuthorizationStatus: 'Authorized' },
      bytes: 30,
      elapsedMs: 42,
      ...answer,
    },
    generated: [],
  };
}

const liveBody = (uid = UID) =>
  JSON.stringify({ OperatorID: 'DE*ABC', Identification: { RFIDMifareFamilyIdentification: { UID: uid } } });

function recording(lines: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-replay-hostile-'));
  fs.writeFileSync(path.join(dir, 'exchanges.jsonl'), lines.map((line) => `${line}\n`).join(''));
  return dir;
}

function replayerOf(records: Array<Record<string, unknown>>, timing?: 'recorded'): Replayer {
  return new Replayer({ source: 'r', exchanges: records as unknown as RecordedExchange[] }, { timing });
}

const ask = (r: Replayer, body = liveBody()) =>
  r.answer({ method: 'POST', path: PATH, headers: { 'content-type': 'application/json' }, body });

async function withReplay<T>(lines: string[], use: (url: string) => Promise<T>): Promise<T> {
  const mock = await startMock({ port: 0, replay: loadReplayLog(recording(lines)) });
  try {
    return await use(mock.url);
  } finally {
    await mock.close();
  }
}

const post = (url: string, body: string) =>
  fetch(`${url}${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

test('a FIFO or /dev/zero as the recording is refused at once (exit 2), never read', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-replay-fifo-'));
  const fifo = path.join(dir, 'exchanges.jsonl');
  execFileSync('mkfifo', [fifo]);
  // The command line (mockCommand) in this process: a reader that opened the FIFO would wait for a writer
  // for ever; after 10 s one comes, and the test fails instead of hanging.
  const stopGuard = unblockFifoAfter(fifo, 10_000);
  try {
    for (const given of [dir, fifo]) {
      const cli = await runMockCommand(['--replay', given, '--port', '0']);
      await cli.mock?.close();
      expect(cli.exitCode, cli.stderr).toBe(2);
      expect(cli.stderr).toContain(
        'exchanges.jsonl: is a named pipe (FIFO), not a file: reading it would wait forever',
      );
    }
  } finally {
    await stopGuard();
  }
  const zero = await runMockCommand(['--replay', '/dev/zero', '--port', '0']);
  await zero.mock?.close();
  expect(zero.exitCode, zero.stderr).toBe(2);
  expect(zero.stderr).toContain('oicp-mock: cannot read the recording /dev/zero: is a device, not a file');
});

test('a recording held to the limits of an exchange log, each refusal at its line', () => {
  const good = JSON.stringify(exchange('a'));
  const deep = JSON.stringify(exchange('deep')).replace(
    '"body":{"AuthorizationStatus":"Authorized"}',
    `"body":${'['.repeat(20_000)}${']'.repeat(20_000)}`,
  );
  expect(() => loadReplayLog(recording([good, deep]))).toThrow(
    /exchanges\.jsonl:2: nested 20002 levels deep, more than the limit of 80/,
  );
  const wide = JSON.stringify(exchange('wide', { body: { x: 'z'.repeat(70_000) } }));
  expect(() => loadReplayLog(recording([wide]))).toThrow(
    /exchanges\.jsonl:1: answer\.body: 70008 characters of JSON, more than the 65536 the suite logs as JSON/,
  );
  const escaped = recording(['\u001b[31m\u0007']);
  let message = '';
  try {
    loadReplayLog(escaped);
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toContain('exchanges.jsonl:1: not JSON');
  expect(message).toContain('\\u001b[31m\\u0007');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  expect(message).not.toMatch(/[\u001b\u0007]/);
});

test('recorded headers and reason phrases that cannot go on the wire are left out; the mock keeps serving', async () => {
  const lines = [
    JSON.stringify(
      exchange('s', {
        reason: 'OK\r\nX-Injected: 1',
        headers: {
          'content-type': 'application/json;charset=utf-8',
          'x-crlf': 'b\r\nSet-Cookie: evil=1',
          'x-bell': 'ring\u0007',
          'x-c1': 'a\u0085b',
          'bad name': 'x',
          'x-kept': 'kept',
        },
      }),
    ),
  ];
  await withReplay(lines, async (url) => {
    for (let round = 0; round < 2; round++) {
      const answer = await post(url, liveBody());
      expect(answer.status).toBe(200);
      expect(answer.statusText).toBe('OK');
      expect(answer.headers.get('x-kept')).toBe('kept');
      for (const name of ['x-crlf', 'set-cookie', 'x-bell', 'x-c1', 'x-injected'])
        expect(answer.headers.get(name)).toBeNull();
      expect(await answer.json()).toEqual({ AuthorizationStatus: 'Authorized' });
    }
  });
});

test('a recorded size of 2,000,000,000 bytes and endless waits are held to bounds', () => {
  const r = replayerOf([exchange('s', { bytes: 2_000_000_000, elapsedMs: 1e12 })], 'recorded');
  const answer = ask(r);
  expect(answer.status).toBe(200);
  expect(Buffer.byteLength(answer.body)).toBe(MAX_REPLAYED_BODY_BYTES);
  expect(answer.delayMs).toBe(MAX_REPLAYED_DELAY_MS);
  const silent = exchange('t', {}, {});
  delete silent.answer;
  silent.noAnswer = { kind: 'timeout', message: 'none', elapsedMs: 1e15 };
  expect(ask(replayerOf([silent]))).toMatchObject({ drop: true, delayMs: MAX_REPLAYED_DELAY_MS });
  // An interim status is no answer: said, not sent.
  expect(ask(replayerOf([exchange('u', { status: 101 })])).status).toBe(502);
});

test('a client sending an 800 KB nested body gets the 400 the mock itself answers, and the mock lives on', async () => {
  const arrays = `${'['.repeat(400_000)}${']'.repeat(400_000)}`;
  const objects = `${'{"a":'.repeat(80_000)}1${'}'.repeat(80_000)}`;
  const own = await startMock({ port: 0 });
  try {
    await withReplay([JSON.stringify(exchange('s'))], async (url) => {
      for (const body of [arrays, objects]) {
        expect(body.length).toBeGreaterThan(400_000);
        const answer = await post(url, body);
        expect(answer.status).toBe(400);
        expect(await answer.json()).toEqual({ message: 'Error parsing/validating JSON.' });
        const ordinary = await post(own.url, arrays);
        expect(ordinary.status).toBe(400);
        expect(await ordinary.json()).toEqual({ message: 'Error parsing/validating JSON.' });
      }
      expect((await post(url, liveBody())).status).toBe(200);
    });
  } finally {
    await own.close();
  }
  // A wide body under a long name (its paths would not fit) is compared as a whole, not field by field.
  const wide = JSON.stringify({ ['n'.repeat(300_000)]: Array.from({ length: 200_000 }, () => 0) });
  const answer = ask(replayerOf([exchange('s')]), wide);
  expect(answer.status).toBe(501);
  expect(JSON.parse(answer.body).differences).toEqual([
    'body: not the recorded one (too many fields to compare one by one)',
  ]);
});

test('the 501 answer names no recorded value and no file: not the UID, the title, the path or the recording', async () => {
  const dir = recording([
    JSON.stringify(exchange('rfid-known')),
    JSON.stringify(exchange('rfid-elsewhere', {}, { path: `${PATH}?x=${UID}` })),
  ]);
  const mock = await startMock({ port: 0, replay: loadReplayLog(dir) });
  try {
    const answer = await post(mock.url, liveBody('FFFFFFFF'));
    expect(answer.status).toBe(501);
    const text = await answer.text();
    for (const hidden of [UID, 'Title of', dir, 'exchanges.jsonl', 'FFFFFFFF', 'service-qa'])
      expect(text).not.toContain(hidden);
    expect(JSON.parse(text)).toEqual({
      message:
        "No recorded exchange matches this request (a replay of 2 exchanges): the closest is scenario 'rfid-known', which differs in Identification.RFIDMifareFamilyIdentification.UID",
      closestScenario: 'rfid-known',
      differences: ['Identification.RFIDMifareFamilyIdentification.UID: not the recorded value'],
    });
  } finally {
    await mock.close();
  }
});

test('the 501 answer names the closest scenario only by an id the catalogue could have written', () => {
  const r = replayerOf([exchange(`${UID} \u001b[31m`)]);
  const body = JSON.parse(ask(r, liveBody('FFFFFFFF')).body);
  expect(body.closestScenario).toBeNull();
  expect(body.message).toBe(
    'No recorded exchange matches this request (a replay of 1 exchange): the closest is a recorded exchange, which differs in Identification.RFIDMifareFamilyIdentification.UID',
  );
  expect(JSON.stringify(body)).not.toContain(UID);
});

test('a recording with many masks cannot make matching take forever (no backtracking)', () => {
  // Before: each *** became a lazy wildcard of a regular expression, and a failing match backtracked
  // through every split of the live string. Bounded in time, so that a hang fails the test.
  const recorded = `${'***a'.repeat(12)}b`;
  const r = new Replayer({
    source: 'r',
    exchanges: [
      {
        scenario: 's',
        request: {
          method: 'POST',
          path: PATH,
          headers: { 'Content-Type': 'application/json' },
          body: { OperatorID: recorded },
          bytes: 1,
        },
        answer: { status: 200, reason: 'OK', headers: {}, body: {}, bytes: 2, elapsedMs: 1 },
        generated: [],
      } as unknown as RecordedExchange,
    ],
  });
  const status = (value: string) =>
    r.answer({
      method: 'POST',
      path: PATH,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ OperatorID: value }),
    }).status;
  const statuses = withinTime(60_000, () => [
    status(`${'a'.repeat(20000)}c`),
    status(`${'xa'.repeat(12)}b`),
    status(`${'a'.repeat(11)}b`),
  ]);
  expect(statuses).toEqual([501, 200, 501]);
});

test('whatever else goes wrong building one answer is an HTTP 500, not the end of the mock', () => {
  // A generated value of one character in a recorded answer of 60,000, and a live value of 1 MB in its place.
  const r = replayerOf([
    exchange(
      's',
      { body: undefined, bodyText: 'a'.repeat(60_000), bytes: 60_000 },
      { body: undefined, bodyText: 'a', bytes: 1 },
    ),
  ]);
  (r.log.exchanges[0] as RecordedExchange).generated = [
    { path: 'request.bodyText', by: 'scenario', values: ['a'] },
  ];
  const answer = ask(r, 'x'.repeat(1_000_000));
  expect(answer.status).toBe(500);
  expect(JSON.parse(answer.body)).toEqual({
    message: 'The replay could not build an answer to this request from the recording',
  });
});

// The suite side of a replay: a number the target sent that JavaScript cannot hold keeps its digits in the log.

const schemas = schemaRegistry();
const hooks: RunHooks = {
  step: async (_title, body) => body(),
  attach: async () => {},
  advisory: async (_finding: CheckFailure) => {},
};

class Answering implements Transport {
  constructor(private readonly reply: (request: PreparedRequest) => HttpAnswer) {}
  async send(request: PreparedRequest): Promise<HttpAnswer> {
    return this.reply(request);
  }
}

async function logOf(transport: Transport): Promise<ExchangeRecord> {
  const records: ExchangeRecord[] = [];
  await runScenario(buildScenario(), {
    profile: buildProfile({ operatorId: OPERATOR_ID }),
    transport,
    schemas,
    hooks,
    exchangeLog: { runId: 'run', record: (entry) => records.push(entry) },
  }).catch(() => undefined);
  return records[0] as ExchangeRecord;
}

const failedChecks = (record: ExchangeRecord) => record.verdicts?.failed.map((f) => f.check).sort();

test('a SessionID of 400 digits is logged as the text it was, and its replay fails the same checks', async () => {
  const text = INTEGRATION_GUIDE_AUTHORIZED.replace(
    '"SessionID":"3b129fb6-c4af-476e-8bec-6e307c8e5d25"',
    `"SessionID":${'9'.repeat(400)}`,
  );
  const recorded = await logOf(new Answering(() => httpAnswer(text)));
  expect(recorded.verdict).toBe('failed');
  expect(recorded.answer?.body).toBeUndefined();
  expect(recorded.answer?.bodyText).toBe(text);
  expect(JSON.stringify(recorded)).not.toContain('"SessionID":null');

  // Replayed through a log file: the same bytes come back, the same checks fail.
  const replayer = new Replayer(loadReplayLog(recording([JSON.stringify(recorded)])));
  const replayed = await logOf(
    new Answering((request) => {
      const url = new URL(request.url);
      const answer = replayer.answer({
        method: 'POST',
        path: `${url.pathname}${url.search}`,
        headers: request.headers,
        body: request.bodyText,
      });
      return httpAnswer(Buffer.from(answer.body, answer.encoding ?? 'utf8'), {
        status: answer.status,
        statusText: answer.reason ?? '',
        headers: answer.headers,
        contentType: null,
      });
    }),
  );
  expect(replayed.answer?.bodyText).toBe(text);
  expect(failedChecks(replayed)).toEqual(failedChecks(recorded));
});

test('a SessionID of 900,001 digits is logged as its text, cut like any large body, never as null', async () => {
  const digits = '9'.repeat(900_001);
  const text = INTEGRATION_GUIDE_AUTHORIZED.replace(
    '"SessionID":"3b129fb6-c4af-476e-8bec-6e307c8e5d25"',
    `"SessionID":${digits}`,
  );
  const recorded = await logOf(new Answering(() => httpAnswer(text)));
  expect(recorded.answer?.body).toBeUndefined();
  expect(recorded.answer).toMatchObject({ truncated: true, bytes: text.length });
  expect(recorded.answer?.bodyText?.startsWith(`{"SessionID":${'9'.repeat(1_000)}`)).toBe(true);
  expect(JSON.stringify(recorded)).not.toContain('null,"CPOPartnerSessionID"');

  // A recording that holds such a number in a JSON body (written by hand) is replayed with its digits.
  const line = JSON.stringify(exchange('big')).replace(
    '"body":{"AuthorizationStatus":"Authorized"}',
    `"body":{"SessionID":${digits}}`,
  );
  const answer = ask(new Replayer(loadReplayLog(recording([line]))));
  expect(answer.status).toBe(200);
  expect(answer.body).toBe(`{"SessionID":${digits}}`);
});
