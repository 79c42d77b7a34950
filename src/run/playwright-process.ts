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

/** Where Playwright's lines go instead of this process's console: each call is one line or more. */
export interface LineOutput {
  log(text: string): void;
  error(text: string): void;
}

/**
 * Passes a stream's text on in whole lines (a chunk may end mid-line); `flush` gives the rest at the end.
 */
function lineForwarder(write: (lines: string) => void): { push(chunk: string): void; flush(): void } {
  let partial = '';
  return {
    push(chunk) {
      const text = partial + chunk;
      const end = text.lastIndexOf('\n');
      if (end < 0) {
        partial = text;
        return;
      }
      write(text.slice(0, end));
      partial = text.slice(end + 1);
    },
    flush() {
      if (partial) write(partial);
      partial = '';
    },
  };
}

/**
 * Runs Playwright's CLI as a child process. A signal the conformance CLI receives is forwarded once, as it
 * came (Playwright's main process turns a SIGTERM into its graceful stop: interruption.ts); if Playwright
 * has not ended `graceMs` later, it is killed. Its workers end with it (they leave when their parent does).
 * Playwright writes to this process's console (a terminal stays a terminal to it), unless `output` is given:
 * then its lines go there.
 */
export function runPlaywright(
  command: string,
  args: string[],
  options: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    signals: SignalWatch;
    graceMs?: number;
    output?: LineOutput;
    /**
     * The mock Playwright was started beside, coming up. Until it is, a signal is not forwarded (the command
     * handles it); if it never is, Playwright — still waiting in its global setup, nothing loaded or run — is
     * killed.
     */
    ready?: Promise<unknown>;
  },
): Promise<PlaywrightOutcome> {
  const graceMs = options.graceMs ?? PLAYWRIGHT_GRACE_MS;
  return new Promise((resolve) => {
    // Interrupted before Playwright started: nothing to run.
    if (options.signals.signal) {
      resolve({ exitCode: 1 });
      return;
    }
    const { output } = options;
    const child = spawn(process.execPath, [command, ...args], {
      cwd: options.cwd,
      stdio: output ? ['inherit', 'pipe', 'pipe'] : 'inherit',
      env: options.env,
    });
    const forwarders = output
      ? [
          { stream: child.stdout, lines: lineForwarder((text) => output.log(text)) },
          { stream: child.stderr, lines: lineForwarder((text) => output.error(text)) },
        ]
      : [];
    for (const { stream, lines } of forwarders) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => lines.push(chunk));
    }
    let exited = false;
    let forcedAfterMs: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    const ready = options.ready ?? Promise.resolve();
    ready.catch(() => {
      if (!exited) child.kill('SIGKILL');
    });
    options.signals.onFirst((signal) => {
      ready.then(
        () => {
          if (exited) return;
          child.kill(signal);
          timer = setTimeout(() => {
            forcedAfterMs = graceMs;
            child.kill('SIGKILL');
          }, graceMs);
        },
        () => {},
      );
    });
    child.on('exit', () => {
      exited = true;
    });
    // 'close': the process has ended and its output has been read to the end.
    child.on('close', (code, signal) => {
      exited = true;
      clearTimeout(timer);
      for (const { lines } of forwarders) lines.flush();
      resolve({
        exitCode: code ?? (signal ? 1 : 0),
        ...(forcedAfterMs !== undefined ? { forcedAfterMs } : {}),
      });
    });
  });
}
