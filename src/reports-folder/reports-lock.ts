import fs from 'node:fs';
import path from 'node:path';
import {
  describeHolder,
  describeStaleLock,
  type LockHolder,
  type LockOptions,
  releaseLock,
  tryLock,
} from '../lock-file.ts';

export type { LockOptions } from '../lock-file.ts';

/**
 * One run, one reports folder. Two runs writing the same folder corrupt each other (merged results that
 * read as retries, a crash renaming Allure's temporary files, a summary of the other run's results), so a
 * run holds a lock file in the folder for as long as it writes there. A lock left by a run whose process is
 * gone is taken over — judged by process id and start time, so that a reused process id does not count
 * (src/lock-file.ts) — and the run says so.
 */
export const LOCK_FILE = '.oicp-run.lock';

export class ReportsFolderBusy extends Error {
  override name = 'ReportsFolderBusy';
}

export interface ReportsLock {
  file: string;
  /** Set when a stale lock was taken over: says whose, for the console. */
  note?: string;
  /** Removes the lock, if it is still this run's. Safe to call twice. */
  release(): void;
}

function busyMessage(root: string, file: string, holder: LockHolder | undefined): string {
  const who = holder ? `another conformance run (${describeHolder(holder)})` : 'another conformance run';
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
  const file = path.join(root, LOCK_FILE);
  fs.mkdirSync(root, { recursive: true });
  const attempt = tryLock(file, options);
  if (!attempt.taken) throw new ReportsFolderBusy(busyMessage(root, file, attempt.holder));
  const { token } = attempt.holder;
  return {
    file,
    ...(attempt.tookOver ? { note: describeStaleLock(file, attempt.tookOver, 'an earlier run') } : {}),
    release: () => releaseLock(file, token),
  };
}
