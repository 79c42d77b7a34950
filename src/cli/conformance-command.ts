import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { type Calibration, calibrate, writeCalibration } from '../calibration/calibrate.ts';
import { checkEarlierRunSettings } from '../config/earlier-runs.ts';
import {
  checkEmbeddedMockPortFree,
  checkMockCommandPortFree,
  chooseEmbeddedMockPort,
} from '../config/embedded-mock.ts';
import { applySettingsFile } from '../config/settings-file.ts';
import { writeCoverage } from '../coverage/write.ts';
import { compareWithEarlierRun } from '../drift/run-comparison.ts';
import { readRunExchanges } from '../exchange/log-file.ts';
import { InputError } from '../input/errors.ts';
import { projectRoot } from '../paths.ts';
import { keepingRunReporter } from '../playwright/run-reporter.ts';
import { type RunRecord, readRunRecord } from '../record/run-record.ts';
import { runScope, selectionWords } from '../record/run-scope.ts';
import type { QualityGateResult, ReportLayout } from '../report/allure-report.ts';
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
  AWAIT_MOCK_VARIABLE,
  localTargetPort,
  type MockLaunch,
  MockStartError,
  MockStartInterrupted,
  mockLaunch,
  type RunningMockProcess,
  startMockProcess,
} from '../run/mock-process.ts';
import {
  PLAYWRIGHT_GRACE_MS,
  type PlaywrightOutcome,
  runPlaywright,
  type SignalWatch,
  watchSignals,
} from '../run/playwright-process.ts';
import { checkSelection } from '../run/selection.ts';
import { type LoadedSuite, loadSuiteFresh } from '../run/suite.ts';
import { schemaRegistry } from '../schemas/registry.ts';
import { conformanceUsage, wantsHelp } from './usage.ts';

type Env = Record<string, string | undefined>;

/**
 * Where the command's lines go: the console, or a test's buffer. Each call is one line or more. With the
 * console, Playwright and the mock write to the terminal themselves; any other output also gets their lines.
 */
export interface CommandOutput {
  log(text: string): void;
  error(text: string): void;
}

/** What one invocation knows before anything is sent; passed down instead of read from globals. */
interface Invocation {
  argv: readonly string[];
  /** The caller's environment with the settings file applied (and the embedded mock's port, once chosen). */
  env: Env;
  output: CommandOutput;
  /** The settings file applied to `env`, if any. */
  settings: ReturnType<typeof applySettingsFile>;
  reports: ReturnType<typeof reportPaths>;
  /** This run's id: the run record carries it, so that the summary never reads another run's. */
  runId: string;
}

const require = createRequire(import.meta.url);

/**
 * `npm run conformance [-- <playwright test options>]`: takes the reports folder, checks the configuration,
 * runs the scenarios, generates the Allure report (categories, history, quality gate), prints a summary.
 * Returns the exit code: 0 only if every scenario passed and the quality gate held; 1 otherwise; 2 when the
 * configuration is wrong, or the reports folder is in use by another run or one a run must not use (and
 * then nothing was sent); 130 or 143 when SIGINT or SIGTERM interrupted the run (its reports then hold the
 * scenarios that ran). `env` is not changed: the settings file is applied to a copy, which the run's child
 * processes (the mock, Playwright) get. Nothing happens when this module is loaded.
 */
export async function conformance(
  argv: readonly string[],
  env: Env,
  output: CommandOutput = console,
): Promise<number> {
  // --help / -h: the suite's own usage, before anything is read, started or written.
  if (wantsHelp(argv)) {
    output.log(conformanceUsage().replace(/\n$/, ''));
    return 0;
  }
  const runEnv: Env = { ...env };
  // The profile's settings file (data/environments/<profile>.env) first: it may even move the reports.
  let settings: ReturnType<typeof applySettingsFile>;
  try {
    settings = applySettingsFile(runEnv);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    output.error(`Configuration error: ${error.message}`);
    return 2;
  }
  const invocation: Invocation = {
    argv,
    settings,
    env: runEnv,
    output,
    reports: reportPaths(runEnv),
    runId: randomUUID(),
  };
  return inReportsFolder(invocation, () => checkedRun(invocation));
}

