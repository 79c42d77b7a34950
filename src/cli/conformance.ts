import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { checkEarlierRunSettings } from '../config/earlier-runs.ts';
import {
  checkEmbeddedMockPortFree,
  checkMockCommandPortFree,
  chooseEmbeddedMockPort,
} from '../config/embedded-mock.ts';
import { applySettingsFile } from '../config/settings-file.ts';
import { writeCoverage } from '../coverage/write.ts';
import { compareWithEarlierRun } from '../drift/run-comparison.ts';
import { InputError } from '../input/errors.ts';
import { projectRoot } from '../paths.ts';
import { keepingRunReporter } from '../playwright/run-reporter.ts';
import { readRunRecord } from '../record/run-record.ts';
import { runScope, selectionWords } from '../record/run-scope.ts';
import { generateAllureReport, type QualityGateResult, type ReportLayout } from '../report/allure-report.ts';
import { keepAllureResultsOf } from '../report/interrupted-results.ts';
import { conformanceExitCode, formatQualityGate } from '../report/quality-gate.ts';
import { judgeRun } from '../report/run-checks.ts';
import { consoleWidth, formatRunSummary, relaxedInWords, runSummary } from '../report/summary.ts';
import {
  checkReportsFolder,
  playwrightReports,
  prepareReportsFolder,
  ReportsFolderRefused,
  recordRunOutputs,
  removeEmptyFolders,
  reportPaths,
} from '../reports-folder/paths.ts';
import { acquireReportsLock, ReportsFolderBusy } from '../reports-folder/reports-lock.ts';
import { describeStop, FailFast } from '../run/fail-fast.ts';
import { INTERRUPTED_EXIT_CODE, interruptionSummary, isInterruptSignal } from '../run/interruption.ts';
import {
  localTargetPort,
  MockStartError,
  MockStartInterrupted,
  mockLaunch,
  type RunningMockProcess,
  startMockProcess,
} from '../run/mock-process.ts';
import { PLAYWRIGHT_GRACE_MS, runPlaywright, watchSignals } from '../run/playwright-process.ts';
import { checkSelection } from '../run/selection.ts';
import { loadSuite } from '../run/suite.ts';
import { schemaRegistry } from '../schemas/registry.ts';
import { conformanceUsage, wantsHelp } from './usage.ts';

/**
 * `npm run conformance [-- <playwright test options>]`: takes the reports folder, checks the configuration,
 * runs the scenarios, generates the Allure report (categories, history, quality gate), prints a summary.
 * Exit code 0 only if every scenario passed and the quality gate held; 1 otherwise; 2 when the
 * configuration is wrong, or the reports folder is in use by another run or one a run must not use (and
 * then nothing was sent); 130 or 143 when SIGINT or SIGTERM interrupted the run (its reports then hold the
 * scenarios that ran).
 */
// --help / -h: the suite's own usage, before anything is read, started or written.
if (wantsHelp(process.argv.slice(2))) {
  process.stdout.write(conformanceUsage());
  process.exit(0);
}
const require = createRequire(import.meta.url);
/** The profile's settings file (data/environments/<profile>.env) first: it may even move the reports. */
const settings = settingsOrExit();
const reports = reportPaths();

function settingsOrExit(): ReturnType<typeof applySettingsFile> {
  try {
    return applySettingsFile();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    console.error(`Configuration error: ${error.message}`);
    process.exit(2);
  }
}
/** This run's id: the run record carries it, so that the summary never reads another run's. */
const runId = randomUUID();

function preflight(): boolean {
  try {
    if (settings)
      console.log(
        `Settings: ${settings.file} (${settings.applied.length} value(s) not already set in the environment)`,
      );
    // Unless OICP_MOCK_PORT names one, the embedded mock takes a free port (the run's child processes
    // inherit it); a port the user named must be free.
    const mockPort = process.env.OICP_BASE_URL?.trim() ? undefined : chooseEmbeddedMockPort();
    // Loaded here to stop on a configuration error before anything starts; the header (how many
    // scenarios will run, after --grep and --shard) is printed by the run's reporter.
    // The earlier runs a comparison or a replay names, first: the replay decides the target.
    checkEarlierRunSettings(reports, schemaRegistry());
    const { profile, scenarios } = loadSuite();
    // A --grep that leaves nothing says what it searched and what is close, instead of "No tests found".
    for (const note of checkSelection(scenarios, process.argv.slice(2))) console.log(note);
    if (profile.startEmbeddedMock && mockPort?.explicit) checkEmbeddedMockPortFree(mockPort.port);
    // OICP_MOCK_COMMAND's mock is to listen on a local target's port: held already (a left-over of an
    // interrupted run), the run would judge whatever holds it.
    const local = profile.mockCommand ? localTargetPort(profile.baseUrl) : undefined;
    if (local) checkMockCommandPortFree(local);
    return true;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const nothingSent = /nothing was sent/i.test(error.message) ? '' : '\nNothing was sent.';
    console.error(`Configuration error: ${error.message}${nothingSent}`);
    return false;
  }
}

