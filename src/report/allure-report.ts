import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { AllureReport, readRawConfig, resolveConfig } from '@allurereport/core';
import { projectRoot } from '../paths.ts';
import { type HistoryOptions, type HistoryUpdate, privateHistoryCopy } from './allure-history.ts';
import { makeReportOffline } from './offline-report.ts';
import { gateRuleInWords } from './quality-gate.ts';

/** One rule of the quality gate as Allure evaluated it. */
export type QualityGateResult = Awaited<ReturnType<AllureReport['validate']>>['results'][number];

export interface AllureReportOptions {
  resultsDir: string;
  output: string;
  /** The history file read before and appended to after the report (it outlives allure-results). */
  historyPath: string;
  configFile?: string;
  /** Playwright's exit code, shown in the report next to the gate. */
  testExitCode: number;
  /**
   * `selection: 9 of 135 scenarios ran (…) — not a full run` when the run was one: the report's title and
   * its variables say so, so that nobody takes it for a full certification run.
   */
  selection?: string;
  /** `invalidRequests.enforced in 40 scenarios, …`: OICP rules the profile relaxed; the report's variables say so. */
  relaxed?: string;
  /** Results larger than this are reported as a folder, not one file (default SINGLE_FILE_LIMIT_BYTES). */
  singleFileLimitBytes?: number;
  /** How the history file is updated (tests shorten the wait for its lock). */
  history?: Omit<HistoryOptions, 'limit'>;
}

/** How the report is laid out: one self-contained file, or a folder that needs a web server. */
export type ReportLayout = 'single-file' | 'folder';

export interface AllureReportOutcome {
  qualityGate: QualityGateResult[];
  /** The gate passed (true as well when the configuration defines no gate). */
  gatePassed: boolean;
  layout: ReportLayout;
  /** Why the report is a folder, when it is. */
  folderReason?: string;
  /** The history could not be updated (another generation held it too long), or a stale lock was taken over. */
  historyNote?: string;
}

/**
 * Above this much of Allure results, the report is written as a folder: a single HTML file carries every
 * result and attachment base64-encoded in one string, which Node cannot build beyond about 512 MB and a
 * browser struggles to open long before. With attachments cut to 64 KiB a scenario weighs tens of KB, so
 * this is a run of thousands of scenarios.
 */
const SINGLE_FILE_LIMIT_BYTES = 150 * 1024 * 1024;

/** Allure's awesome plugin ends the process when the single file is too large; here it ends the attempt. */
class SingleFileTooLarge extends Error {
  override name = 'SingleFileTooLarge';
  constructor() {
    super('the report is too large to be written as a single file');
    this.stack = `${this.name}: ${this.message}`;
  }
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(full) : fs.statSync(full).size;
  }
  return total;
}

/** The attempt a process.exit call belongs to (several report generations may run in one process). */
const exitRefusal = new AsyncLocalStorage<{ exitAttempted: boolean }>();
/** How many attempts are running, and the process.exit they replaced (restored when the last one ends). */
let refusing = 0;
let realExit: typeof process.exit | undefined;

/**
 * Runs `body` with process.exit turned into a thrown SingleFileTooLarge: Allure's plugin calls
 * process.exit(1) when the single-file report overflows, which would end the whole run without a word.
 * Tells whether an exit was attempted. Attempts may overlap (two generations in one process): each learns
 * only of its own exit call, and process.exit is put back when the last one ends — restoring it per attempt
 * would leave the replacement in place for good, and a process that can no longer exit.
 */
export async function refusingProcessExit(body: () => Promise<void>): Promise<{ exitAttempted: boolean }> {
  const attempt = { exitAttempted: false };
  if (refusing++ === 0) {
    const exit = process.exit;
    realExit = exit;
    process.exit = ((code?: number) => {
      const current = exitRefusal.getStore();
      // An exit outside every attempt is a real one.
      if (!current) return exit(code);
      current.exitAttempted = true;
      throw new SingleFileTooLarge();
    }) as typeof process.exit;
  }
  try {
    await exitRefusal.run(attempt, body);
  } catch (error) {
    if (!(error instanceof SingleFileTooLarge)) throw error;
  } finally {
    if (--refusing === 0 && realExit) {
      process.exit = realExit;
      realExit = undefined;
    }
  }
  return attempt;
}

/**
 * Allure 3.18 evaluates quality gates with Iterator.prototype.toArray (an ES2025 iterator helper) that
 * Node 20 lacks: Node 20 is out of support (README), but a run there must not end in a TypeError at the gate.
 * Defined only where missing, with the standard behaviour.
 */
function ensureIteratorToArray(): void {
  const iteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as object;
  if ('toArray' in iteratorPrototype) return;
  Object.defineProperty(iteratorPrototype, 'toArray', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function toArray(this: Iterable<unknown>) {
      return Array.from(this);
    },
  });
}

/**
 * Generates the Allure 3 report from allure-results with allurerc.mjs, the way `allure generate` does,
 * and also evaluates the configured quality gate (which `allure generate` leaves to `allure run`), so
 * that the report shows the gate and the caller's exit code can follow it. Reads the history before
 * and appends this run to it after.
 *
 * The report is one self-contained HTML file (output/index.html) that opens from disk, offline; for
 * results too large for one file it is a folder instead, and the outcome says why. Either way the
 * analytics Allure builds in are removed, and a report that would still contact another host is deleted
 * and the generation fails (ReportCallsOut).
 */