/**
 * Takes the reports folder (refused when it is not the suite's, busy when another run holds it), clears
 * what the earlier run wrote there, runs `work`, then records what this run wrote and releases the lock.
 */
async function inReportsFolder(invocation: Invocation, work: () => Promise<number>): Promise<number> {
  const { reports, output } = invocation;
  // The reports folder first: one a run must not use (the root, the home folder, a folder of other files)
  // stops the run before anything is locked, removed or sent — a configuration error included.
  // The home folder of the environment the command was given (os.homedir() reads this process's).
  const folder = { home: invocation.env.HOME?.trim() || os.homedir() };
  let lock: ReturnType<typeof acquireReportsLock>;
  try {
    checkReportsFolder(reports, folder);
    lock = acquireReportsLock(reports.root);
  } catch (error) {
    if (error instanceof ReportsFolderRefused) {
      output.error(`${error.message}\nNothing was removed and nothing was sent.`);
      return 2;
    }
    if (!(error instanceof ReportsFolderBusy)) throw error;
    output.error(`${error.message}\nNothing was sent.`);
    return 2;
  }
  let prepared = false;
  try {
    if (lock.note) output.log(lock.note);
    // What the earlier run recorded writing here could be mistaken for this run's: gone before anything
    // else happens, also when this run stops on a configuration error. Nothing else: the history and any
    // other file stay.
    try {
      prepareReportsFolder(reports, folder);
      prepared = true;
    } catch (error) {
      if (!(error instanceof ReportsFolderRefused)) throw error;
      output.error(`${error.message}\nNothing was removed and nothing was sent.`);
      return 2;
    }
    return await work();
  } finally {
    // The record of what this run wrote, for the next run to remove: only in a folder this run prepared.
    try {
      if (prepared) recordRunOutputs(reports);
    } finally {
      lock.release();
    }
  }
}

/** The configuration checked, then the run; a configuration error stops it with exit code 2. */
async function checkedRun(invocation: Invocation): Promise<number> {
  const suite = await preflight(invocation);
  if (!suite) {
    invocation.output.error(
      `No report was written; ${invocation.reports.root} holds no results of an earlier run.`,
    );
    return 2;
  }
  // Unless the command line's --reporter replaced Allure's (then the modules load only if results appear).
  const allure = replacesReporters(invocation.argv) ? undefined : loadAllureReporting();
  // From here on a SIGINT or SIGTERM ends the run cleanly: forwarded to Playwright once, the mock stopped,
  // the reports of what ran written, the exit code 130 or 143.
  const signals = watchSignals();
  try {
    signals.onFirst((signal) =>
      invocation.output.error(
        `\n${signal}: ending the run (Playwright gets at most ${PLAYWRIGHT_GRACE_MS / 1000} s); the scenarios that ran are reported.`,
      ),
    );
    const ran = await runScenarios(invocation, suite, signals);
    if (typeof ran === 'number') return ran;
    return await afterRun(invocation, suite, ran, signals, allure);
  } finally {
    signals.dispose();
  }
}

type AllureReporting = typeof import('../report/allure-report.ts');

/**
 * The Allure report's modules (Allure 3's core is most of what this command loads), loaded while the mock
 * and Playwright start instead of before the configuration is checked: neither a configuration error nor
 * the first request waits for them. A failure to load them is said when the report is due.
 */
function loadAllureReporting(): Promise<AllureReporting> {
  const loading = import('../report/allure-report.ts');
  loading.catch(() => {});
  return loading;
}

/** Playwright's --reporter replaces the configured reporters, Allure's among them. */
function replacesReporters(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === '--reporter' || arg.startsWith('--reporter='));
}

/**
 * Everything a run needs, loaded and checked before anything starts: the earlier runs a comparison or a
 * replay names, the profile and every scenario, the selection, the ports. Undefined (after saying why) on a
 * configuration error.
 */
