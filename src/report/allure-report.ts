import fs from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { AllureReport, readConfig } from '@allurereport/core';
import { projectRoot } from '../paths.ts';

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
}

export interface AllureReportOutcome {
  qualityGate: QualityGateResult[];
  /** The gate passed (true as well when the configuration defines no gate). */
  gatePassed: boolean;
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
 */
export async function generateAllureReport(options: AllureReportOptions): Promise<AllureReportOutcome> {
  ensureIteratorToArray();
  // The report is generated output: files of an earlier report must not linger in it.
  fs.rmSync(options.output, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(options.historyPath), { recursive: true });

  const config = await readConfig(projectRoot, options.configFile ?? 'allurerc.mjs', {
    output: options.output,
    historyPath: options.historyPath,
  });
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
  await report.done();
  return { qualityGate, gatePassed };
}
