import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { releaseLock, tryLock } from '../../src/lock-file.ts';
import { appendHistoryLine } from '../../src/report/allure-history.ts';
import { generateAllureReport } from '../../src/report/allure-report.ts';
import { expect, test } from '../support/test.ts';

// The Allure history (OICP_ALLURE_HISTORY) may be shared by report generations at the same time: each adds
// its line under the file's lock, whole lines only, and none is lost.

const temp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const entry = (n: number) => JSON.stringify({ uuid: `run-${n}`, timestamp: n });
const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);

/** A results folder of one passed test, enough for a report. */
function allureResults(): string {
  const dir = path.join(temp('oicp-history-results-'), 'allure-results');
  fs.mkdirSync(dir);
  const uuid = randomUUID();
  fs.writeFileSync(
    path.join(dir, `${uuid}-result.json`),
    JSON.stringify({
      uuid,
      historyId: 'history-test',
      testCaseId: 'history-test',
      name: 'a test',
      fullName: 'a test',
      status: 'passed',
      stage: 'finished',
      start: 1,
      stop: 2,
      labels: [],
      steps: [],
      attachments: [],
      parameters: [],
      links: [],
    }),
  );
  return dir;
}

test('a line is appended whole, after the whole lines already there, keeping the last `limit`', async () => {
  const file = path.join(temp('oicp-history-'), 'deep', 'allure-history.jsonl');
  await appendHistoryLine(file, entry(1));
  expect(fs.readFileSync(file, 'utf8')).toBe(`${entry(1)}\n`);
  // A writer that died half-way left part of a line: it is not glued to the next one.
  fs.appendFileSync(file, '{"uuid":"cut sh');
  await appendHistoryLine(file, entry(2));
  expect(fs.readFileSync(file, 'utf8')).toBe(`${entry(1)}\n${entry(2)}\n`);
  // A last whole line without its line break is kept.
  fs.appendFileSync(file, entry(3));
  await appendHistoryLine(file, entry(4), { limit: 3 });
  expect(lines(file)).toEqual([entry(2), entry(3), entry(4)]);
  await expect(appendHistoryLine(file, 'two\nlines')).rejects.toThrow('one line of JSON');
  expect(fs.readdirSync(path.dirname(file))).toEqual(['allure-history.jsonl']);
});

test('a history file reached through a symbolic link stays one: the link is followed', async () => {
  const dir = temp('oicp-history-');
  const real = path.join(dir, 'kept.jsonl');
  fs.writeFileSync(real, `${entry(1)}\n`);
  fs.symlinkSync(real, path.join(dir, 'allure-history.jsonl'));
  await appendHistoryLine(path.join(dir, 'allure-history.jsonl'), entry(2));
  expect(fs.lstatSync(path.join(dir, 'allure-history.jsonl')).isSymbolicLink()).toBe(true);
  expect(lines(real)).toEqual([entry(1), entry(2)]);
});

test('while another generation holds the history, the append waits for it, then adds its line', async () => {
  const file = path.join(temp('oicp-history-'), 'allure-history.jsonl');
  fs.writeFileSync(file, `${entry(1)}\n`);
  const held = tryLock(`${fs.realpathSync(file)}.lock`);
  if (!held.taken) throw new Error('the test could not take the lock');
  let done = false;
  const append = appendHistoryLine(file, entry(3), { waitMs: 600_000 }).then((result) => {
    done = true;
    return result;
  });
  await sleep(300);
  // The holder writes its line; the waiting one has written nothing.
  expect(done).toBe(false);
  fs.appendFileSync(file, `${entry(2)}\n`);
  releaseLock(`${fs.realpathSync(file)}.lock`, held.holder.token);
  expect(await append).toEqual({ appended: true });
  expect(lines(file)).toEqual([entry(1), entry(2), entry(3)]);
});

test('a history held too long is left as it is, and the message says by whom and what to do; a stale lock is taken over', async () => {
  const file = path.join(temp('oicp-history-'), 'allure-history.jsonl');
  fs.writeFileSync(file, `${entry(1)}\n`);
  const lockFile = `${fs.realpathSync(file)}.lock`;
  const held = tryLock(lockFile);
  if (!held.taken) throw new Error('the test could not take the lock');
  const update = await appendHistoryLine(file, entry(2), { waitMs: 50 });
  expect(update.appended).toBe(false);
  expect(update.note).toBe(
    [
      `The Allure history ${file} was not updated with this run: another report generation (process ${process.pid} on ${os.hostname()}, started ${held.holder.startedAt}) has held its lock ${lockFile} for more than 50 ms.`,
      `If no report is being generated, delete ${lockFile}.`,
    ].join('\n'),
  );
  expect(lines(file)).toEqual([entry(1)]);

  // The same lock, of a process that has ended.
  const update2 = await appendHistoryLine(file, entry(2), { waitMs: 50, lock: { isAlive: () => false } });
  expect(update2.appended).toBe(true);
  expect(update2.note).toContain(
    `Took over the stale lock ${lockFile} of the Allure history (process ${process.pid}`,
  );
  expect(lines(file)).toEqual([entry(1), entry(2)]);
  expect(fs.existsSync(lockFile)).toBe(false);
});

test('report generation adds its run under the lock: a held lock leaves the history as it is, with a note', async () => {
  const dir = temp('oicp-history-');
  const history = path.join(dir, 'allure-history.jsonl');
  fs.writeFileSync(history, `${entry(1)}\n`);
  const lockFile = `${fs.realpathSync(history)}.lock`;
  const held = tryLock(lockFile);
  if (!held.taken) throw new Error('the test could not take the lock');
  try {
    const outcome = await generateAllureReport({
      resultsDir: allureResults(),
      output: path.join(dir, 'allure-report'),
      historyPath: history,
      testExitCode: 0,
      history: { waitMs: 50 },
    });
    expect(outcome.historyNote).toContain(`The Allure history ${history} was not updated with this run`);
    expect(lines(history)).toEqual([entry(1)]);
    expect(fs.existsSync(path.join(dir, 'allure-report', 'index.html'))).toBe(true);
  } finally {
    releaseLock(lockFile, held.holder.token);
  }
});

test('two report generations sharing one history at the same time both add their line', async () => {
  const dir = temp('oicp-history-');
  const history = path.join(dir, 'history', 'allure-history.jsonl');
  fs.mkdirSync(path.dirname(history));
  fs.writeFileSync(history, `${entry(1)}\n${entry(2)}\n`);
  const results = allureResults();
  const outcomes = await Promise.all(
    ['a', 'b'].map((name) =>
      generateAllureReport({
        resultsDir: results,
        output: path.join(dir, `report-${name}`),
        historyPath: history,
        testExitCode: 0,
      }),
    ),
  );
  expect(outcomes.map((o) => o.historyNote)).toEqual([undefined, undefined]);
  const kept = lines(history);
  expect(kept.slice(0, 2)).toEqual([entry(1), entry(2)]);
  expect(kept).toHaveLength(4);
  expect(new Set(kept.slice(2).map((line) => (JSON.parse(line) as { uuid: string }).uuid)).size).toBe(2);
  expect(fs.readdirSync(path.dirname(history))).toEqual(['allure-history.jsonl']);
});