/**
 * Playwright's environment: this run's id (without it, playwright.config.ts refuses to run), and no worker
 * index a parent Playwright (the suite's own tests) left behind — the configuration would take its main
 * process for a worker.
 */
function playwrightEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OICP_RUN_ID: runId };
  delete env.TEST_WORKER_INDEX;
  delete env.TEST_PARALLEL_INDEX;
  return env;
}

/**
 * Starts the run's mock (mock-process.ts), unless Playwright only lists the scenarios. Undefined when there
 * is none to start; a MockStartError is a configuration error.
 */
async function startMock(interrupted: Promise<unknown>): Promise<RunningMockProcess | undefined> {
  const launch = mockLaunch(loadSuite().profile);
  if (!launch || process.argv.slice(2).includes('--list')) return undefined;
  return startMockProcess(launch, { interrupted });
}

function reportLines(layout: ReportLayout | undefined, folderReason: string | undefined): string[] {
  const index = path.join(reports.allureReport, 'index.html');
  const open =
    reports.allureReport === reportPaths({}).allureReport
      ? 'npm run report'
      : `npx allure open ${reports.allureReport}`;
  const allure =
    layout === 'single-file'
      ? [`  Allure      ${index}  (one file: opens from disk; send it as evidence)`]
      : layout === 'folder'
        ? [
            `  Allure      ${reports.allureReport}/  (a folder, ${folderReason}: open it with ${open}; see docs/reports.md "Very large runs")`,
          ]
        : ['  Allure      not generated'];
  return [
    '',
    'Reports:',
    ...allure,
    `  JUnit       ${reports.junit}`,
    ...(playwrightReports().has('html') ? [`  Playwright  ${path.join(reports.html, 'index.html')}`] : []),
    ...(playwrightReports().has('json') ? [`  JSON        ${reports.json}`] : []),
    `  History     ${reports.allureHistory}`,
    ...(fs.existsSync(reports.exchangeLog) ? [`  Exchanges   ${reports.exchangeLog}`] : []),
    ...(fs.existsSync(reports.calibrationMarkdown)
      ? [`  Calibration ${reports.calibrationMarkdown}${calibrationNote()}`]
      : []),
  ];
}

/** How many expectations calibration.md proposes to calibrate, read from its twin. */
function calibrationNote(): string {
  try {
    const { entries } = JSON.parse(fs.readFileSync(reports.calibrationJson, 'utf8')) as {
      entries: unknown[];
    };
    return entries.length > 0
      ? `  (${entries.length} expectation(s) not confirmed: overrides for the profile)`
      : '';
  } catch {
    return '';
  }
}