async function preflight(invocation: Invocation): Promise<LoadedSuite | undefined> {
  const { env, output, settings } = invocation;
  try {
    if (settings)
      output.log(
        `Settings: ${settings.file} (${settings.applied.length} value(s) not already set in the environment)`,
      );
    // Unless OICP_MOCK_PORT names one, the embedded mock takes a free port (the run's child processes
    // inherit it); a port the user named must be free.
    const mockPort = env.OICP_BASE_URL?.trim() ? undefined : await chooseEmbeddedMockPort(env);
    // The earlier runs a comparison or a replay names, first: the replay decides the target.
    checkEarlierRunSettings(invocation.reports, schemaRegistry(), env);
    // Loaded here to stop on a configuration error before anything starts; the header (how many
    // scenarios will run, after --grep and --shard) is printed by the run's reporter.
    const suite = loadSuiteFresh(env);
    // A --grep that leaves nothing says what it searched and what is close, instead of "No tests found".
    for (const note of checkSelection(suite.scenarios, invocation.argv)) output.log(note);
    if (suite.profile.startEmbeddedMock && mockPort?.explicit) await checkEmbeddedMockPortFree(mockPort.port);
    // OICP_MOCK_COMMAND's mock is to listen on a local target's port: held already (a left-over of an
    // interrupted run), the run would judge whatever holds it.
    const local = suite.profile.mockCommand ? localTargetPort(suite.profile.baseUrl) : undefined;
    if (local) await checkMockCommandPortFree(local);
    return suite;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const nothingSent = /nothing was sent/i.test(error.message) ? '' : '\nNothing was sent.';
    output.error(`Configuration error: ${error.message}${nothingSent}`);
    return undefined;
  }
}

/**
 * Playwright's environment: this run's id (without it, playwright.config.ts refuses to run), no worker index
 * a parent Playwright (the suite's own tests) left behind — the configuration would take its main process for
 * a worker — and no mock to wait for but the one this run names.
 */
function playwrightEnv(invocation: Invocation): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...invocation.env, OICP_RUN_ID: invocation.runId };
  delete env.TEST_WORKER_INDEX;
  delete env.TEST_PARALLEL_INDEX;
  delete env[AWAIT_MOCK_VARIABLE];
  return env;
}

interface ScenariosRan {
  playwright: PlaywrightOutcome;
  /** When Playwright was started (ms since the epoch): the run-level result's start. */
  started: number;
}

/**
 * Starts the run's mock (unless Playwright only lists the scenarios), runs Playwright, stops the mock.
 * The embedded mock comes up while Playwright starts (its global setup waits for the mock before any
 * scenario is loaded); another team's mock (OICP_MOCK_COMMAND), which may take up to a minute, is waited for
 * first, outside Playwright's time limits. An exit code when the run ended before a scenario ran: a mock that
 * could not start (a configuration error), or a signal while it started.
 */
