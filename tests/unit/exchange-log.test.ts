import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CheckFailure } from '../../src/checks/check.ts';
import { EXCHANGE_FORMAT, type ExchangeRecord, LOGGED_BODY_LIMIT } from '../../src/exchange/log-entry.ts';
import { ExchangeLogWriter, mergeExchangeParts, readExchangeLog } from '../../src/exchange/log-file.ts';
import {
  type HttpAnswer,
  type PreparedRequest,
  type Transport,
  TransportError,
} from '../../src/exchange/types.ts';
import { InputError } from '../../src/input/errors.ts';
import { type RunHooks, runScenario } from '../../src/run/scenario-runner.ts';
import type { Scenario } from '../../src/scenarios/types.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { expect, test } from '../support/test.ts';
import {
  buildProfile,
  buildScenario,
  httpAnswer,
  INTEGRATION_GUIDE_AUTHORIZED,
  OPERATOR_ID,
} from './helpers/exchange.ts';

// The exchange log: one masked line per scenario, with its verdicts and every value that is fresh in each run
// marked, so that comparisons and replays can ignore them.

const schemas = schemaRegistry();
const PIN = '5839271604';

const hooks: RunHooks = {
  step: async (_title, body) => body(),
  attach: async () => {},
  advisory: async (_finding: CheckFailure) => {},
};

class Echo implements Transport {
  constructor(private readonly reply: (request: PreparedRequest) => HttpAnswer) {}
  async send(request: PreparedRequest): Promise<HttpAnswer> {
    return this.reply(request);
  }
}

async function logOf(scenario: Scenario, transport: Transport): Promise<ExchangeRecord> {
  const records: ExchangeRecord[] = [];
  await runScenario(scenario, {
    profile: buildProfile({ operatorId: OPERATOR_ID }),
    transport,
    schemas,
    hooks,
    exchangeLog: { runId: 'run-1', record: (entry) => records.push(entry) },
  }).catch(() => undefined);
  expect(records).toHaveLength(1);
  return records[0] as ExchangeRecord;
}

