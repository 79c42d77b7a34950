import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';
import { startMock } from '../../mock/server.ts';
import { ChromiumNotFound, findChromium, HEADLESS_CHROMIUM_ARGS } from '../../scripts/report/chromium.ts';
import { generateAllureReport, refusingProcessExit } from '../../src/report/allure-report.ts';
import { scanReportFolder } from '../../src/report/offline-report.ts';
import { allureReportData } from '../../src/report/report-data.ts';
import { expandTree } from '../../src/report/report-page.ts';
import { type ConformanceRun, runConformance } from '../support/conformance-run.ts';
import { expect, test } from '../support/test.ts';

// The certification evidence: one HTML file that opens from disk, offline, and calls no one; and the console
// of the same run. The run uses the tests' own scenarios against the mock in a fault mode, so that one check
// fails with a known expected/received; it is made once for the tests of this file, which run in order in one
// worker (a worker that a failed test leaves is replaced, and the run made again for the tests after it).
const SCENARIOS = 'tests/e2e/fixtures/report-scenarios.yaml';
const REFUSED_TITLE = 'An unknown card of the report fixture is refused with code 102';

test.describe.configure({ mode: 'default' });

let run: ConformanceRun;
test.beforeAll(async () => {
  const mock = await startMock({ port: 0, fault: 'authorize-everything' });
  try {
    run = await runConformance({ OICP_BASE_URL: mock.url, OICP_SCENARIOS: SCENARIOS });
  } finally {
    await mock.close();
  }
  expect(run.exitCode, run.stdout + run.stderr).toBe(1);
});

const reportDir = () => path.join(run.reportsDir, 'allure-report');

test('the Allure report is one self-contained HTML file: no script, style, font or data file beside it', () => {
  const files = fs.readdirSync(reportDir()).sort();
  // Beside index.html only Allure's small machine-readable summaries, which the page does not load.
  expect(files).toEqual(['index.html', 'quality-gate.json', 'summary.json', 'test-results.json']);
  const data = allureReportData(reportDir());
  // The three scenarios and the run-level checks.
  expect([...data.keys()].filter((name) => name.startsWith('data/test-results/'))).toHaveLength(4);
  expect([...data.keys()].some((name) => name.startsWith('data/attachments/'))).toBe(true);
  expect(run.stdout).toContain(
    `${path.join(reportDir(), 'index.html')}  (one file: opens from disk; send it as evidence)`,
  );
});

test('no generated HTML or JS file loads anything from another host, inlined data: URLs included', () => {
  const html = fs.readFileSync(path.join(reportDir(), 'index.html'), 'utf8');
  expect(html).not.toContain('googletagmanager');
  expect(html).not.toContain('gtag(');
  // Every report of the run: Allure's single file and Playwright's HTML report.
  expect(scanReportFolder(run.reportsDir)).toEqual([]);
  // The scan does look inside the inlined script (the app is there, base64-encoded).
  expect(html).toMatch(/<script\s+src="data:text\/javascript;base64,/);
});

test('opened from disk in Chromium, the report shows the scenarios and a failed check’s expected/received, and requests nothing from the network', async () => {
  let executablePath: string;
  try {
    executablePath = findChromium();
  } catch (error) {
    if (!(error instanceof ChromiumNotFound)) throw error;
    test.skip(true, `No Chromium to open the report in (${error.message})`);
    return;
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    args: [...HEADLESS_CHROMIUM_ARGS],
  });
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(pathToFileURL(path.join(reportDir(), 'index.html')).href);
    // Every scenario is listed (passed ones sit in folded groups).
    await expandTree(page);
    for (const title of [
      'A known card of the report fixture is authorized',
      REFUSED_TITLE,
      'A request of the report fixture without EvseID raises the EvseID advisory',
    ])
      await expect(page.getByText(title).first()).toBeVisible({ timeout: 30_000 });
    // The failed scenario opens with its failed check's explanation.
    await page.getByText(REFUSED_TITLE).first().click({ timeout: 15_000 });
    await expect(page.getByText('expected: AuthorizationStatus "NotAuthorized"').first()).toBeVisible();
    await expect(page.getByText('received: AuthorizationStatus "Authorized"').first()).toBeVisible();
    // An attachment opens: the answer as the target sent it.
    const send = page.locator('[data-testid="test-result-step-header"]').filter({ hasText: 'Send POST' });
    await send.first().locator('[data-testid="test-result-step-arrow-button"]').click({ timeout: 15_000 });
    await page.getByText('response.json', { exact: true }).first().click({ timeout: 15_000 });
    await expect(page.getByText('"AuthorizationStatus": "Authorized"').first()).toBeVisible();
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.filter((url) => !/^(?:file|data|blob):/.test(url))).toEqual([]);
});