async function main(): Promise<number> {
  // The reports folder first: one a run must not use (the root, the home folder, a folder of other files)
  // stops the run before anything is locked, removed or sent — a configuration error included.
  let lock: ReturnType<typeof acquireReportsLock>;
  let prepared = false;
  try {
    checkReportsFolder(reports);
    lock = acquireReportsLock(reports.root);
  } catch (error) {
    if (error instanceof ReportsFolderRefused) {
      console.error(`${error.message}\nNothing was removed and nothing was sent.`);
      return 2;
    }
    if (!(error instanceof ReportsFolderBusy)) throw error;
    console.error(`${error.message}\nNothing was sent.`);
    return 2;
  }
  process.on('exit', () => {
    // The record of what this run wrote, for the next run to remove: only in a folder this run prepared.
    try {
      if (prepared) recordRunOutputs(reports);
    } finally {
      lock.release();
    }
  });
  if (lock.note) console.log(lock.note);

  // What the earlier run recorded writing here could be mistaken for this run's: gone before anything else
  // happens, also when this run stops on a configuration error. Nothing else: the history and any other file
  // stay.
  try {
    prepareReportsFolder(reports);
    prepared = true;
  } catch (error) {
    if (!(error instanceof ReportsFolderRefused)) throw error;
    console.error(`${error.message}\nNothing was removed and nothing was sent.`);
    return 2;
  }
  if (!preflight()) {
    console.error(`No report was written; ${reports.root} holds no results of an earlier run.`);
    return 2;
  }

  // From here on a SIGINT or SIGTERM ends the run cleanly: forwarded to Playwright once, the mock stopped,
  // the reports of what ran written, the exit code 130 or 143.
  const signals = watchSignals();
  signals.onFirst((signal) =>
    console.error(
      `\n${signal}: ending the run (Playwright gets at most ${PLAYWRIGHT_GRACE_MS / 1000} s); the scenarios that ran are reported.`,
    ),
  );
  let mock: RunningMockProcess | undefined;
  try {
    mock = await startMock(new Promise((resolve) => signals.onFirst(resolve)));
  } catch (error) {
    if (error instanceof MockStartInterrupted && signals.signal) {
      console.error(`\n${interruptionSummary(signals.signal, undefined)}.`);
      return INTERRUPTED_EXIT_CODE[signals.signal];
    }
    if (!(error instanceof MockStartError)) throw error;
    console.error(`Configuration error: ${error.message}\nNothing was sent.`);
    return 2;
  }
  const playwrightCli = require.resolve('@playwright/test/cli');
  const started = Date.now();
  const playwright = await runPlaywright(
    playwrightCli,
    [
      'test',
      '--config',
      path.join(projectRoot, 'playwright.config.ts'),
      ...keepingRunReporter(process.argv.slice(2)),
    ],
    { cwd: projectRoot, env: playwrightEnv(), signals },
  ).finally(() => mock?.stop());
  const testExitCode = playwright.exitCode;
  removeEmptyFolders(reports.testOutput);
  const record = readRunRecord(reports.root, runId);
  // Interrupted: by the signal this process received, or by one Playwright received itself.
  const interruptedBy =
    signals.signal ?? (isInterruptSignal(record?.interruptedBy) ? record.interruptedBy : undefined);
  // The report of an interrupted run holds the scenarios that ran, not those it stopped or never started.
  if (interruptedBy && record)
    keepAllureResultsOf(reports.allureResults, new Set(record.scenarios.map((s) => s.id)));
  const width = consoleWidth();
  // What only the whole run can see (unique SessionIDs …): judged before the report, which shows it.
  const runChecks = judgeRun(reports, record, loadSuite().profile.name, started);

  // Coverage of the run, computed before the report so that the table is attached to it.
  let coverageSummary: string | undefined;
  if (record) {
    try {
      coverageSummary = writeCoverage(loadSuite(), reports, record, { width }).summary;
    } catch (error) {
      console.error(
        `The coverage table could not be written: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  // A selection says so in the report's title and environment, in the gate and in the console's last line.
  const selection = interruptedBy
    ? interruptionSummary(interruptedBy, record, playwright)
    : record
      ? selectionWords(runScope(record))
      : undefined;
  // Rules a profile setting relaxed: the gate and the report name them, a run using them is no plain pass.
  const summary = record ? runSummary(record) : undefined;
  const relaxed = summary ? relaxedInWords(summary.relaxed) : undefined;

  // OICP_COMPARE_WITH: the drift from an earlier run, before the report, which carries the table.
  const driftLines = compareWithEarlierRun(reports, process.env, width);

  let reportGenerated: boolean | 'not-needed' = 'not-needed';
  let gate: QualityGateResult[] = [];
  let gatePassed = true;
  let layout: ReportLayout | undefined;
  let folderReason: string | undefined;
  let historyNote: string | undefined;
  if (fs.existsSync(reports.allureResults)) {
    try {
      ({
        qualityGate: gate,
        gatePassed,
        layout,
        folderReason,
        historyNote,
      } = await generateAllureReport({
        resultsDir: reports.allureResults,
        output: reports.allureReport,
        historyPath: reports.allureHistory,
        testExitCode,
        ...(selection ? { selection } : {}),
        ...(relaxed ? { relaxed } : {}),
      }));
      reportGenerated = true;
      if (historyNote) console.error(historyNote);
    } catch (error) {
      console.error(
        `The Allure report could not be generated: ${error instanceof Error ? error.message : String(error)}`,
      );
      reportGenerated = false;
    }
  }

  if (summary) console.log(`\n${formatRunSummary(summary, { width })}`);
  else if (interruptedBy)
    console.log(`\nNo results of this run: ${interruptionSummary(interruptedBy, record, playwright)}.`);
  else console.log('\nNo results of this run: Playwright stopped before recording any (see above).');
  // A dead target stopped the run: said once, here, instead of once per scenario.
  const stop = FailFast.stopOf(reports.runState);
  if (stop) console.log(`\n✘ ${describeStop(stop)}\n  The remaining scenarios were not run.`);
  if (coverageSummary) console.log(coverageSummary);
  if (driftLines.length > 0) console.log(driftLines.join('\n'));
  console.log(runChecks.text);
  if (reportGenerated === true)
    console.log(
      formatQualityGate(gate, { selection: selection !== undefined, ...(relaxed ? { relaxed } : {}) }),
    );
  console.log(reportLines(layout, folderReason).join('\n'));
  // Last, where a glance at the end of a log lands: a selection is not a certification run.
  if (selection) console.log(`\n${selection}`);
  // A signal while the reports were written ends the run with its exit code too.
  const signal = interruptedBy ?? signals.signal;
  if (signal) return INTERRUPTED_EXIT_CODE[signal];
  const exitCode = conformanceExitCode({ testExitCode, reportGenerated, gatePassed });
  return stop || (exitCode === 0 && !runChecks.passed) ? 1 : exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
