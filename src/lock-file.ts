import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { writeNewFile } from './atomic-file.ts';

/**
 * Lock files: created exclusively, naming the process that holds them, removed by their holder only. A lock
 * whose process is gone is taken over. "Gone" is judged by the process id and the process's start time
 * (Linux: field 22 of /proc/<pid>/stat, recorded in the lock), so that a process id the system has since
 * given to another process does not keep a dead run's lock alive; after a reboot (another boot id) every
 * lock of this host is stale. Where there is no /proc, the process id alone decides. A lock of another host
 * cannot be judged from here and is always respected.
 */

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  token: string;
  /** When the process started, in clock ticks since boot (Linux), so that a reused pid is told apart. */
  processStart?: string;
  /** The boot the process runs in (Linux). */
  boot?: string;
}

/** How a lock's process is probed (tests replace parts of it). */
export interface LockOptions {
  pid?: number;
  host?: string;
  /** Whether a process of this host with this id exists. */
  isAlive?: (pid: number) => boolean;
  /** When the process with this id started (undefined where that cannot be read). */
  processStart?: (pid: number) => string | undefined;
  /** This host's boot id (undefined where there is none). */
  bootId?: () => string | undefined;
}

/** An empty or unreadable lock younger than this is being written by a live process. */
const UNREADABLE_GRACE_MS = 10_000;

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, it belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/<pid>/stat: the process's start time in clock ticks after boot (Linux only). */
export function processStartTime(pid: number): string | undefined {
  try {
    return startTimeOfStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Field 22 of a /proc/<pid>/stat line. */
export function startTimeOfStat(stat: string): string | undefined {
  // Field 2, the command name, is in parentheses and may itself hold spaces and parentheses.
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const start = stat.slice(close + 2).split(' ')[22 - 3];
  return start && /^\d+$/.test(start) ? start : undefined;
}

export function systemBootId(): string | undefined {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function probes(options: LockOptions) {
  return {
    pid: options.pid ?? process.pid,
    host: options.host ?? os.hostname(),
    isAlive: options.isAlive ?? processIsAlive,
    processStart: options.processStart ?? processStartTime,
    bootId: options.bootId ?? systemBootId,
  };
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof data.pid !== 'number' || typeof data.host !== 'string') return undefined;
    return {
      pid: data.pid,
      host: data.host,
      startedAt: String(data.startedAt ?? ''),
      token: String(data.token ?? ''),
      ...(typeof data.processStart === 'string' ? { processStart: data.processStart } : {}),
      ...(typeof data.boot === 'string' ? { boot: data.boot } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Why the holder of a lock of this host no longer runs; undefined while it (or a process it could be) runs. */
function holderGone(holder: LockHolder, options: LockOptions = {}): string | undefined {
  const probe = probes(options);
  if (holder.host !== probe.host) return undefined;
  const boot = probe.bootId();
  if (holder.boot && boot && holder.boot !== boot) return 'the machine has restarted since';
  if (!probe.isAlive(holder.pid)) return 'that process has ended';
  if (holder.processStart) {
    const now = probe.processStart(holder.pid);
    if (now !== undefined && now !== holder.processStart)
      return `that process has ended (process id ${holder.pid} now belongs to a process started later)`;
  }
  return undefined;
}

export function describeHolder(holder: LockHolder): string {
  return `process ${holder.pid} on ${holder.host}, started ${holder.startedAt}`;
}

export type LockAttempt =
  | { taken: true; holder: LockHolder; tookOver?: StaleLock }
  | { taken: false; holder: LockHolder | undefined };

/** A stale lock that was taken over: whose it was (unless it could not be read) and why it was stale. */
export interface StaleLock {
  holder?: LockHolder;
  reason: string;
}

/** `<file> of …`, for a message that a stale lock was taken over. */
export function describeStaleLock(file: string, stale: StaleLock, of: string): string {
  return `Took over the stale lock ${file} of ${of}${stale.holder ? ` (${describeHolder(stale.holder)})` : ''}: ${stale.reason}.`;
}

/**
 * Creates the lock file `file` for this process, taking over a stale one. `tookOver` says whose stale lock
 * was replaced; `taken: false` names the live holder.
 */
export function tryLock(file: string, options: LockOptions = {}): LockAttempt {
  const probe = probes(options);
  const boot = probe.bootId();
  const processStart = probe.processStart(probe.pid);
  const me: LockHolder = {
    pid: probe.pid,
    host: probe.host,
    startedAt: new Date().toISOString(),
    token: randomUUID(),
    ...(processStart ? { processStart } : {}),
    ...(boot ? { boot } : {}),
  };
  let tookOver: StaleLock | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeNewFile(file, JSON.stringify(me));
      return { taken: true, holder: me, ...(tookOver ? { tookOver } : {}) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const current = readHolder(file);
    // A lock being written this very moment has no content yet: it belongs to a live process.
    const gone = current
      ? holderGone(current, options)
      : Date.now() - mtimeOf(file) >= UNREADABLE_GRACE_MS
        ? 'it was empty or unreadable'
        : undefined;
    if (!gone) return { taken: false, holder: current };
    takeOverStaleLock(file, current);
    tookOver = { ...(current ? { holder: current } : {}), reason: gone };
  }
  return { taken: false, holder: readHolder(file) };
}

/** Removes the lock if it is still the one `token` took. Safe to call twice. */
export function releaseLock(file: string, token: string): void {
  if (readHolder(file)?.token === token) fs.rmSync(file, { force: true });
}

function mtimeOf(file: string): number {
  try {
    return fs.lstatSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Moves the stale lock aside and removes it. Moved first, then checked: should another process have taken
 * the lock over in between, its fresh lock is put back rather than removed.
 */
function takeOverStaleLock(file: string, stale: LockHolder | undefined): void {
  const aside = `${file}.${process.pid}.${randomUUID()}.stale`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // gone already: the next attempt creates the lock
  }
  const moved = readHolder(aside);
  if (moved && moved.token !== stale?.token) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // A third process holds the lock now; the next attempt says so.
    }
  }
  fs.rmSync(aside, { force: true });
}
