import { spawn } from 'node:child_process';
import { INTERRUPT_SIGNALS, type InterruptSignal, isInterruptSignal } from './interruption.ts';

/**
 * How long the conformance CLI waits for Playwright after forwarding a signal: its workers stop, the running
 * scenarios end as interrupted and the reporters write what ran — a few seconds. Past it, Playwright is
 * killed (and what ran is not recorded) so that an interrupted run always ends.
 */
export const PLAYWRIGHT_GRACE_MS = 20_000;

/** The first SIGINT or SIGTERM the conformance CLI received, for the whole of the run. */
export interface SignalWatch {
  readonly signal: InterruptSignal | undefined;
  /** Called once, with the first signal (at once if it came already). */
  onFirst(callback: (signal: InterruptSignal) => void): void;
  dispose(): void;
}

/**
 * Catches SIGINT and SIGTERM for the rest of the process: the first is remembered and passed on to the
 * callbacks (forwarded to Playwright, stopping a mock that is starting); later ones change nothing, so the
 * reports of what ran are still written. Every wait after a signal is bounded.
 */
export function watchSignals(): SignalWatch {
  let first: InterruptSignal | undefined;
  const callbacks: Array<(signal: InterruptSignal) => void> = [];
  const listener = (signal: NodeJS.Signals) => {
    if (first || !isInterruptSignal(signal)) return;
    first = signal;
    for (const callback of callbacks.splice(0)) callback(signal);
  };
  for (const signal of INTERRUPT_SIGNALS) process.on(signal, listener);
  return {
    get signal() {
      return first;
    },
    onFirst(callback) {
      if (first) callback(first);
      else callbacks.push(callback);
    },
    dispose() {
      for (const signal of INTERRUPT_SIGNALS) process.off(signal, listener);
    },
  };
}

export interface PlaywrightOutcome {
  exitCode: number;
  /** Set when Playwright did not end within the grace period after a signal and was killed. */
  forcedAfterMs?: number;
}

/**
 * Runs Playwright's CLI as a child process. A signal the conformance CLI receives is forwarded once, as it
 * came (Playwright's main process turns a SIGTERM into its graceful stop: interruption.ts); if Playwright
 * has not ended `graceMs` later, it is killed. Its workers end with it (they leave when their parent does).
 */
export function runPlaywright(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; signals: SignalWatch; graceMs?: number },
): Promise<PlaywrightOutcome> {
  const graceMs = options.graceMs ?? PLAYWRIGHT_GRACE_MS;
  return new Promise((resolve) => {
    // Interrupted before Playwright started: nothing to run.
    if (options.signals.signal) {
      resolve({ exitCode: 1 });
      return;
    }
    const child = spawn(process.execPath, [command, ...args], {
      cwd: options.cwd,
      stdio: 'inherit',
      env: options.env,
    });
    let exited = false;
    let forcedAfterMs: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    options.signals.onFirst((signal) => {
      if (exited) return;
      child.kill(signal);
      timer = setTimeout(() => {
        forcedAfterMs = graceMs;
        child.kill('SIGKILL');
      }, graceMs);
    });
    child.on('exit', (code, signal) => {
      exited = true;
      clearTimeout(timer);
      resolve({
        exitCode: code ?? (signal ? 1 : 0),
        ...(forcedAfterMs !== undefined ? { forcedAfterMs } : {}),
      });
    });
  });
}
