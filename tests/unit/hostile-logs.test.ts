import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkEarlierRunSettings } from '../../src/config/earlier-runs.ts';
import { verdictWords } from '../../src/drift/compare.ts';
import { compareExchangeLogs, compareWithEarlierRun } from '../../src/drift/run-comparison.ts';
import { type ExchangeRecord, LOGGED_BODY_LIMIT } from '../../src/exchange/log-entry.ts';
import { readExchangeLog } from '../../src/exchange/log-file.ts';
import { InputError } from '../../src/input/errors.ts';
import {
  EXCHANGE_LOG_LIMITS,
  exactNumber,
  jsonLines,
  LOGGED_JSON_BODY_LIMITS,
} from '../../src/input/json-lines.ts';
import { readRegularFile } from '../../src/input/read-file.ts';
import { reportPaths } from '../../src/reports-folder/paths.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { type CompareRun, runCompare } from '../support/compare-run.ts';
import { exchangeRecord } from '../support/exchange-record.ts';
import { unblockFifoAfter } from '../support/hang-guard.ts';
import { inputErrorOf } from '../support/input-error.ts';
import { expect, test } from '../support/test.ts';

// Every exchange log the suite reads (npm run compare, OICP_COMPARE_WITH) is hostile input: each way a log was
// found to hang, exhaust or crash a comparison, or to reach the terminal, is refused at its line or kept
// harmless here. The same reader serves the embedded mock's replay (tests/mock/replay-hostile.test.ts).

const registry = schemaRegistry();
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const RAW_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

function record(scenario: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return exchangeRecord(scenario, {
    answer: {
      status: 200,
      reason: 'OK',
      headers: { 'content-type': 'application/json' },
      body: { AuthorizationStatus: 'Authorized' },
      bytes: 2,
      elapsedMs: 1,
    },
    ...extra,
  });
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-hostile-log-'));
}

function writeLog(dir: string, name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.map((line) => `${line}\n`).join(''));
  return file;
}

/** A line whose answer body is nested `depth` levels deep (arrays: two bytes a level). */
function nestedLine(depth: number): string {
  return JSON.stringify(record('deep')).replace(
    '"body":{"AuthorizationStatus":"Authorized"}',
    `"body":${'['.repeat(depth)}${']'.repeat(depth)}`,
  );
}

test('a log nested 20,000 levels deep is refused at its line, before anything walks it', () => {
  const dir = tempDir();
  const good = writeLog(dir, 'good.jsonl', [JSON.stringify(record('s'))]);
  const deep = writeLog(dir, 'deep.jsonl', [JSON.stringify(record('s')), nestedLine(20_000)]);
  expect(fs.statSync(deep).size).toBeLessThan(48 * 1024);

  const error = inputErrorOf(() => readExchangeLog(deep, registry));
  expect(error.message).toContain(
    'deep.jsonl:2: nested 20002 levels deep, more than the limit of 80 (the suite logs a body nested deeper than 64 levels as text): not a record this suite wrote; remove the line',
  );

  // npm run compare: exit 2 at the line, no report written (before: out of memory, exit 134; with a small
  // heap, as a process: tests/e2e/compare-cli.test.ts).
  const out = path.join(dir, 'out');
  const cli = runCompare([good, deep, '--out', out]);
  expect(cli.exitCode, cli.stderr).toBe(2);
  expect(cli.stderr).toContain('deep.jsonl:2: nested 20002 levels deep, more than the limit of 80');
  expect(fs.existsSync(path.join(out, 'drift.md'))).toBe(false);
});

test('OICP_COMPARE_WITH naming a hostile log is a configuration error before anything is sent', () => {
  const earlier = tempDir();
  writeLog(earlier, 'exchanges.jsonl', [nestedLine(20_000)]);
  const own = tempDir();
  const error = inputErrorOf(() =>
    checkEarlierRunSettings(reportPaths({ OICP_REPORTS_DIR: own }), registry, { OICP_COMPARE_WITH: earlier }),
  );
  expect(error.message).toContain('nothing was sent');
  expect(error.problems[0]?.line).toBe(1);
  expect(error.problems[0]?.message).toMatch(
    /^OICP_COMPARE_WITH: nested 20002 levels deep, more than the limit of 80/,
  );
});

