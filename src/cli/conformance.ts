import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describeTls } from '../config/tls.ts';
import { InputError } from '../input/errors.ts';
import { projectRoot } from '../paths.ts';
import { reportPaths } from '../report/paths.ts';
import { summarizeRun } from '../report/summary.ts';
import { loadSuite } from '../run/suite.ts';

/**
 * `npm run conformance [-- <playwright test options>]`: checks the configuration, runs the scenarios,
 * generates the Allure report, prints a summary. Exit code 0 only if every scenario passed; 2 when the
 * configuration is wrong (and then nothing was sent).
 */
const require = createRequire(import.meta.url);
const reports = reportPaths();

function preflight(): boolean {
  try {
    const { profile, scenarios } = loadSuite();
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

  // Stale results must never reach a report.
  for (const stale of [reports.allureResults, reports.junit, reports.json])
    fs.rmSync(stale, { recursive: true, force: true });

  const playwrightCli = require.resolve('@playwright/test/cli');
  const testExit = await run(playwrightCli, [
    'test',
    '--config',
    path.join(projectRoot, 'playwright.config.ts'),
    ...process.argv.slice(2),
  ]);

  let reportExit = 0;
  if (fs.existsSync(reports.allureResults)) {
    // The package exports no ./package.json; its CLI sits beside dist/.
    const allureCli = path.join(path.dirname(require.resolve('allure')), '..', 'cli.js');
    reportExit = await run(allureCli, [
      'generate',
      reports.allureResults,
      '--output',
      reports.allureReport,
      '--config',
      path.join(projectRoot, 'allurerc.mjs'),
    ]);
    if (reportExit !== 0) console.error('The Allure report could not be generated (see above).');
  }

  const summary = summarizeRun(reports.json);
  if (summary) console.log(`\n${summary}`);
  console.log(
    `\nReports:\n  Allure      ${path.join(reports.allureReport, 'index.html')}  (npm run report)\n  JUnit       ${reports.junit}\n  Playwright  ${path.join(reports.html, 'index.html')}`,
  );
  return testExit !== 0 ? testExit : reportExit;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
