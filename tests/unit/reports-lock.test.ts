import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  MARKER_FILE,
  OUTPUTS_FILE,
  prepareReportsFolder,
  recordRunOutputs,
  removeEmptyFolders,
  reportPaths,
  runOutputs,
} from '../../src/reports-folder/paths.ts';
import { acquireReportsLock, LOCK_FILE, ReportsFolderBusy } from '../../src/reports-folder/reports-lock.ts';
import { expect, test } from '../support/test.ts';

const folder = () => fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-lock-'));

test('a folder held by a live run is refused, naming the folder, the run and OICP_REPORTS_DIR', () => {
  const root = folder();
  const first = acquireReportsLock(root, { pid: 4242, host: 'ci-1', isAlive: () => true });
  let error: unknown;
  try {
    acquireReportsLock(root, { pid: 5353, host: 'ci-1', isAlive: () => true });
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ReportsFolderBusy);
  const message = (error as Error).message;
  expect(message).toContain(
    `The reports folder ${root} is in use by another conformance run (process 4242 on ci-1`,
  );
  expect(message).toContain(`OICP_REPORTS_DIR=${root}-2 npm run conformance`);
  expect(message).toContain(path.join(root, LOCK_FILE));
  // The refused run changed nothing: the first run still holds the folder.
  expect(JSON.parse(fs.readFileSync(first.file, 'utf8')).pid).toBe(4242);
  first.release();
  expect(fs.existsSync(first.file)).toBe(false);
  acquireReportsLock(root, { pid: 5353, host: 'ci-1', isAlive: () => true }).release();
});

test('the lock of a run that died is taken over; one of another host is respected', () => {
  const root = folder();
  acquireReportsLock(root, { pid: 111, host: 'here', isAlive: () => true });
  const takeover = acquireReportsLock(root, { pid: 222, host: 'here', isAlive: (pid) => pid !== 111 });
  expect(JSON.parse(fs.readFileSync(takeover.file, 'utf8')).pid).toBe(222);
  // The dead run's release (had it one) must not remove the new holder's lock.
  expect(fs.readdirSync(root)).toEqual([LOCK_FILE]);

  const shared = folder();
  acquireReportsLock(shared, { pid: 111, host: 'other-machine', isAlive: () => false });
  expect(() => acquireReportsLock(shared, { pid: 222, host: 'here', isAlive: () => false })).toThrow(
    ReportsFolderBusy,
  );
});

test('release removes only this run’s lock, and may be called twice', () => {
  const root = folder();
  const stale = acquireReportsLock(root, { pid: 1, host: 'here', isAlive: () => true });
  const current = acquireReportsLock(root, { pid: 2, host: 'here', isAlive: () => false });
  stale.release();
  expect(fs.existsSync(current.file)).toBe(true);
  current.release();
  current.release();
  expect(fs.existsSync(current.file)).toBe(false);
});

test('a real process: this one holds, a dead child’s lock is taken over', async () => {
  const root = folder();
  const mine = acquireReportsLock(root);
  expect(() => acquireReportsLock(root)).toThrow(ReportsFolderBusy);
  mine.release();
  const { spawnSync } = await import('node:child_process');
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  const deadPid = Number(child.stdout.toString());
  fs.writeFileSync(
    path.join(root, LOCK_FILE),
    JSON.stringify({ pid: deadPid, host: os.hostname(), startedAt: 'then', token: 't' }),
  );
  acquireReportsLock(root).release();
});

test('the outputs of a run are removed; the history and anything else in the folder stay', () => {
  const root = folder();
  const reports = reportPaths({ OICP_REPORTS_DIR: root });
  prepareReportsFolder(reports);
  for (const output of runOutputs(reports)) {
    fs.mkdirSync(path.dirname(output), { recursive: true });
    if (path.extname(output)) fs.writeFileSync(output, 'old');
    else fs.mkdirSync(output, { recursive: true });
  }
  fs.mkdirSync(path.dirname(reports.allureHistory), { recursive: true });
  fs.writeFileSync(reports.allureHistory, '{}\n');
  fs.writeFileSync(path.join(root, 'notes-of-the-user.txt'), 'mine');
  recordRunOutputs(reports);
  prepareReportsFolder(reports);
  expect(fs.readdirSync(root).sort()).toEqual([
    MARKER_FILE,
    OUTPUTS_FILE,
    'history',
    'notes-of-the-user.txt',
  ]);
  expect(fs.readFileSync(reports.allureHistory, 'utf8')).toBe('{}\n');
});

test('empty folders Playwright left for each test are removed; folders with files stay', () => {
  const root = folder();
  fs.mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
  fs.mkdirSync(path.join(root, 'c'), { recursive: true });
  fs.writeFileSync(path.join(root, 'c', 'kept.txt'), 'x');
  fs.writeFileSync(path.join(root, '.last-run.json'), '{}');
  removeEmptyFolders(root);
  expect(fs.readdirSync(root).sort()).toEqual(['.last-run.json', 'c']);
  removeEmptyFolders(path.join(root, 'nonexistent'));
});
