import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileAtomic } from '../atomic-file.ts';
import { describeHolder, describeStaleLock, type LockOptions, releaseLock, tryLock } from '../lock-file.ts';

/**
 * The Allure history file (OICP_ALLURE_HISTORY) may be shared by report generations running at the same
 * time (CI jobs of one cache, two reports folders). Allure rewrites the file in place when it appends, so
 * two generations at once lose lines. Instead, each generation lets Allure read and append to a private
 * copy, and then adds the one line Allure appended to the real file under a lock: an exclusive lock file
 * beside it (`<history>.lock`, naming the process and its start time; a stale one is taken over), a
 * bounded wait for it, and the file rewritten whole (whole lines only) and renamed into place.
 */

/** How long a generation waits for another one to finish its (short) update of the history. */
const HISTORY_LOCK_WAIT_MS = 30_000;

export interface HistoryUpdate {
  /** Whether this run's line is in the history now. */
  appended: boolean;
  /** What the console should say: the history was not updated and why, or a stale lock taken over. */
  note?: string;
}

export interface PrivateHistory {
  /** The copy Allure reads and appends to. */
  file: string;
  /** Adds the line Allure appended to the copy to the real history file, under its lock. */
  commit(options?: HistoryOptions): Promise<HistoryUpdate>;
  /** Removes the copy. */
  dispose(): void;
}

export interface HistoryOptions {
  /** Allure's historyLimit: how many runs the file keeps (undefined: all). */
  limit?: number;
  waitMs?: number;
  lock?: LockOptions;
}

/** A private copy of the history file `historyPath` (empty when there is none yet). */
export function privateHistoryCopy(historyPath: string): PrivateHistory {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-allure-history-'));
  const file = path.join(dir, path.basename(historyPath));
  let before = '';
  try {
    before = fs.readFileSync(historyPath, 'utf8');
  } catch {
    // No history yet.
  }
  if (before) fs.writeFileSync(file, before);
  return {
    file,
    async commit(options = {}) {
      const line = appendedLine(before, readOr(file, ''));
      return line === undefined ? { appended: false } : appendHistoryLine(historyPath, line, options);
    },
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/** The complete lines of a history file: a last line without its line break is kept only if it is whole JSON. */
function wholeLines(text: string): string[] {
  const parts = text.split('\n');
  const last = parts.pop() ?? '';
  const lines = parts.filter((line) => line.trim() !== '');
  if (last.trim() !== '' && isJson(last)) lines.push(last);
  return lines;
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/** The line Allure appended to the copy: its last line, when the original did not end with it. */
function appendedLine(before: string, after: string): string | undefined {
  const last = wholeLines(after).at(-1);
  return last !== undefined && last !== wholeLines(before).at(-1) ? last : undefined;
}

/** The file the history path stands for: a symbolic link the user set up is followed, as Allure did. */
function realTarget(file: string): string {
  const resolved = path.resolve(file);
  try {
    return fs.realpathSync(resolved);
  } catch {
    fs.mkdirSync(path.dirname(resolved), { recursive: true });
    return path.join(fs.realpathSync(path.dirname(resolved)), path.basename(resolved));
  }
}

/**
 * Appends one line (one JSON value) to the history file under its lock, keeping the last `limit` lines.
 * Waits at most `waitMs` for the lock; then leaves the history as it is and says so.
 */
export async function appendHistoryLine(
  historyPath: string,
  line: string,
  options: HistoryOptions = {},
): Promise<HistoryUpdate> {
  if (line.includes('\n') || !isJson(line)) throw new Error('a history entry is one line of JSON');
  const target = realTarget(historyPath);
  const lockFile = `${target}.lock`;
  const waitMs = options.waitMs ?? HISTORY_LOCK_WAIT_MS;
  const until = Date.now() + waitMs;
  let attempt = tryLock(lockFile, options.lock);
  while (!attempt.taken) {
    if (Date.now() >= until) {
      const who = attempt.holder
        ? `another report generation (${describeHolder(attempt.holder)})`
        : 'another report generation';
      return {
        appended: false,
        note: [
          `The Allure history ${historyPath} was not updated with this run: ${who} has held its lock ${lockFile} for more than ${waitMs >= 1000 ? `${Math.round(waitMs / 1000)} s` : `${waitMs} ms`}.`,
          `If no report is being generated, delete ${lockFile}.`,
        ].join('\n'),
      };
    }
    await sleep(Math.min(100, Math.max(1, until - Date.now())));
    attempt = tryLock(lockFile, options.lock);
  }
  try {
    const lines = [...wholeLines(readOr(target, '')), line];
    const kept = options.limit === undefined ? lines : options.limit > 0 ? lines.slice(-options.limit) : [];
    writeFileAtomic(target, kept.map((l) => `${l}\n`).join(''));
  } finally {
    releaseLock(lockFile, attempt.holder.token);
  }
  return {
    appended: true,
    ...(attempt.tookOver
      ? { note: describeStaleLock(lockFile, attempt.tookOver, 'the Allure history') }
      : {}),
  };
}
