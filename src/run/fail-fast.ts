import fs from 'node:fs';
import path from 'node:path';
import type { FailFastPolicy, Profile } from '../config/profile.ts';
import type { TransportFailureKind } from '../exchange/types.ts';

/** Grace beyond the time budget before a request is abandoned, so a late answer is still seen and timed. */
export const LATE_ANSWER_GRACE_MS = 1_000;

/** What one request attempt came to, as far as the target's health goes. */
export type AttemptOutcome =
  | { answered: true }
  | { answered: false; kind: TransportFailureKind; message: string };

/** Why the run stopped early: written once, read by every worker and by the conformance CLI. */
export interface RunStop {
  kind: TransportFailureKind;
  failures: number;
  url: string;
  /** The last failure's message (masked like every other message). */
  message: string;
  at: string;
}

/** Words for each kind, for the one message that ends the run. */
const FAILURE_KIND_WORDS: Record<TransportFailureKind, string> = {
  timeout: 'no answer',
  refused: 'connection refused',
  'unknown-host': 'unknown host',
  tls: 'TLS handshake failed',
  connection: 'connection closed without an answer',
  'not-http': 'not an HTTP answer',
  other: 'request failed',
};

const OUTCOMES_FILE = 'outcomes.log';
const ANSWERED_FILE = 'answered';
const STOP_FILE = 'stopped.json';
/** Longest line of the outcomes log: a kind and a newline. */
const LINE_BYTES = 16;

/**
 * Stops a run against a dead target in seconds instead of one time budget per scenario. Every worker
 * records the outcome of each attempt in a small shared folder (one line per attempt, appended); after
 * `consecutiveFailures` transport failures of the same kind in a row — or `beforeFirstAnswer` while the
 * target has not answered once in this run — the run is stopped: the remaining scenarios are not run,
 * and the conformance CLI names the cause once. Files, because Playwright's workers are processes.
 */
export class FailFast {
  private readonly dir: string;
  private readonly policy: FailFastPolicy;

  constructor(dir: string, policy: FailFastPolicy) {
    this.dir = dir;
    this.policy = policy;
  }

  /** A fresh record for a new run (called once, before the workers start); other files of the folder stay. */
  static reset(dir: string): void {
    for (const file of [OUTCOMES_FILE, ANSWERED_FILE, STOP_FILE])
      fs.rmSync(path.join(dir, file), { force: true });
    fs.mkdirSync(dir, { recursive: true });
  }

  /** Why the run stopped, or undefined while it goes on. */
  static stopOf(dir: string): RunStop | undefined {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, STOP_FILE), 'utf8')) as RunStop;
    } catch {
      return undefined;
    }
  }

  stopped(): RunStop | undefined {
    return FailFast.stopOf(this.dir);
  }

  /** Records an attempt; returns the stop when this failure is the one that ends the run. */
  record(outcome: AttemptOutcome, url: string): RunStop | undefined {
    fs.mkdirSync(this.dir, { recursive: true });
    if (outcome.answered) {
      if (!fs.existsSync(path.join(this.dir, ANSWERED_FILE)))
        fs.writeFileSync(path.join(this.dir, ANSWERED_FILE), '');
      fs.appendFileSync(path.join(this.dir, OUTCOMES_FILE), 'answer\n');
      return undefined;
    }
    fs.appendFileSync(path.join(this.dir, OUTCOMES_FILE), `${outcome.kind}\n`);
    const limit = fs.existsSync(path.join(this.dir, ANSWERED_FILE))
      ? this.policy.consecutiveFailures
      : Math.min(this.policy.beforeFirstAnswer, this.policy.consecutiveFailures);
    const streak = this.streakOf(outcome.kind, limit);
    if (streak < limit) return undefined;
    const stop: RunStop = {
      kind: outcome.kind,
      failures: streak,
      url,
      message: outcome.message,
      at: new Date().toISOString(),
    };
    try {
      // The first worker to trip writes the cause; the others keep it.
      fs.writeFileSync(path.join(this.dir, STOP_FILE), JSON.stringify(stop, null, 2), { flag: 'wx' });
      return stop;
    } catch {
      return this.stopped();
    }
  }

  /** How many of the last `limit` outcomes are failures of this kind, counted back from the newest. */
  private streakOf(kind: TransportFailureKind, limit: number): number {
    const file = path.join(this.dir, OUTCOMES_FILE);
    const size = fs.statSync(file).size;
    const length = Math.min(size, limit * LINE_BYTES + LINE_BYTES);
    const buffer = Buffer.alloc(length);
    const fd = fs.openSync(file, 'r');
    try {
      fs.readSync(fd, buffer, 0, length, size - length);
    } finally {
      fs.closeSync(fd);
    }
    const lines = buffer.toString('utf8').split('\n').filter(Boolean).reverse();
    // The oldest line read may be cut; count only whole lines, newest first.
    let streak = 0;
    for (const line of lines.slice(0, limit)) {
      if (line !== kind) break;
      streak++;
    }
    return streak;
  }
}

/** The one message that ends a stopped run, for the console and the report. */
export function describeStop(stop: RunStop): string {
  return `The run stopped after ${stop.failures} consecutive transport failure(s) of one kind (${FAILURE_KIND_WORDS[stop.kind]}) at ${new URL(stop.url).origin}: ${stop.message}`;
}

/**
 * The deadline of a whole run, derived from the time budget: every scenario answered at the last moment,
 * every retry taken, one worker, plus two minutes. A safety net that fail-fast makes rare.
 */
export function runDeadlineMs(
  profile: Pick<Profile, 'timeBudgetMs' | 'minIntervalMs' | 'retry'>,
  scenarios: number,
): number {
  const { attempts, delayMs } = profile.retry;
  const perScenario =
    (profile.timeBudgetMs + LATE_ANSWER_GRACE_MS + profile.minIntervalMs) * attempts +
    delayMs * (attempts - 1);
  return Math.max(1, scenarios) * perScenario + 120_000;
}
