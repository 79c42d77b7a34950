import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { checkEmbeddedMockPortFree, chooseEmbeddedMockPort } from '../config/embedded-mock.ts';
import { applySettingsFile } from '../config/settings-file.ts';
import { describeTls } from '../config/tls.ts';
import { writeCoverage } from '../coverage/write.ts';
import { InputError } from '../input/errors.ts';
import { projectRoot } from '../paths.ts';
import { generateAllureReport, type QualityGateResult } from '../report/allure-report.ts';
import { reportPaths } from '../report/paths.ts';
import { conformanceExitCode, formatQualityGate } from '../report/quality-gate.ts';
import { summarizeRun } from '../report/summary.ts';
import { describeStop, FailFast } from '../run/fail-fast.ts';
import { judgeRun } from '../run/run-checks.ts';
import { loadSuite } from '../run/suite.ts';

/**
 * `npm run conformance [-- <playwright test options>]`: checks the configuration, runs the scenarios,
 * generates the Allure report (categories, history, quality gate), prints a summary. Exit code 0 only if
 * every scenario passed and the quality gate held; 1 otherwise; 2 when the configuration is wrong (and
 * then nothing was sent).
 */
const require = createRequire(import.meta.url);
const reports = reportPaths();

function preflight(): boolean {
  try {
    // The profile's settings file (data/environments/<profile>.env) first: it may name the target.
    const settings = applySettingsFile();
    if (settings)
      console.log(
        `Settings: ${settings.file} (${settings.applied.length} value(s) not already set in the environment)`,
      );
    // Unless OICP_MOCK_PORT names one, the embedded mock takes a free port (the run's child processes
    // inherit it); a port the user named must be free.
    const mockPort = process.env.OICP_BASE_URL?.trim() ? undefined : chooseEmbeddedMockPort();
    const { profile, scenarios } = loadSuite();
    if (profile.startEmbeddedMock && mockPort?.explicit) checkEmbeddedMockPortFree(mockPort.port);
    const target = profile.startEmbeddedMock ? `${profile.baseUrl} (embedded mock)` : profile.baseUrl;
    console.log(
      `OICP conformance: ${scenarios.length} scenario(s), profile '${profile.name}', target ${target}`,
    );
    if (profile.baseUrl.startsWith('https:')) console.log(`TLS: ${describeTls(profile.tls)}`);
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
      env: process.env,
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

async function main(): Promise<number> {
  if (!preflight()) return 2;

  // Stale results must never reach a report. The Allure history is kept: it is what makes the trends.
  for (const stale of [reports.allureResults, reports.junit, reports.json, reports.runState])
    fs.rmSync(stale, { recursive: true, force: true });

  const playwrightCli = require.resolve('@playwright/test/cli');
  const started = Date.now();
  const testExitCode = await run(playwrightCli, [
    'test',
    '--config',
    path.join(projectRoot, 'playwright.config.ts'),
    ...process.argv.slice(2),
  ]);

  // What only the whole run can see (unique SessionIDs …): judged before the report, which shows it.
  const runChecks = judgeRun(reports, loadSuite().profile.name, started);

  // Coverage of the run, computed before the report so that the table is attached to it.
  let coverageSummary: string | undefined;
  try {
    coverageSummary = writeCoverage(loadSuite(), reports).summary;
  } catch (error) {
    console.error(
      `The coverage table could not be written: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  let reportGenerated: boolean | 'not-needed' = 'not-needed';
  let gate: QualityGateResult[] = [];
  let gatePassed = true;
  if (fs.existsSync(reports.allureResults)) {
    try {
      ({ qualityGate: gate, gatePassed } = await generateAllureReport({
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

  if (coverageSummary) console.log(`\n${coverageSummary}`);
  const summary = summarizeRun(reports.json);
  if (summary) console.log(`\n${summary}`);
  // A dead target stopped the run: said once, here, instead of once per scenario.
  const stop = FailFast.stopOf(reports.runState);
  if (stop) console.log(`\n✘ ${describeStop(stop)}\n  The remaining scenarios were not run.`);
  console.log(runChecks.text);
  if (reportGenerated === true) console.log(formatQualityGate(gate));
  const openCommand =
    reports.allureReport === reportPaths({}).allureReport
      ? 'npm run report'
      : `npx allure open ${reports.allureReport}`;
  console.log(
    [
      '',
      'Reports:',
      `  Allure      ${path.join(reports.allureReport, 'index.html')}  (${openCommand})`,
      `  JUnit       ${reports.junit}`,
      `  Playwright  ${path.join(reports.html, 'index.html')}`,
      `  History     ${reports.allureHistory}`,
    ].join('\n'),
  );
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