async function runScenarios(
  invocation: Invocation,
  suite: LoadedSuite,
  signals: SignalWatch,
): Promise<ScenariosRan | number> {
  const { argv, output } = invocation;
  const launch = argv.includes('--list') ? undefined : mockLaunch(suite.profile, invocation.env);
  const mockStarting = launch
    ? startMockProcess(launch, {
        interrupted: new Promise((resolve) => signals.onFirst(resolve)),
        env: invocation.env,
        log: (line) => output.error(line),
      })
    : undefined;
  mockStarting?.catch(() => {});
  const startPlaywright = (options: { awaitMock?: MockLaunch['ready']; mockReady?: Promise<unknown> }) =>
    runPlaywright(
      require.resolve('@playwright/test/cli'),
      ['test', '--config', path.join(projectRoot, 'playwright.config.ts'), ...keepingRunReporter(argv)],
      {
        cwd: projectRoot,
        env: {
          ...playwrightEnv(invocation),
          ...(options.awaitMock ? { [AWAIT_MOCK_VARIABLE]: JSON.stringify(options.awaitMock) } : {}),
        },
        signals,
        ...(options.mockReady ? { ready: options.mockReady } : {}),
        // The console: Playwright writes to the terminal itself. Any other output (a test's) gets its lines.
        ...(output === console ? {} : { output }),
      },
    );
  let mock: RunningMockProcess | undefined;
  let started = Date.now();
  let playwrightRun: Promise<PlaywrightOutcome> | undefined;
  try {
    if (launch?.embedded)
      playwrightRun = startPlaywright({ awaitMock: launch.ready, mockReady: mockStarting });
    mock = await mockStarting;
  } catch (error) {
    // A Playwright started beside the mock is still waiting for it: stopped, nothing ran.
    await playwrightRun;
    if (error instanceof MockStartInterrupted && signals.signal) {
      output.error(`\n${interruptionSummary(signals.signal, undefined)}.`);
      return INTERRUPTED_EXIT_CODE[signals.signal];
    }
    if (!(error instanceof MockStartError)) throw error;
    output.error(`Configuration error: ${error.message}\nNothing was sent.`);
    return 2;
  }
  if (!playwrightRun) {
    started = Date.now();
    playwrightRun = startPlaywright({});
  }
  const playwright = await playwrightRun.finally(() => mock?.stop());
  return { playwright, started };
}

/**
 * After Playwright: the run-level checks, coverage, drift, the Allure report with its gate, the console
 * summary; returns the exit code.
 */