test('150,000 lines: refused at line 100,001 with exit 2, never a RangeError', () => {
  const dir = tempDir();
  const one = JSON.stringify(record('s'));
  // Refused before a line of it is parsed: a broken first line is not even read, and the lines after it need
  // not be whole records (short ones keep the file at 3 MB: the count of lines is what is refused).
  const lines = Array.from({ length: 150_000 }, (_v, i) => `{"scenario":"s${i}"}`);
  lines[0] = 'not JSON';
  const many = writeLog(dir, 'many.jsonl', lines);
  const good = writeLog(dir, 'good.jsonl', [one]);
  const cli = runCompare([many, good, '--out', path.join(dir, 'out')]);
  expect(cli.exitCode, cli.stderr).toBe(2);
  expect(cli.stderr).toContain(
    'many.jsonl:100001: more than 100000 lines, the limit of an exchange log (one line per scenario): split the run (--shard) and compare or replay the parts',
  );
  expect(cli.stderr).not.toContain('RangeError');
  expect(cli.stderr).not.toContain('many.jsonl:1:');
});

/** Three letters for a number below 26³: a short field name that is no array index. */
const letters = (n: number) =>
  [Math.floor(n / 676), Math.floor(n / 26) % 26, n % 26].map((d) => String.fromCharCode(97 + d)).join('');

test('a drift of more than 130,000 table rows is written whole (no spread of the rows as arguments)', () => {
  // 20 scenarios whose 7,000 fields are a number in A and an array in B: 140,000 shape rows.
  const dir = tempDir();
  const fields = (value: unknown) =>
    Object.fromEntries(Array.from({ length: 7_000 }, (_v, i) => [letters(i), value]));
  const side = (value: unknown) =>
    Array.from({ length: 20 }, (_v, i) =>
      JSON.stringify(
        record(`s${i}`, {
          answer: { status: 200, reason: 'OK', headers: {}, body: fields(value), bytes: 2, elapsedMs: 1 },
        }),
      ),
    );
  const a = writeLog(dir, 'a.jsonl', side(1));
  const b = writeLog(dir, 'b.jsonl', side([]));
  const files = { markdown: path.join(dir, 'drift.md'), json: path.join(dir, 'drift.json') };
  const { drift } = compareExchangeLogs(a, b, files);
  expect(drift.counts.shape).toBe(20);
  expect(drift.scenarios.reduce((n, s) => n + s.shape.length, 0)).toBe(140_000);
  const markdown = fs.readFileSync(files.markdown, 'utf8');
  expect(markdown.split('\n').filter((line) => line.includes('a number | an array')).length).toBe(140_000);
});

test('a verdicts.failed of the wrong type is refused at its line and field, never a TypeError', () => {
  const dir = tempDir();
  const lists = { advisories: [], unconfirmed: [], passed: [], notApplicable: [] };
  const wrong = record('s', { verdict: 'failed', verdicts: { ...lists, failed: 'answerSchema' } });
  const item = record('t', { verdict: 'failed', verdicts: { ...lists, failed: [{ check: 7 }] } });
  const bad = writeLog(dir, 'b.jsonl', [JSON.stringify(wrong), JSON.stringify(item)]);
  const good = writeLog(dir, 'a.jsonl', [JSON.stringify(record('s'))]);
  const cli = runCompare([good, bad, '--out', path.join(dir, 'out')]);
  expect(cli.exitCode, cli.stderr).toBe(2);
  expect(cli.stderr).toContain('b.jsonl:1 verdicts.failed: must be array');
  expect(cli.stderr).toContain('b.jsonl:2 verdicts.failed.0.check: must be string');
  expect(cli.stderr).not.toMatch(/TypeError|\n\s+at /);
  // A record given to the comparison without the reader never turns a list of what is not one.
  expect(verdictWords(wrong as unknown as ExchangeRecord)).toBe('failed');
});

