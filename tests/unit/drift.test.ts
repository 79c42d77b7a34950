import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareRuns, keyedByScenario } from '../../src/drift/compare.ts';
import { driftMarkdown } from '../../src/drift/report.ts';
import { EXCHANGE_FORMAT, type ExchangeRecord, type LoggedAnswer } from '../../src/exchange/log-entry.ts';
import { runCompare } from '../support/compare-run.ts';
import { expect, test } from '../support/test.ts';

// The comparison of two runs, scenario by scenario, on exchange records built here: what counts as outcome,
// as shape, as verdict, what never counts (generated values), and what drift.md shows.

const REFUSAL = {
  SessionID: null,
  CPOPartnerSessionID: null,
  EMPPartnerSessionID: null,
  ProviderID: null,
  AuthorizationStatus: 'NotAuthorized',
  StatusCode: { Code: '102', Description: null, AdditionalInfo: null },
  AuthorizationStopIdentifications: null,
};

function exchange(
  scenario: string,
  answer: Partial<LoggedAnswer> | null,
  extra: Partial<ExchangeRecord> = {},
): ExchangeRecord {
  return {
    format: EXCHANGE_FORMAT,
    runId: 'run',
    scenario,
    title: `Title of ${scenario}`,
    feature: 'Unit',
    source: 'unit.yaml:1',
    profile: 'mock',
    target: 'http://127.0.0.1:1',
    at: '2026-01-01T00:00:00.000Z',
    request: { method: 'POST', url: 'http://127.0.0.1:1/p', path: '/p', headers: {}, body: {}, bytes: 2 },
    ...(answer === null
      ? { noAnswer: { kind: 'timeout', message: 'no answer', elapsedMs: 10_000 } }
      : {
          answer: {
            status: 200,
            reason: 'OK',
            headers: { 'content-type': 'application/json;charset=utf-8', 'process-id': 'p-1' },
            body: REFUSAL,
            bytes: 100,
            elapsedMs: 5,
            ...answer,
          },
        }),
    attempts: 1,
    verdict: 'passed',
    generated: [{ path: 'answer.headers.process-id', by: 'target' }],
    ...extra,
  };
}

const run = (records: ExchangeRecord[]) => ({ file: 'run.jsonl', records });
const only = (records: ExchangeRecord[], other: ExchangeRecord[]) =>
  compareRuns(run(records), run(other)).scenarios[0];

test('outcome: HTTP status, AuthorizationStatus, StatusCode.Code, and no answer at all', () => {
  const a = exchange('s', {});
  expect(only([a], [exchange('s', { body: { ...REFUSAL, StatusCode: { Code: '106' } } })])?.outcome).toEqual([
    { where: 'StatusCode.Code', a: '"102"', b: '"106"' },
  ]);
  expect(
    only([a], [exchange('s', { body: { ...REFUSAL, AuthorizationStatus: 'Authorized' } })])?.outcome,
  ).toEqual([{ where: 'AuthorizationStatus', a: '"NotAuthorized"', b: '"Authorized"' }]);
  const timeout = only([a], [exchange('s', null)]);
  expect(timeout?.group).toBe('outcome');
  expect(timeout?.outcome[0]).toEqual({ where: 'HTTP status', a: '200', b: 'no answer (timeout)' });
  expect(timeout?.b?.status).toBe('no answer (timeout)');
});