export async function generateAllureReport(options: AllureReportOptions): Promise<AllureReportOutcome> {
  ensureIteratorToArray();
  const limit = options.singleFileLimitBytes ?? SINGLE_FILE_LIMIT_BYTES;
  const resultsBytes = folderBytes(options.resultsDir);
  let layout: ReportLayout = resultsBytes <= limit ? 'single-file' : 'folder';
  let folderReason =
    layout === 'folder'
      ? `the results (${Math.round(resultsBytes / 1024 / 1024)} MB) exceed the single-file limit of ${Math.round(limit / 1024 / 1024)} MB`
      : undefined;
  if (options.selection) noteSelectionInEnvironment(options.resultsDir, options.selection);
  // Allure reads and appends to a private copy of the history; this run's line then goes to the shared
  // file under its lock (allure-history.ts), so that generations at the same time lose no line.
  const history = privateHistoryCopy(options.historyPath);
  let outcome: Awaited<ReturnType<typeof generate>>;
  let historyUpdate: HistoryUpdate;
  try {
    const withCopy = { ...options, historyPath: history.file };
    outcome = await generate(withCopy, layout, true);
    if (outcome.exitAttempted) {
      // Allure gave up on the single file; the history already has this run.
      layout = 'folder';
      folderReason = 'Allure could not build a single file this large';
      outcome = await generate(withCopy, layout, false);
    }
    historyUpdate = await history.commit({ limit: await historyLimit(options), ...options.history });
  } finally {
    history.dispose();
  }
  try {
    makeReportOffline(options.output);
  } catch (error) {
    // Never leave behind a report that calls out: it would be opened, or sent, as it is.
    fs.rmSync(options.output, { recursive: true, force: true });
    throw error;
  }
  return {
    qualityGate: outcome.qualityGate,
    gatePassed: outcome.gatePassed,
    layout,
    folderReason,
    ...(historyUpdate.note ? { historyNote: historyUpdate.note } : {}),
  };
}

/** How many runs the history keeps (allurerc.mjs's historyLimit). */
async function historyLimit(options: AllureReportOptions): Promise<number | undefined> {
  const raw = await readRawConfig(projectRoot, options.configFile ?? 'allurerc.mjs');
  return typeof raw.historyLimit === 'number' ? raw.historyLimit : undefined;
}

/**
 * The report's Environment lists what allure-playwright wrote in environment.properties (Allure's input
 * format); a selection adds its line there, beside the target and the profile.
 */
function noteSelectionInEnvironment(resultsDir: string, selection: string): void {
  const file = path.join(resultsDir, 'environment.properties');
  if (!fs.existsSync(file)) return;
  const value = selection.replace(/\\/g, '\\\\').replace(/[\r\n]+/g, ' ');
  fs.appendFileSync(file, `\nrun\\ scope=${value}\n`);
}

async function generate(
  options: AllureReportOptions,
  layout: ReportLayout,
  appendHistory: boolean,
): Promise<{ qualityGate: QualityGateResult[]; gatePassed: boolean; exitAttempted: boolean }> {
  // The report is generated output: files of an earlier report must not linger in it.
  fs.rmSync(options.output, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(options.historyPath), { recursive: true });

  const raw = await readRawConfig(projectRoot, options.configFile ?? 'allurerc.mjs');
  const awesome = raw.plugins?.awesome;
  const titled = (name: unknown) =>
    typeof name === 'string' && options.selection ? `${name} — selection, not a full run` : name;
  const config = await resolveConfig(
    {
      ...raw,
      ...(options.selection ? { name: titled(raw.name) as string } : {}),
      variables: {
        ...raw.variables,
        ...(options.selection ? { run: options.selection } : {}),
        ...(options.relaxed
          ? { 'OICP rules relaxed by the profile': `${options.relaxed} — not plainly conformant` }
          : {}),
      },
      appendHistory,
      plugins: {
        ...raw.plugins,
        ...(awesome
          ? {
              awesome: {
                ...awesome,
                options: {
                  ...awesome.options,
                  singleFile: layout === 'single-file',
                  ...(awesome.options?.reportName ? { reportName: titled(awesome.options.reportName) } : {}),
                },
              },
            }
          : {}),
      },
    },
    { output: options.output, historyPath: options.historyPath },
  );
  const report = new AllureReport(config);
  await report.start();
  await report.readDirectory(options.resultsDir);

  let qualityGate: QualityGateResult[] = [];
  if (report.hasQualityGate) {
    const testResults = await report.store.allTestResults({ includeRetries: false });
    const failed = testResults.filter((tr) => tr.status === 'failed' || tr.status === 'broken').length;
    // Allure words its messages for a terminal (bold) and in its own terms; the report and the console say
    // what each rule counts, in plain text.
    qualityGate = (await report.validate({ trs: testResults })).results.map((result) => ({
      ...result,
      message: gateRuleInWords(result, { failed }),
    }));
    report.realtimeDispatcher.sendQualityGateResults(qualityGate);
  }
  const gatePassed = qualityGate.every((result) => result.success);
  report.realtimeDispatcher.sendGlobalExitCode({
    original: options.testExitCode,
    actual: options.testExitCode !== 0 || !gatePassed ? 1 : 0,
  });
  const { exitAttempted } = await refusingProcessExit(() => report.done());
  return {
    qualityGate,
    gatePassed,
    exitAttempted: exitAttempted || !fs.existsSync(path.join(options.output, 'index.html')),
  };
}