test('ESC and BEL from a log never reach the terminal: every line of compare is escaped', () => {
  const dir = tempDir();
  const hostile = '\u001b]0;owned\u0007\u001b[2J';
  const a = writeLog(dir, 'a.jsonl', [JSON.stringify(record('s'))]);
  const b = writeLog(dir, 'b.jsonl', [
    JSON.stringify(
      record('s', {
        profile: hostile,
        answer: {
          status: 200,
          reason: 'OK',
          headers: {},
          body: { AuthorizationStatus: hostile },
          bytes: 2,
          elapsedMs: 1,
        },
      }),
    ),
  ]);
  const out = path.join(dir, 'out');
  const ok = runCompare([a, b, '--out', out]);
  expect(ok.exitCode, ok.stderr).toBe(0);
  expect(ok.stdout).not.toMatch(RAW_CONTROL);
  expect(ok.stdout).toContain('(profile \\u001b]0;owned\\u0007\\u001b[2J, 1 exchange(s))');
  expect(ok.stdout).toContain('≠ s · AuthorizationStatus "Authorized" → "\\u001b]0;owned\\u0007\\u001b[2J"');

  // A refused log: its text (quoted by the JSON error), a field name, the file name itself.
  const named = path.join(dir, 'run\u001b[31m.jsonl');
  fs.writeFileSync(
    named,
    `${hostile} not JSON\n${JSON.stringify(record('s', { request: { ...(record('s').request as object), headers: { [hostile]: 1 } } }))}\n`,
  );
  const refused = runCompare([a, named, '--out', out]);
  expect(refused.exitCode, refused.stderr).toBe(2);
  expect(refused.stderr).not.toMatch(RAW_CONTROL);
  expect(refused.stderr).toContain('run\\u001b[31m.jsonl:1: not JSON');
  expect(refused.stderr).toContain('request.headers.\\u001b]0;owned\\u0007\\u001b[2J: must be string');

  // OICP_COMPARE_WITH: the lines the run prints.
  const reports = tempDir();
  writeLog(reports, 'exchanges.jsonl', [JSON.stringify(record('s'))]);
  const lines = compareWithEarlierRun(reportPaths({ OICP_REPORTS_DIR: reports }), { OICP_COMPARE_WITH: b });
  expect(lines.join('\n')).toContain('\\u001b]0;owned');
  expect(lines.join('\n')).not.toMatch(RAW_CONTROL);
  const failed = compareWithEarlierRun(reportPaths({ OICP_REPORTS_DIR: reports }), {
    OICP_COMPARE_WITH: named,
  });
  expect(failed.join('\n')).toContain('could not be made');
  expect(failed.join('\n')).not.toMatch(RAW_CONTROL);
});

test('drift.md and drift.json go to regular files only: a FIFO, a device link or a file as --out is refused', async () => {
  const dir = tempDir();
  const a = writeLog(dir, 'a.jsonl', [JSON.stringify(record('s'))]);
  const out = path.join(dir, 'out');
  fs.mkdirSync(out);
  execFileSync('mkfifo', [path.join(out, 'drift.md')]);
  fs.symlinkSync('/dev/null', path.join(out, 'drift.json'));
  // Before, compare waited for a reader of the FIFO forever: should it open the FIFO again, a reader comes
  // after 10 s and the test fails instead of hanging.
  const stopGuard = unblockFifoAfter(path.join(out, 'drift.md'), 10_000);
  let fifo: CompareRun;
  try {
    fifo = runCompare([a, a, '--out', out]);
  } finally {
    await stopGuard();
  }
  expect(fifo.exitCode, fifo.stderr).toBe(2);
  expect(fifo.stderr).toContain('Cannot write the drift report');
  expect(fifo.stderr).toContain(
    'drift.md: is a named pipe (FIFO), not a file: writing to it would wait for a reader forever; remove it, or name another folder with --out',
  );
  expect(fifo.stderr).toContain(
    'drift.json: is a symbolic link, not a file: the drift report is written to regular files only; remove it, or name another folder with --out',
  );
  expect(fs.lstatSync(path.join(out, 'drift.md')).isFIFO()).toBe(true);

  const file = path.join(dir, 'a-file');
  fs.writeFileSync(file, 'x');
  const notFolder = runCompare([a, a, '--out', file]);
  expect(notFolder.exitCode).toBe(2);
  expect(notFolder.stderr).toContain('a-file: is not a folder: name another folder with --out');

  // A regular drift.md of an earlier comparison is replaced.
  const fresh = path.join(dir, 'fresh');
  fs.mkdirSync(fresh);
  fs.writeFileSync(path.join(fresh, 'drift.md'), 'old');
  expect(runCompare([a, a, '--out', fresh]).exitCode).toBe(0);
  expect(fs.readFileSync(path.join(fresh, 'drift.md'), 'utf8')).toContain('# Drift between two runs');
});