test('shape: present vs absent, null vs absent, types, body kind, content type and charset, Process-ID', () => {
  const a = exchange('s', {});
  const { SessionID: _dropped, ...withoutSessionId } = REFUSAL;
  const shape = (answer: Partial<LoggedAnswer>) => only([a], [exchange('s', answer)])?.shape;
  expect(shape({ body: withoutSessionId })).toEqual([{ where: 'SessionID', a: 'null', b: 'absent' }]);
  expect(shape({ body: { ...REFUSAL, Extra: 1 } })).toEqual([{ where: 'Extra', a: 'absent', b: 'a number' }]);
  expect(shape({ body: { ...REFUSAL, ProviderID: 'DE*ICE' } })).toEqual([
    { where: 'ProviderID', a: 'null', b: 'a string' },
  ]);
  // Below a field that differs, its children are not listed again.
  expect(shape({ body: { ...REFUSAL, StatusCode: null } })).toEqual([
    { where: 'StatusCode', a: 'an object', b: 'null' },
  ]);
  expect(
    shape({
      body: undefined,
      bodyText: '<html></html>',
      headers: { 'content-type': 'text/html', 'process-id': 'x' },
    }),
  ).toEqual([
    { where: 'body', a: 'JSON', b: 'not JSON' },
    { where: 'Content-Type', a: 'application/json', b: 'text/html' },
    { where: 'Content-Type charset', a: 'utf-8', b: '(none)' },
  ]);
  // The charset's letter case and the spaces of the header are no difference; its value is.
  expect(
    shape({ headers: { 'Content-Type': 'application/json; charset=UTF-8', 'process-id': 'x' } }),
  ).toEqual([]);
  expect(
    shape({ headers: { 'content-type': 'application/json;charset=ISO-8859-1', 'process-id': 'x' } }),
  ).toEqual([{ where: 'Content-Type charset', a: 'utf-8', b: 'iso-8859-1' }]);
  expect(shape({ headers: { 'content-type': 'application/json;charset=utf-8' } })).toEqual([
    { where: 'header Process-ID', a: 'present', b: 'absent' },
  ]);
  // Array items are one shape, whatever their number.
  const stops = (n: number) => ({
    body: {
      ...REFUSAL,
      AuthorizationStopIdentifications: Array.from({ length: n }, () => ({
        RFIDMifareFamilyIdentification: { UID: 'AABBCCDD' },
      })),
    },
  });
  expect(only([exchange('s', stops(1))], [exchange('s', stops(3))])?.group).toBe('same');
});

test('generated values never drift; other values are shown, never counted; masked ones never shown', () => {
  const authorized = (sessionId: string, provider: string, echo: string) =>
    exchange(
      's',
      {
        body: {
          ...REFUSAL,
          AuthorizationStatus: 'Authorized',
          StatusCode: { Code: '000' },
          SessionID: sessionId,
          ProviderID: provider,
          CPOPartnerSessionID: echo,
          EMPPartnerSessionID: '***',
        },
        headers: {
          'content-type': 'application/json;charset=utf-8',
          'process-id': sessionId,
          date: sessionId,
        },
      },
      {
        generated: [
          { path: 'answer.body.SessionID', by: 'target' },
          { path: 'answer.body.CPOPartnerSessionID', by: 'scenario', values: [echo] },
          { path: 'answer.headers.process-id', by: 'target' },
          { path: 'answer.headers.date', by: 'target' },
        ],
      },
    );
  const same = only([authorized('a-1', 'DE*ICE', 'cpo-1')], [authorized('b-2', 'DE*ICE', 'cpo-2')]);
  expect(same?.group).toBe('same');
  expect(same?.values).toEqual([]);
  const provider = only([authorized('a-1', 'DE*ICE', 'cpo-1')], [authorized('b-2', 'DE*8PS', 'cpo-2')]);
  expect(provider?.group).toBe('same');
  expect(provider?.values).toEqual([{ where: 'ProviderID', a: '"DE*ICE"', b: '"DE*8PS"' }]);
});

test('verdict: the same answer judged otherwise; only in one run; a scenario run twice', () => {
  const passed = exchange('s', {}, { verdicts: { failed: [], advisories: [], unconfirmed: [] } as never });
  const failed = exchange(
    's',
    {},
    { verdict: 'failed', verdicts: { failed: [{ check: 'answeredWithinBudget' }] } as never },
  );
  expect(only([passed], [failed])).toMatchObject({
    group: 'verdict',
    verdict: { where: 'verdict', a: 'passed', b: 'failed: answeredWithinBudget' },
  });
  const drift = compareRuns(
    run([passed, exchange('a-only', {}), exchange('s', {})]),
    run([passed, exchange('b-only', {})]),
  );
  expect(drift.scenarios.map((s) => [s.scenario, s.group])).toEqual([
    ['s', 'same'],
    ['a-only', 'only-a'],
    ['s#2', 'only-a'],
    ['b-only', 'only-b'],
  ]);
  expect(drift.counts).toEqual({ outcome: 0, shape: 0, verdict: 0, 'only-a': 2, 'only-b': 1, same: 1 });
});

