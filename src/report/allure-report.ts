import fs from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { AllureReport, readRawConfig, resolveConfig } from '@allurereport/core';
import { projectRoot } from '../paths.ts';
import { makeReportOffline } from './offline-report.ts';

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
  /** Results larger than this are reported as a folder, not one file (default SINGLE_FILE_LIMIT_BYTES). */
  singleFileLimitBytes?: number;
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
}

/**
 * Above this much of Allure results, the report is written as a folder: a single HTML file carries every
 * result and attachment base64-encoded in one string, which Node cannot build beyond about 512 MB and a
 * browser struggles to open long before. With attachments cut to 64 KiB a scenario weighs tens of KB, so
 * this is a run of thousands of scenarios.
 */
export const SINGLE_FILE_LIMIT_BYTES = 150 * 1024 * 1024;

/** Allure's awesome plugin ends the process when the single file is too large; here it ends the attempt. */
export class SingleFileTooLarge extends Error {
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

/**
 * Runs `body` with process.exit turned into a thrown SingleFileTooLarge: Allure's plugin calls
 * process.exit(1) when the single-file report overflows, which would end the whole run without a word.
 * Tells whether an exit was attempted.
 */
export async function refusingProcessExit(body: () => Promise<void>): Promise<{ exitAttempted: boolean }> {
  const exit = process.exit;
  let exitAttempted = false;
  process.exit = ((_code?: number) => {
    exitAttempted = true;
    throw new SingleFileTooLarge();
  }) as typeof process.exit;
  try {
    await body();
  } catch (error) {
    if (!(error instanceof SingleFileTooLarge)) throw error;
  } finally {
    process.exit = exit;
  }
  return { exitAttempted };
}

/**
 * Allure 3.18 evaluates quality gates with Iterator.prototype.toArray (an ES2025 iterator helper) that
 * Node 20 lacks; the suite supports Node 20. Defined only where missing, with the standard behaviour.
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
  let outcome = await generate(options, layout, true);
  if (outcome.exitAttempted) {
    // Allure gave up on the single file; the history already has this run.
    layout = 'folder';
    folderReason = 'Allure could not build a single file this large';
    outcome = await generate(options, layout, false);
  }
  try {
    makeReportOffline(options.output);
  } catch (error) {
    // Never leave behind a report that calls out: it would be opened, or sent, as it is.
    fs.rmSync(options.output, { recursive: true, force: true });
    throw error;
  }
  return { qualityGate: outcome.qualityGate, gatePassed: outcome.gatePassed, layout, folderReason };
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
  const config = await resolveConfig(
    {
      ...raw,
      appendHistory,
      plugins: {
        ...raw.plugins,
        ...(awesome
          ? { awesome: { ...awesome, options: { ...awesome.options, singleFile: layout === 'single-file' } } }
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
    // Allure words its messages for a terminal (bold); the report and our console want plain text.
    qualityGate = (await report.validate({ trs: testResults })).results.map((result) => ({
      ...result,
      message: stripVTControlCharacters(result.message),
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