function qrScenario(extra: Record<string, unknown> = {}): Scenario {
  return buildScenario({
    id: 'unit-qr',
    request: {
      body: {
        OperatorID: OPERATOR_ID,
        CPOPartnerSessionID: 'cpo-{{$uuid}}',
        Identification: { QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3', PIN } },
        ...extra,
      },
    },
    expect: { fields: { CPOPartnerSessionID: { equals: 'cpo-{{$uuid}}' } } },
  });
}

test('a line holds the request as sent and the answer as received, secrets masked, with the verdicts', async () => {
  const record = await logOf(
    qrScenario(),
    new Echo((request) => {
      const sent = JSON.parse(request.bodyText) as Record<string, unknown>;
      return httpAnswer(
        {
          ...JSON.parse(INTEGRATION_GUIDE_AUTHORIZED),
          CPOPartnerSessionID: sent.CPOPartnerSessionID,
          StatusCode: { Code: '000', Description: null, AdditionalInfo: `PIN ${PIN}` },
        },
        {
          headers: {
            'Process-ID': 'b1c2d3e4-0000-4000-8000-000000000001',
            Date: new Date().toUTCString(),
            'X-Echo': PIN,
          },
        },
      );
    }),
  );
  expect(record).toMatchObject({
    format: EXCHANGE_FORMAT,
    runId: 'run-1',
    scenario: 'unit-qr',
    profile: 'unit',
    target: 'http://127.0.0.1:9',
    attempts: 1,
    verdict: 'passed',
    request: { method: 'POST', path: '/api/oicp/charging/v21/operators/DE*ABC/authorize/start' },
    answer: { status: 200, reason: 'OK' },
  });
  expect(JSON.stringify(record)).not.toContain(PIN);
  expect(
    (record.request.body as { Identification: { QRCodeIdentification: { PIN: string } } }).Identification
      .QRCodeIdentification.PIN,
  ).toBe('***');
  expect(record.answer?.headers['x-echo']).toBe('***');
  expect(record.verdicts?.passed).toContain('cpoPartnerSessionIdEchoed');
  // Valid against its own schema, like every line a reader accepts.
  expect(
    schemas.violations('https://oicp-conformance.example/schemas/exchange-record.schema.json', record),
  ).toEqual([]);

  const uuid = /cpo-(.+)$/.exec(
    (record.request.body as { CPOPartnerSessionID: string }).CPOPartnerSessionID,
  )?.[1];
  expect(record.generated).toEqual([
    { path: 'request.body.CPOPartnerSessionID', by: 'scenario', values: [uuid] },
    { path: 'answer.body.SessionID', by: 'target' },
    { path: 'answer.body.CPOPartnerSessionID', by: 'scenario', values: [uuid] },
    { path: 'answer.headers.process-id', by: 'target' },
    { path: 'answer.headers.date', by: 'target' },
  ]);
});

test("a SessionID the CPO sent and the target echoes is not the target's; no answer is an exchange too", async () => {
  const sent = 'b2688855-7f00-0000-0000-000000000001';
  const echoed = await logOf(
    buildScenario({
      request: {
        body: {
          OperatorID: OPERATOR_ID,
          SessionID: sent,
          Identification: { RFIDMifareFamilyIdentification: { UID: '1234ABCD' } },
        },
      },
    }),
    new Echo(() => httpAnswer({ ...JSON.parse(INTEGRATION_GUIDE_AUTHORIZED), SessionID: sent })),
  );
  expect(echoed.generated.map((g) => g.path)).not.toContain('answer.body.SessionID');

  const refused = await logOf(
    buildScenario(),
    new Echo(() => {
      throw new TransportError('refused', 'http://127.0.0.1:9', `connect ECONNREFUSED 127.0.0.1:9`);
    }),
  );
  expect(refused.answer).toBeUndefined();
  expect(refused).toMatchObject({ verdict: 'failed', noAnswer: { kind: 'refused' } });
  expect(refused.noAnswer?.message).toContain('ECONNREFUSED');
});

test('bytes that are not UTF-8 are kept as they came; a huge body is cut, its size and hash kept', async () => {
  const latin1 = await logOf(
    buildScenario({ expect: { body: 'any', authorizationStatus: undefined, statusCode: undefined } }),
    new Echo(() =>
      httpAnswer(Buffer.from('Gebühr für Ladevorgang', 'latin1'), {
        contentType: 'text/plain;charset=ISO-8859-1',
      }),
    ),
  );
  expect(latin1.answer).toMatchObject({
    bodyText: 'Gebühr für Ladevorgang',
    bodyEncoding: 'latin1',
    bytes: 22,
  });

  const huge = `<html>${'x'.repeat(LOGGED_BODY_LIMIT * 2)}</html>`;
  const cut = await logOf(
    buildScenario({ expect: { body: 'any', authorizationStatus: undefined, statusCode: undefined } }),
    new Echo(() => httpAnswer(huge, { contentType: 'text/html' })),
  );
  expect(cut.answer?.bodyText).toHaveLength(LOGGED_BODY_LIMIT);
  expect(cut.answer).toMatchObject({ truncated: true, bytes: huge.length });
  expect(cut.answer?.sha256).toMatch(/^[0-9a-f]{64}$/);
});

function record(scenario: string): ExchangeRecord {
  return {
    format: EXCHANGE_FORMAT,
    runId: 'r',
    scenario,
    title: scenario,
    feature: 'f',
    source: 'x.yaml:1',
    profile: 'mock',
    target: 'http://127.0.0.1:1',
    at: new Date().toISOString(),
    request: { method: 'POST', url: 'http://127.0.0.1:1/p', path: '/p', headers: {}, body: {}, bytes: 2 },
    answer: { status: 200, reason: 'OK', headers: {}, body: {}, bytes: 2, elapsedMs: 1 },
    attempts: 1,
    verdict: 'passed',
    generated: [],
  };
}

test("the workers' parts are merged in the planned order and removed", () => {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-log-'));
  const writer = new ExchangeLogWriter(state);
  for (const id of ['c', 'a', 'zz', 'b']) writer.record(record(id));
  const target = path.join(state, 'out', 'exchanges.jsonl');
  expect(mergeExchangeParts(state, target, ['a', 'b', 'c'])).toBe(4);
  const ids = fs
    .readFileSync(target, 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as ExchangeRecord).scenario);
  expect(ids).toEqual(['a', 'b', 'c', 'zz']);
  expect(fs.existsSync(path.join(state, 'exchanges'))).toBe(false);
  // Nothing sent, nothing written.
  expect(mergeExchangeParts(state, path.join(state, 'none.jsonl'), [])).toBe(0);
  expect(fs.existsSync(path.join(state, 'none.jsonl'))).toBe(false);
});

test('a log that is not one is refused with its file, line and field', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-log-'));
  const file = path.join(dir, 'exchanges.jsonl');
  const broken = { ...record('b'), verdict: 'maybe' };
  fs.writeFileSync(
    file,
    `${JSON.stringify(record('a'))}\nnot json\n${JSON.stringify({ hello: 1 })}\n${JSON.stringify(broken)}\n`,
  );
  let error: unknown;
  try {
    readExchangeLog(dir, schemas);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(InputError);
  const message = (error as InputError).message;
  expect(message).toContain('exchanges.jsonl:2: not JSON');
  expect(message).toContain(
    "exchanges.jsonl:3 format: not an exchange record of this suite (format 'oicp-exchange/1' expected)",
  );
  expect(message).toContain('exchanges.jsonl:4 verdict: must be one of ["passed","failed"]');
  fs.writeFileSync(file, `${JSON.stringify(record('a'))}\n`);
  expect(readExchangeLog(file, schemas).records.map((r) => r.scenario)).toEqual(['a']);
  // A folder without a log says what it expected.
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-log-'));
  expect(() => readExchangeLog(empty, schemas)).toThrow(
    /holds no exchanges\.jsonl: is it the reports folder of a run/,
  );
  expect(() => readExchangeLog(path.join(empty, 'nope'), schemas)).toThrow(/no such file or folder/);
});
