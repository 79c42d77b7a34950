/**
 * A run ended by SIGINT (Ctrl-C) or SIGTERM (a CI's cancel, `timeout`, `kill`): what ran is reported, every
 * process the run started stops, and the exit code says which signal (130, 143: the shell's 128 + signal).
 *
 * Two processes take part. The conformance CLI forwards the first signal it receives to Playwright, once, and
 * waits a bounded time for it (playwright-process.ts); it stops the mocks it started itself (mock-process.ts).
 * Playwright's runner stops gracefully on SIGINT only — the running scenarios are marked interrupted, the
 * reporters' onEnd writes run.json and JUnit — while SIGTERM kills it on the spot with nothing written.
 * `handleSignalsInPlaywright`, installed by playwright.config.ts in Playwright's main process, turns a
 * SIGTERM into that graceful stop and remembers which signal it was, for the run record.
 */

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

export const INTERRUPT_SIGNALS: readonly InterruptSignal[] = ['SIGINT', 'SIGTERM'];

/** The shell's convention: 128 + the signal's number. */
export const INTERRUPTED_EXIT_CODE: Readonly<Record<InterruptSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

export function isInterruptSignal(value: unknown): value is InterruptSignal {
  return value === 'SIGINT' || value === 'SIGTERM';
}

interface PlaywrightProcessState {
  /** The first SIGINT or SIGTERM Playwright's main process received. */
  signal?: InterruptSignal;
  /** The run's reporter saw onBegin: Playwright's runner is (or was) running the scenarios. */
  begun?: boolean;
  installed?: boolean;
}

/**
 * Shared between playwright.config.ts and the run's reporter, both loaded in Playwright's main process: on
 * globalThis, so that it is one state even if the two load this module separately.
 */
function state(): PlaywrightProcessState {
  const key = Symbol.for('oicp-conformance.interruption');
  const holder = globalThis as unknown as Record<symbol, PlaywrightProcessState | undefined>;
  holder[key] ??= {};
  return holder[key];
}

/**
 * In Playwright's main process (never in a worker): the first SIGINT or SIGTERM is noted, and a SIGTERM
 * becomes a SIGINT, which Playwright's runner answers by stopping the workers, marking the running
 * scenarios interrupted and calling every reporter's onEnd. Later signals change nothing: the conformance
 * CLI bounds the wait. Before the runner has begun (it listens to SIGINT only while it runs) the process
 * ends at once with the signal's exit code, nothing written; after it has ended, the reporters finish.
 */
export function handleSignalsInPlaywright(): void {
  const shared = state();
  if (shared.installed) return;
  shared.installed = true;
  const listener = (signal: NodeJS.Signals) => {
    if (!isInterruptSignal(signal) || shared.signal) return;
    shared.signal = signal;
    const runnerListens = process.listeners('SIGINT').some((other) => other !== listener);
    if (runnerListens) {
      if (signal === 'SIGTERM') process.kill(process.pid, 'SIGINT');
    } else if (!shared.begun) {
      process.exit(INTERRUPTED_EXIT_CODE[signal]);
    }
  };
  for (const signal of INTERRUPT_SIGNALS) process.on(signal, listener);
}

/** Called by the run's reporter at onBegin. */
export function markRunBegun(): void {
  state().begun = true;
}

/** The signal that interrupted Playwright's run, as its main process received it. */
export function interruptionSignal(): InterruptSignal | undefined {
  return state().signal;
}

/** What an interrupted run's record says of itself (run-record.ts). */
export interface InterruptedRecord {
  planned: number;
  scenarios: ReadonlyArray<{ status: string }>;
  unfinished?: readonly string[];
}

/** `interrupted by SIGTERM: 3 of 135 scenarios ran`: the words of the summary and of the report. */
function interruptionWords(signal: string, ran: number, planned: number): string {
  return `interrupted by ${signal}: ${ran} of ${planned} scenarios ran`;
}

/**
 * What the console's last line and the report's environment say of an interrupted run (the report's title
 * calls it a selection, not a full run), e.g.
 * `interrupted by SIGTERM: 3 of 135 scenarios ran (1 stopped midway, 131 not started) — not a full run`.
 * `record` is undefined when Playwright wrote none: it was stopped before its first scenario, or did not end
 * within the grace period and was killed.
 */
export function interruptionSummary(
  signal: InterruptSignal,
  record: InterruptedRecord | undefined,
  options: { forcedAfterMs?: number } = {},
): string {
  if (!record)
    return options.forcedAfterMs !== undefined
      ? `interrupted by ${signal}: Playwright did not end within ${Math.round(options.forcedAfterMs / 1000)} s and was killed before it recorded what ran`
      : `interrupted by ${signal} before any scenario ran`;
  const skipped = record.scenarios.filter((s) => s.status === 'skipped').length;
  const ran = record.scenarios.length - skipped;
  const unfinished = record.unfinished?.length ?? 0;
  const notStarted = Math.max(record.planned - record.scenarios.length - unfinished, 0);
  const rest = [
    skipped > 0 ? `${skipped} skipped` : '',
    unfinished > 0 ? `${unfinished} stopped midway` : '',
    notStarted > 0 ? `${notStarted} not started` : '',
  ].filter(Boolean);
  const words = interruptionWords(signal, ran, record.planned);
  return `${words}${rest.length > 0 ? ` (${rest.join(', ')})` : ''}${ran < record.planned ? ' — not a full run' : ''}`;
}
