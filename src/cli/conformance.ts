import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { checkEarlierRunSettings } from '../config/earlier-runs.ts';
import { checkEmbeddedMockPortFree, chooseEmbeddedMockPort } from '../config/embedded-mock.ts';
import { applySettingsFile } from '../config/settings-file.ts';
import { writeCoverage } from '../coverage/write.ts';
import { compareWithEarlierRun } from '../drift/run-comparison.ts';
import { InputError } from '../input/errors.ts';
import { projectRoot } from '../paths.ts';
import { generateAllureReport, type QualityGateResult, type ReportLayout } from '../report/allure-report.ts';
import { playwrightReports, removeEmptyFolders, removeRunOutputs, reportPaths } from '../report/paths.ts';
import { conformanceExitCode, formatQualityGate } from '../report/quality-gate.ts';
import { acquireReportsLock, ReportsFolderBusy } from '../report/reports-lock.ts';
import { readRunRecord } from '../report/run-record.ts';
import { keepingRunReporter } from '../report/run-reporter.ts';
import { consoleWidth, formatRunSummary, runSummary } from '../report/summary.ts';
import { describeStop, FailFast } from '../run/fail-fast.ts';
import { judgeRun } from '../run/run-checks.ts';
import { checkSelection } from '../run/selection.ts';
import { loadSuite } from '../run/suite.ts';
import { schemaRegistry } from '../schemas/registry.ts';
import { conformanceUsage, wantsHelp } from './usage.ts';

/**
 * `npm run conformance [-- <playwright test options>]`: takes the reports folder, checks the configuration,
 * runs the scenarios, generates the Allure report (categories, history, quality gate), prints a summary.
 * Exit code 0 only if every scenario passed and the quality gate held; 1 otherwise; 2 when the
 * configuration is wrong or the reports folder is in use by another run (and then nothing was sent).
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
    return true;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const nothingSent = /nothing was sent/i.test(error.message) ? '' : '\nNothing was sent.';
    console.error(`Configuration error: ${error.message}${nothingSent}`);
    return false;
  }
}

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [command, ...args], {
      cwd: projectRoot,
      stdio: 'inherit',
      env: { ...process.env, OICP_RUN_ID: runId },
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.once('SIGINT', forward);
    process.once('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
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
            `  Allure      ${reports.allureReport}/  (a folder, ${folderReason}: open it with ${open}; see README "Very large runs")`,
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
  let lock: ReturnType<typeof acquireReportsLock>;
  try {
    lock = acquireReportsLock(reports.root);
  } catch (error) {
    if (!(error instanceof ReportsFolderBusy)) throw error;
    console.error(`${error.message}\nNothing was sent.`);
    return 2;
  }
  process.on('exit', () => lock.release());

  // Whatever an earlier run left could be mistaken for this run's: gone before anything else happens,
  // also when this run stops on a configuration error. The Allure history is kept: it makes the trends.
  removeRunOutputs(reports);
  if (!preflight()) {
    console.error(`No report was written; ${reports.root} holds no results of an earlier run.`);
    return 2;
  }

  const playwrightCli = require.resolve('@playwright/test/cli');
  const started = Date.now();
  const testExitCode = await run(playwrightCli, [
    'test',
    '--config',
    path.join(projectRoot, 'playwright.config.ts'),
    ...keepingRunReporter(process.argv.slice(2)),
  ]);
  removeEmptyFolders(reports.testOutput);
  const record = readRunRecord(reports.root, runId);
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

  // OICP_COMPARE_WITH: the drift from an earlier run, before the report, which carries the table.
  const driftLines = compareWithEarlierRun(reports, process.env, width);

  let reportGenerated: boolean | 'not-needed' = 'not-needed';
  let gate: QualityGateResult[] = [];
  let gatePassed = true;
  let layout: ReportLayout | undefined;
  let folderReason: string | undefined;
  if (fs.existsSync(reports.allureResults)) {
    try {
      ({
        qualityGate: gate,
        gatePassed,
        layout,
        folderReason,
      } = await generateAllureReport({
        resultsDir: reports.allureResults,
        output: reports.allureReport,
        historyPath: reports.allureHistory,
        testExitCode,
      }));
      reportGenerated = true;
    } catch (error) {
      console.error(
        `The Allure report could not be generated: ${error instanceof Error ? error.message : String(error)}`,
      );
      reportGenerated = false;
    }
  }

  if (record) console.log(`\n${formatRunSummary(runSummary(record), { width })}`);
  else console.log('\nNo results of this run: Playwright stopped before recording any (see above).');
  // A dead target stopped the run: said once, here, instead of once per scenario.
  const stop = FailFast.stopOf(reports.runState);
  if (stop) console.log(`\n✘ ${describeStop(stop)}\n  The remaining scenarios were not run.`);
  if (coverageSummary) console.log(coverageSummary);
  if (driftLines.length > 0) console.log(driftLines.join('\n'));
  console.log(runChecks.text);
  if (reportGenerated === true) console.log(formatQualityGate(gate));
  console.log(reportLines(layout, folderReason).join('\n'));
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