test('results too large for one file are reported as a folder, which says so and still calls no one', async () => {
  const output = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-folder-report-'));
  const outcome = await generateAllureReport({
    resultsDir: path.join(run.reportsDir, 'allure-results'),
    output,
    historyPath: path.join(output, '..', `${path.basename(output)}-history.jsonl`),
    testExitCode: 1,
    singleFileLimitBytes: 1,
  });
  expect(outcome.layout).toBe('folder');
  expect(outcome.folderReason).toMatch(/exceed the single-file limit/);
  expect(fs.existsSync(path.join(output, 'data', 'test-results'))).toBe(true);
  expect(fs.readdirSync(output).some((file) => file.endsWith('.js'))).toBe(true);
  expect(scanReportFolder(output)).toEqual([]);
});

test('Allure ending the process on an oversized single file ends only that attempt', async () => {
  const { exitAttempted } = await refusingProcessExit(async () => {
    process.exit(1);
  });
  expect(exitAttempted).toBe(true);
  expect((await refusingProcessExit(async () => {})).exitAttempted).toBe(false);
  await expect(
    refusingProcessExit(async () => {
      throw new Error('another failure');
    }),
  ).rejects.toThrow('another failure');
  expect(typeof process.exit).toBe('function');
});

test('overlapping attempts each learn of their own exit call, and process.exit is the real one again after both', async () => {
  const realExit = process.exit;
  let releaseSecond = () => {};
  const secondHeld = new Promise<void>((resolve) => {
    releaseSecond = resolve;
  });
  // The first attempt starts, the second starts, the first ends while the second is still running, then the
  // second ends: the order in which restoring per attempt left the replacement in place for good.
  let firstEnded = false;
  const first = refusingProcessExit(async () => {
    await Promise.resolve();
    process.exit(1);
  }).finally(() => {
    firstEnded = true;
  });
  const second = refusingProcessExit(async () => {
    await secondHeld;
  });
  expect((await first).exitAttempted).toBe(true);
  expect(firstEnded).toBe(true);
  releaseSecond();
  expect((await second).exitAttempted).toBe(false);
  expect(process.exit).toBe(realExit);
});

test('failures and advisories are named; no code frame, stack or error-context of the suite reaches the console', async () => {
  // As configured: the console reporter and every report.
  const all = run;
  expect(all.exitCode).toBe(1);
  const out = all.stdout + all.stderr;
  expect(all.stdout).toContain(
    '  ✘ report-fixture-unknown-card-refused · An unknown card of the report fixture is refused with code 102 · [Unexpected status / code]\n' +
      '      authorizationStatusAsExpected: expected AuthorizationStatus "NotAuthorized", received AuthorizationStatus "Authorized" (+1 more: statusCodeAsExpected)',
  );
  expect(all.stdout).toContain(
    'Advisories (best-practice findings; they do not fail the run; every one is in the report):\n' +
      '  ! requestCarriesEvseId · 1 scenario · e.g. expected an EvseID in the request, received EvseID (absent)\n' +
      '      report-fixture-without-evse-id\n',
  );
  // One line per scenario naming its YAML file and line, and one list of failures (the summary's): no
  // second list after the run, no line naming the spec that turns scenarios into tests.
  expect(all.stdout).toMatch(
    new RegExp(
      `^ {2}✘ \\d/3 ${SCENARIOS.replace(/[.]/g, '\\.')}:\\d+ › .* \\[report-fixture-unknown-card-refused\\] \\(\\d+ms\\)$`,
      'm',
    ),
  );
  expect(all.stdout).not.toContain('authorize-start.spec.ts');
  expect(all.stdout.match(/report-fixture-unknown-card-refused/g)).toHaveLength(2);
  // Every path it prints is absolute; the gate says what it counts; the last line says it was a selection.
  expect(all.stdout).toMatch(new RegExp(`Table: ${all.reportsDir.replace(/[.]/g, '\\.')}/coverage\\.md`));
  expect(all.stdout).toContain(
    '  ✘ certification/maxFailures: 1 scenario tagged @certification failed, the gate allows none',
  );
  expect(all.stdout.trimEnd().split('\n').at(-1)).toBe(
    `selection: 3 of 3 scenarios ran (OICP_SCENARIOS=${SCENARIOS}) — not a full run`,
  );
  expect(all.stdout).toContain('2 passed, 1 failed, 1 advisory finding(s)');
  expect(out).not.toMatch(/^\s+at /m);
  expect(out).not.toMatch(/^\s*>?\s*\d+ \|/m);
  expect(out).not.toContain('scenario-runner.ts');
  expect(out).not.toContain('Error Context');
  expect(out).not.toContain('error-context');
  // Every line fits a wide terminal (200 columns) when there is no terminal.
  for (const line of all.stdout.split('\n').filter((l) => /^\s+[✘!]|^Coverage/.test(l)))
    expect(line.length, line).toBeLessThanOrEqual(200);
});