async function afterRun(
  invocation: Invocation,
  suite: LoadedSuite,
  { playwright, started }: ScenariosRan,
  signals: SignalWatch,
  allure: Promise<AllureReporting> | undefined,
): Promise<number> {
  const { reports, output, env } = invocation;
  removeEmptyFolders(reports.testOutput);
  const record = readRunRecord(reports.root, invocation.runId);
  // Interrupted: by the signal this process received, or by one Playwright received itself.
  const interruptedBy =
    signals.signal ?? (isInterruptSignal(record?.interruptedBy) ? record.interruptedBy : undefined);
  // The report of an interrupted run holds the scenarios that ran, not those it stopped or never started.
  if (interruptedBy && record)
    keepAllureResultsOf(reports.allureResults, new Set(record.scenarios.map((s) => s.id)));
  // The expectations this target did not confirm, and the profile overrides that would calibrate them.
  const calibration = record ? calibrateRun(invocation, suite, record) : undefined;
  const width = consoleWidth();
  // What only the whole run can see (unique SessionIDs …): judged before the report, which shows it.
  const runChecks = judgeRun(reports, record, suite.profile.name, started);

  // Coverage of the run, computed before the report so that the table is attached to it.
  let coverageSummary: string | undefined;
  if (record) {
    try {
      coverageSummary = writeCoverage(suite, reports, record, { env, width }).summary;
    } catch (error) {
      output.error(
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
  const driftLines = compareWithEarlierRun(reports, env, width);

  const report = await allureReport(invocation, allure, playwright.exitCode, selection, relaxed);

  if (summary) output.log(`\n${formatRunSummary(summary, { width })}`);
  else if (interruptedBy)
    output.log(`\nNo results of this run: ${interruptionSummary(interruptedBy, record, playwright)}.`);
  else output.log('\nNo results of this run: Playwright stopped before recording any (see above).');
  // A dead target stopped the run: said once, here, instead of once per scenario.
  const stop = FailFast.stopOf(reports.runState);
  if (stop) output.log(`\n✘ ${describeStop(stop)}\n  The remaining scenarios were not run.`);
  if (coverageSummary) output.log(coverageSummary);
  if (driftLines.length > 0) output.log(driftLines.join('\n'));
  output.log(runChecks.text);
  if (report.generated === true)
    output.log(
      formatQualityGate(report.gate, {
        selection: selection !== undefined,
        ...(relaxed ? { relaxed } : {}),
      }),
    );
  output.log(reportLines(invocation, report, calibration).join('\n'));
  // Last, where a glance at the end of a log lands: a selection is not a certification run.
  if (selection) output.log(`\n${selection}`);
  // A signal while the reports were written ends the run with its exit code too.
  const signal = interruptedBy ?? signals.signal;
  if (signal) return INTERRUPTED_EXIT_CODE[signal];
  const exitCode = conformanceExitCode({
    testExitCode: playwright.exitCode,
    reportGenerated: report.generated,
    gatePassed: report.gatePassed,
  });
  return stop || (exitCode === 0 && !runChecks.passed) ? 1 : exitCode;
}

interface AllureOutcome {
  /** 'not-needed' when the run left no Allure results (a --reporter of the command line replaced it). */
  generated: boolean | 'not-needed';
  gate: QualityGateResult[];
  gatePassed: boolean;
  layout?: ReportLayout;
  folderReason?: string;
}

/** The Allure report of the run's results, with its quality gate; a failure to generate it is said, not thrown. */
async function allureReport(
  invocation: Invocation,
  allure: Promise<AllureReporting> | undefined,
  testExitCode: number,
  selection: string | undefined,
  relaxed: string | undefined,
): Promise<AllureOutcome> {
  const { reports, output } = invocation;
  if (!fs.existsSync(reports.allureResults)) return { generated: 'not-needed', gate: [], gatePassed: true };
  try {
    const { generateAllureReport } = await (allure ?? loadAllureReporting());
    const generated = await generateAllureReport({
      resultsDir: reports.allureResults,
      output: reports.allureReport,
      historyPath: reports.allureHistory,
      testExitCode,
      ...(selection ? { selection } : {}),
      ...(relaxed ? { relaxed } : {}),
    });
    if (generated.historyNote) output.error(generated.historyNote);
    return {
      generated: true,
      gate: generated.qualityGate,
      gatePassed: generated.gatePassed,
      ...(generated.layout ? { layout: generated.layout } : {}),
      ...(generated.folderReason ? { folderReason: generated.folderReason } : {}),
    };
  } catch (error) {
    output.error(
      `The Allure report could not be generated: ${error instanceof Error ? error.message : String(error)}`,
    );
    return { generated: false, gate: [], gatePassed: true };
  }
}

function reportLines(
  invocation: Invocation,
  { layout, folderReason }: AllureOutcome,
  calibration: Calibration | undefined,
): string[] {
  const { reports, env } = invocation;
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
  const playwrightOutputs = playwrightReports(env);
  return [
    '',
    'Reports:',
    ...allure,
    `  JUnit       ${reports.junit}`,
    ...(playwrightOutputs.has('html') ? [`  Playwright  ${path.join(reports.html, 'index.html')}`] : []),
    ...(playwrightOutputs.has('json') ? [`  JSON        ${reports.json}`] : []),
    `  History     ${reports.allureHistory}`,
    ...(fs.existsSync(reports.exchangeLog) ? [`  Exchanges   ${reports.exchangeLog}`] : []),
    ...(calibration ? [`  Calibration ${reports.calibrationMarkdown}${calibrationNote(calibration)}`] : []),
  ];
}

/** How many expectations calibration.md proposes to calibrate. */
function calibrationNote(calibration: Calibration): string {
  return calibration.entries.length > 0
    ? `  (${calibration.entries.length} expectation(s) not confirmed: overrides for the profile)`
    : '';
}

/**
 * The run's calibration (calibration.md and .json, attached to the Allure run when it proposes anything),
 * from the run record and the run's exchanges; undefined, after saying why, when it could not be written.
 */
function calibrateRun(
  invocation: Invocation,
  suite: LoadedSuite,
  record: RunRecord,
): Calibration | undefined {
  const { reports } = invocation;
  try {
    const calibration = calibrate({
      records: record.scenarios,
      exchanges: readRunExchanges(reports.exchangeLog),
      scenarios: suite.scenarios,
      profile: suite.profile,
      schemas: suite.schemas,
      runId: invocation.runId,
    });
    writeCalibration(reports, calibration);
    return calibration;
  } catch (error) {
    invocation.output.error(
      `The calibration could not be written: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}
