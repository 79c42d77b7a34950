import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processStartTime, startTimeOfStat, systemBootId } from '../../src/lock-file.ts';
import { acquireReportsLock, LOCK_FILE, ReportsFolderBusy } from '../../src/reports-folder/reports-lock.ts';
import { expect, test } from '../support/test.ts';

// A lock is stale when its process is gone: judged by process id and start time, so that a process id the
// system has given to another process since does not keep a dead run's lock alive.

const folder = () => fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-lock-'));
const linux = fs.existsSync(`/proc/${process.pid}/stat`);

function plantLock(root: string, holder: Record<string, unknown>): void {
  fs.writeFileSync(
    path.join(root, LOCK_FILE),
    JSON.stringify({ host: os.hostname(), startedAt: '2026-01-01T00:00:00Z', token: 'old', ...holder }),
  );
}

test('the start time is field 22 of /proc/<pid>/stat, whatever the command name holds', () => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
  const stat = `4242 (a) b (c) ${fields.join(' ')}`;
  expect(startTimeOfStat(stat)).toBe('22');
  expect(startTimeOfStat('garbage')).toBeUndefined();
  if (linux) expect(processStartTime(process.pid)).toMatch(/^\d+$/);
});

test('the lock records the process id and its start time', () => {
  test.skip(!linux, 'no /proc here');
  const root = folder();
  const lock = acquireReportsLock(root);
  const holder = JSON.parse(fs.readFileSync(lock.file, 'utf8'));
  expect(holder.pid).toBe(process.pid);
  expect(holder.processStart).toBe(processStartTime(process.pid));
  expect(holder.boot).toBe(systemBootId());
  lock.release();
});

test('a lock whose process id now belongs to another, later process is stale and taken over, and the run says so', () => {
  test.skip(!linux, 'no /proc here');
  const root = folder();
  // This test's own process is alive, but it is not the process that took the lock: that one started earlier.
  plantLock(root, { pid: process.pid, processStart: '1' });
  const lock = acquireReportsLock(root);
  expect(lock.note).toBe(
    `Took over the stale lock ${path.join(root, LOCK_FILE)} of an earlier run (process ${process.pid} on ${os.hostname()}, started 2026-01-01T00:00:00Z): that process has ended (process id ${process.pid} now belongs to a process started later).`,
  );
  expect(JSON.parse(fs.readFileSync(lock.file, 'utf8')).token).not.toBe('old');
  lock.release();

  // The same process, same start time: the lock is live.
  plantLock(root, { pid: process.pid, processStart: processStartTime(process.pid) });
  expect(() => acquireReportsLock(root)).toThrow(ReportsFolderBusy);
});

test('a lock of a process that is gone is taken over, and the run says so', () => {
  const root = folder();
  const deadPid = Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout,
  );
  plantLock(root, { pid: deadPid, processStart: '12345' });
  const lock = acquireReportsLock(root);
  expect(lock.note).toContain(
    `Took over the stale lock ${path.join(root, LOCK_FILE)} of an earlier run (process ${deadPid}`,
  );
  expect(lock.note).toContain('that process has ended.');
  lock.release();
});

test('a lock of a boot before this one is stale', () => {
  const root = folder();
  plantLock(root, { pid: 4242, processStart: '5', boot: 'an-earlier-boot' });
  const lock = acquireReportsLock(root, {
    isAlive: () => true,
    processStart: () => '5',
    bootId: () => 'this-boot',
  });
  expect(lock.note).toContain('the machine has restarted since');
  lock.release();
});

test('without /proc the process id alone decides: a live one holds, a dead one does not', () => {
  const noProc = { processStart: () => undefined, bootId: () => undefined };
  const root = folder();
  plantLock(root, { pid: 4242, processStart: '1' });
  expect(() => acquireReportsLock(root, { ...noProc, isAlive: () => true })).toThrow(ReportsFolderBusy);
  const lock = acquireReportsLock(root, { ...noProc, isAlive: (pid) => pid !== 4242 });
  expect(lock.note).toContain('process 4242');
  lock.release();
  // A lock of an earlier version (no start time recorded): the process id alone, as before.
  plantLock(root, { pid: 4242 });
  expect(() => acquireReportsLock(root, { isAlive: () => true, processStart: () => '9' })).toThrow(
    ReportsFolderBusy,
  );
});