test('drift.md: counts, tables by group, both answers side by side, fenced so that no answer breaks out', () => {
  const hostile = '```\n# injected heading\n````';
  const a = [exchange('s', {}), exchange('t', {}), exchange('u', {})];
  const b = [
    exchange('s', {
      body: { ...REFUSAL, StatusCode: { Code: '106', Description: null, AdditionalInfo: null } },
    }),
    exchange('t', { headers: { 'content-type': 'text/plain', 'process-id': 'x', Server: 'edge' } }),
    exchange('u', {
      body: undefined,
      bodyText: hostile,
      headers: { 'content-type': 'text/plain', 'process-id': 'x' },
    }),
  ];
  const drift = compareRuns(run(a), run(b));
  const markdown = driftMarkdown(drift, { a: keyedByScenario(a), b: keyedByScenario(b) });
  expect(markdown).toContain(
    '**different outcome 2 · different shape 1 · different verdict 0 · only in A 0 · only in B 0 · same 0**',
  );
  // Every value from a log is Markdown-escaped (src/text.ts, markdownText): it renders as written.
  expect(markdown).toContain('| s | StatusCode\\.Code | "102" | "106" |');
  expect(markdown).toContain('| t | Content-Type | application/json | text/plain |');
  expect(markdown).toContain('- only in B: server');
  expect(markdown).toContain('### s — different outcome');
  expect(markdown).toContain('| StatusCode.Code | "102" | "106" |');
  // An outcome drift names its shape differences beside it.
  expect(markdown).toContain(
    'Shape: body: JSON in A, not JSON in B; Content-Type: application/json in A, text/plain in B',
  );
  // The hostile body sits inside a fence longer than any backtick run it holds.
  expect(markdown).toContain(`\`\`\`\`\`json\n${hostile}\n\`\`\`\`\``);
});

test('npm run compare: two runs in, drift.md and drift.json out; wrong input exits 2, naming it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-compare-'));
  const write = (name: string, records: ExchangeRecord[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    return file;
  };
  const a = write('a.jsonl', [exchange('s', {})]);
  const b = write('b.jsonl', [exchange('s', { body: { ...REFUSAL, StatusCode: { Code: '106' } } })]);
  // The command (compare-command.ts) in this process; its exit codes through the shell: tests/e2e/compare-cli.test.ts.
  const cli = (...args: string[]) => runCompare(args);
  const out = path.join(dir, 'out');
  const ok = cli(a, b, '--out', out);
  expect(ok.exitCode, ok.stderr).toBe(0);
  expect(ok.stdout).toContain('≠ s · StatusCode.Code "102" → "106"');
  expect(fs.readFileSync(path.join(out, 'drift.md'), 'utf8')).toContain('# Drift between two runs');
  expect(JSON.parse(fs.readFileSync(path.join(out, 'drift.json'), 'utf8')).counts.outcome).toBe(1);
  const outcomeDrift = cli(a, b, '--out', out, '--fail-on-outcome-drift');
  expect(outcomeDrift.exitCode).toBe(1);
  expect(outcomeDrift.stdout).toContain(
    '1 scenario(s) with a different outcome (--fail-on-outcome-drift): exit code 1',
  );
  expect(cli(a, a, '--out', out, '--fail-on-drift').exitCode).toBe(0);
  const anyDrift = cli(a, b, '--out', out, '--fail-on-drift');
  expect(anyDrift.exitCode).toBe(1);
  expect(anyDrift.stdout).toContain('Drift found (--fail-on-drift): exit code 1');
  // Without --out: the reports folder, OICP_REPORTS_DIR.
  const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-compare-reports-'));
  expect(runCompare([a, b], { OICP_REPORTS_DIR: reports }).exitCode).toBe(0);
  expect(fs.readdirSync(reports).sort()).toEqual(['drift.json', 'drift.md']);

  const usage = cli(a);
  expect(usage.exitCode).toBe(2);
  expect(usage.stderr).toContain('usage: npm run compare -- <run A> <run B>');
  const missing = cli(a, path.join(dir, 'nothing-here'), '--out', out);
  expect(missing.exitCode).toBe(2);
  expect(missing.stderr).toContain('nothing-here: no such file or folder');
  fs.writeFileSync(
    path.join(dir, 'broken.jsonl'),
    `${JSON.stringify(exchange('s', {}))}\n{"format":"oicp-exchange/1"}\n`,
  );
  const broken = cli(a, path.join(dir, 'broken.jsonl'), '--out', out);
  expect(broken.exitCode).toBe(2);
  expect(broken.stderr).toMatch(/broken\.jsonl:2: must have required property 'runId'/);
});
