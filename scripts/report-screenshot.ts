import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { isSingleFileReport } from '../src/report/report-data.ts';
import { expandTree } from '../src/report/report-page.ts';
import { noteOutputsWritten, reportPaths } from '../src/reports-folder/paths.ts';
import { ChromiumNotFound, findChromium, HEADLESS_CHROMIUM_ARGS } from './report/chromium.ts';
import { pickDetailTest, reportTests, screenshotFiles } from './report/screenshots.ts';
import { serveDirectory } from './report/static-server.ts';

/**
 * `npm run report:screenshot [-- --report <dir>] [-- --out <dir>]`: renders the generated Allure report
 * (the single file opened from disk, or a folder report served on 127.0.0.1) in headless Chromium (the system's, or CHROMIUM_PATH; never a downloaded one) and saves screenshots of
 * the overview (every scenario), one test's detail (steps and attachments), the categories, the quality
 * gate and the trend charts.
 * Not part of `npm test`: CI machines have no browser.
 */
const reports = reportPaths();
const { values } = parseArgs({
  options: { report: { type: 'string' }, out: { type: 'string' } },
});
const reportDir = path.resolve(values.report ?? reports.allureReport);
const outDir = path.resolve(values.out ?? reports.screenshots);

const WIDTH = 1440;
const MAX_HEIGHT = 16_000;

/** The report scrolls inside its own container: grow the viewport to the content, then take it whole. */
async function capture(page: Page, file: string): Promise<void> {
  await page.setViewportSize({ width: WIDTH, height: 1000 });
  // Browser-side code as text: the project compiles for Node, without the DOM library.
  await page.evaluate('for (const element of document.querySelectorAll("*")) element.scrollTop = 0');
  const height = Number(
    await page.evaluate('Math.max(...Array.from(document.querySelectorAll("*"), (e) => e.scrollHeight))'),
  );
  await page.setViewportSize({ width: WIDTH, height: Math.min(Math.max(height + 160, 1000), MAX_HEIGHT) });
  await page.waitForTimeout(300);
  await page.screenshot({ path: file, fullPage: true });
}

async function openTab(page: Page, name: string): Promise<void> {
  await page
    .getByRole('button', { name: new RegExp(`^${name}`) })
    .first()
    .click();
  await page.waitForTimeout(500);
}

async function main(): Promise<number> {
  if (!fs.existsSync(path.join(reportDir, 'index.html'))) {
    console.error(`No Allure report at ${reportDir}: run \`npm run conformance\` first.`);
    return 2;
  }
  let executablePath: string;
  try {
    executablePath = findChromium();
  } catch (error) {
    if (error instanceof ChromiumNotFound) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }

  const tests = reportTests(reportDir);
  const detail = pickDetailTest(reportDir);
  const files = screenshotFiles(outDir);
  fs.mkdirSync(outDir, { recursive: true });
  // Into a reports folder: recorded there, so that the next run removes these screenshots of an old report.
  noteOutputsWritten([outDir]);

  // The single-file report is opened from disk, the way its recipient opens it; a folder report (a very
  // large run) needs a web server.
  const server = isSingleFileReport(reportDir) ? undefined : await serveDirectory(reportDir);
  const url = server ? server.url : pathToFileURL(path.join(reportDir, 'index.html')).href;
  const browser = await chromium.launch({ executablePath, args: [...HEADLESS_CHROMIUM_ARGS] });
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 1000 } });
    await page.goto(url);
    await page.getByText('Results').first().waitFor();
    await page.locator('[data-testid="tree-section"]').first().waitFor();
    await expandTree(page);
    await capture(page, files.overview);

    await openTab(page, 'Categories');
    await capture(page, files.categories);
    await openTab(page, 'Quality Gates');
    await capture(page, files.qualityGate);

    // The trend charts, drawn from the history.
    await page
      .getByRole('button', { name: /^Report/ })
      .first()
      .click();
    await page.getByText('Graphs', { exact: true }).first().click();
    await page.waitForTimeout(1000);
    await capture(page, files.trends);

    if (detail) {
      await page.goto(`${url}#${detail.id}`);
      await page.getByText(detail.name, { exact: false }).first().waitFor();
      // Unfold the request/answer step so that its attachments show, and open the answer.
      const send = page
        .locator('[data-testid="test-result-step-header"]')
        .filter({ hasText: 'Send POST' })
        .first();
      if (await send.isVisible()) {
        await send.locator('[data-testid="test-result-step-arrow-button"]').click();
        await page.waitForTimeout(300);
        const answer = page.getByText('response.json', { exact: true }).first();
        if (await answer.isVisible()) await answer.click();
      }
      await page.waitForTimeout(500);
      await capture(page, files.detail);
    }
  } finally {
    await browser.close();
    await server?.close();
  }

  console.log(`Screenshots of ${reportDir} (${tests.length} tests):`);
  console.log(`  overview      ${files.overview}`);
  console.log(`  categories    ${files.categories}`);
  console.log(`  quality gate  ${files.qualityGate}`);
  console.log(`  trends        ${files.trends}`);
  if (detail) console.log(`  test detail   ${files.detail}  (${detail.name})`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