test('exchange logs are read only from regular files within their limits, each refusal naming file and line', () => {
  const dir = tempDir();
  const fifo = path.join(dir, 'pipe.jsonl');
  execFileSync('mkfifo', [fifo]);
  expect(inputErrorOf(() => readExchangeLog(fifo, registry)).message).toContain(
    'pipe.jsonl: is a named pipe (FIFO), not a file: reading it would wait forever',
  );
  expect(inputErrorOf(() => readExchangeLog('/dev/zero', registry)).message).toContain(
    '/dev/zero: is a device, not a file',
  );
  const limits = { ...EXCHANGE_LOG_LIMITS, maxBytes: 2_000, maxLineBytes: 1_000 };
  const big = writeLog(dir, 'big.jsonl', ['x'.repeat(2_500)]);
  expect(inputErrorOf(() => readExchangeLog(big, registry, 'log', limits)).message).toContain(
    'big.jsonl: is 2501 bytes, more than the limit of 2000 bytes',
  );
  const long = writeLog(dir, 'long.jsonl', [JSON.stringify(record('s')), 'y'.repeat(1_200)]);
  expect(inputErrorOf(() => readExchangeLog(long, registry, 'log', limits)).message).toContain(
    'long.jsonl:2: the line is 1200 bytes long, more than the limit of 1000 bytes of one record',
  );
  // A JSON body larger than the suite logs as JSON, or too branched to compare.
  const wide = record('w', {
    answer: {
      status: 200,
      reason: 'OK',
      headers: {},
      body: { x: 'z'.repeat(70_000) },
      bytes: 2,
      elapsedMs: 1,
    },
  });
  const name = 'n'.repeat(60_000);
  const branched = record('b', {
    answer: {
      status: 200,
      reason: 'OK',
      headers: {},
      body: { [name]: Array.from({ length: 2_000 }, () => 0) },
      bytes: 2,
      elapsedMs: 1,
    },
  });
  const bodies = writeLog(dir, 'bodies.jsonl', [JSON.stringify(wide), JSON.stringify(branched)]);
  const message = inputErrorOf(() => readExchangeLog(bodies, registry)).message;
  expect(message).toContain(
    'bodies.jsonl:1 answer.body: 70008 characters of JSON, more than the 65536 the suite logs as JSON',
  );
  expect(message).toContain(
    `bodies.jsonl:2 answer.body: the paths of its fields add up to more than ${LOGGED_JSON_BODY_LIMITS.maxPathCharacters} characters`,
  );
  expect(LOGGED_JSON_BODY_LIMITS.maxCharacters).toBe(LOGGED_BODY_LIMIT);
});

test('the guarded reader reads what the file holds, from the opened file itself', () => {
  const dir = tempDir();
  const file = path.join(dir, 'f');
  fs.writeFileSync(file, 'abc');
  expect(readRegularFile(file, 'f', 10).toString()).toBe('abc');
  fs.writeFileSync(file, '');
  expect(readRegularFile(file, 'f', 10).length).toBe(0);
  expect(() => readRegularFile(dir, 'f', 10)).toThrow(InputError);
  expect(() => readRegularFile(path.join(dir, 'none'), 'f', 10)).toThrow(/file not found/);
});

test('a number JavaScript cannot hold exactly is kept as it was written, never as null', () => {
  expect(['1', '-0', '1.50', '1e21', '1.5e-7', '9007199254740991', '0.1'].every(exactNumber)).toBe(true);
  expect(['12345678901234567890', '1e999', '-1e400', '1e-400', '9'.repeat(400)].some(exactNumber)).toBe(
    false,
  );

  // A hostile log with a 900,001-digit SessionID in an answer: read as the text it was.
  const digits = '9'.repeat(900_001);
  const line = JSON.stringify(record('big')).replace(
    '"body":{"AuthorizationStatus":"Authorized"}',
    `"body":{"SessionID":${digits},"Code":1e999}`,
  );
  const dir = tempDir();
  const [read] = readExchangeLog(writeLog(dir, 'big.jsonl', [line]), registry).records;
  expect(read?.answer?.body).toBeUndefined();
  expect(read?.answer?.bodyText).toBe(`{"SessionID":${digits},"Code":1e999}`);
  // Elsewhere in a record, the schema judges the number JavaScript holds.
  const bytes = writeLog(dir, 'bytes.jsonl', [
    JSON.stringify(record('b')).replace('"bytes":2,"elapsedMs"', '"bytes":1e999,"elapsedMs"'),
  ]);
  expect(inputErrorOf(() => readExchangeLog(bytes, registry)).message).toContain(
    'bytes.jsonl:1 answer.bytes: must be integer',
  );

  // A string that looks like the marker a number is replaced by stays a string.
  const [entry] = [
    ...jsonLines(Buffer.from('{"a":"\\u00000#0","b":12345678901234567890}\n'), EXCHANGE_LOG_LIMITS),
  ];
  expect(entry && 'value' in entry ? (entry.value as { a: string }).a : undefined).toBe('\u00000#0');
});
