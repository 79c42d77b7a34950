import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * One run, one reports folder. Two runs writing the same folder corrupt each other (merged results that
 * read as retries, a crash renaming Allure's temporary files, a summary of the other run's results), so a
 * run holds a lock file in the folder for as long as it writes there. A lock left by a run that died
 * (its process is gone) is taken over.
 */
export const LOCK_FILE = '.oicp-run.lock';

interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  token: string;
}

export class ReportsFolderBusy extends Error {
  override name = 'ReportsFolderBusy';
}

export interface ReportsLock {
  file: string;
  /** Removes the lock, if it is still this run's. Safe to call twice. */
  release(): void;
}

export interface LockOptions {
  pid?: number;
  host?: string;
  /** Whether a process of this host is alive (tests replace it). */
  isAlive?: (pid: number) => boolean;
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, it belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof data.pid === 'number' && typeof data.host === 'string'
      ? {
          pid: data.pid,
          host: data.host,
          startedAt: String(data.startedAt ?? ''),
          token: String(data.token ?? ''),
        }
      : undefined;
  } catch {
    return undefined;
  }
}

function busyMessage(root: string, file: string, holder: LockHolder | undefined): string {
  const who = holder
    ? `another conformance run (process ${holder.pid} on ${holder.host}, started ${holder.startedAt})`
    : 'another conformance run';
  return [
    `The reports folder ${root} is in use by ${who}.`,
    `Wait for it to finish, or give this run a folder of its own: OICP_REPORTS_DIR=${root}-2 npm run conformance`,
    `If no run is active (a run on another machine sharing this folder, or a lock left behind), delete ${file}.`,
  ].join('\n');
}

/**
 * Takes the reports folder for this run, or throws ReportsFolderBusy naming the folder, the run that
 * holds it and OICP_REPORTS_DIR. A lock whose process no longer runs on this host is taken over.
 */
export function acquireReportsLock(root: string, options: LockOptions = {}): ReportsLock {
  const pid = options.pid ?? process.pid;
  const host = options.host ?? os.hostname();
  const isAlive = options.isAlive ?? processIsAlive;
  const file = path.join(root, LOCK_FILE);
  const holder: LockHolder = { pid, host, startedAt: new Date().toISOString(), token: randomUUID() };
  fs.mkdirSync(root, { recursive: true });

  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(holder), { flag: 'wx' });
      return {
        file,
        release: () => {
          if (readHolder(file)?.token === holder.token) fs.rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const current = readHolder(file);
    // A lock being written this very moment has no content yet: it belongs to a live run.
    const live = current
      ? current.host !== host || isAlive(current.pid)
      : Date.now() - mtimeOf(file) < 10_000;
    if (live) throw new ReportsFolderBusy(busyMessage(root, file, current));
    takeOverStaleLock(file, current);
  }
  throw new ReportsFolderBusy(busyMessage(root, file, readHolder(file)));
}

function mtimeOf(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Moves the stale lock aside and removes it. Moved first, then checked: should another run have taken the
 * folder over in between, its fresh lock is put back rather than removed.
 */
function takeOverStaleLock(file: string, stale: LockHolder | undefined): void {
  const aside = `${file}.${process.pid}.${randomUUID()}.stale`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // gone already: the next attempt creates the lock
  }
  const moved = readHolder(aside);
  if (moved && stale && moved.token !== stale.token) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // A third run holds the folder now; the next attempt says so.
    }
  }
  fs.rmSync(aside, { force: true });
}
