import fs from 'node:fs';
import path from 'node:path';
import { allureReportData } from '../../src/report/report-data.ts';
import { runConformance } from '../support/conformance-run.ts';
import { startHugeAnswerServer } from '../support/huge-answer-server.ts';
import { expect, test } from '../support/test.ts';

// Reports sized to be kept: a 50 MB answer and a 300 KB request, each cut to 64 KiB in every report format.
const SCENARIOS = 'tests/e2e/fixtures/report-size-scenarios.yaml';
const CUT_NOTE =
  /\[cut: this attachment is ([\d,]+) bytes; the first 65,536 are shown\. SHA-256 of the whole: [0-9a-f]{64}\]/;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

test('a 50 MB answer leaves a reports folder under 20 MB; every large attachment is cut with its size and hash, once per format', async () => {
  const server = await startHugeAnswerServer();
  let run: Awaited<ReturnType<typeof runConformance>>;
  try {
    run = await runConformance(
      // Every report format, Playwright's own included: the body must be cut in each.
      { OICP_BASE_URL: server.url, OICP_SCENARIOS: SCENARIOS, OICP_PLAYWRIGHT_REPORTS: 'json,html' },
    );
  } finally {
    await server.close();
  }
  expect(run.record?.scenarios.map((s) => s.id).sort(), run.stdout + run.stderr).toEqual([
    'report-size-huge-answer',
    'report-size-huge-request',
  ]);
  expect(server.requests()).toBe(2);

  const files = filesUnder(run.reportsDir);
  const total = files.reduce((sum, file) => sum + fs.statSync(file).size, 0);
  console.log(
    `reports folder after a 50 MB answer: ${(total / 1024 / 1024).toFixed(1)} MB in ${files.length} files`,
  );
  expect(total).toBeLessThan(20 * 1024 * 1024);
  for (const file of files) expect(fs.statSync(file).size, file).toBeLessThan(8 * 1024 * 1024);

  // The request (about 300 KB) is cut wherever it is attached: request and curl reproduction (the scenario as
  // written is small: its padding is a YAML alias repeated).
  const results = path.join(run.reportsDir, 'allure-results');
  const attachments = fs
    .readdirSync(results)
    .filter((f) => f.includes('-attachment'))
    .map((f) => fs.readFileSync(path.join(results, f), 'utf8'));
  const cut = attachments.filter((text) => CUT_NOTE.test(text));
  const requestCopies = cut.filter((text) => text.includes('0123456789ABCDEF'));
  expect(requestCopies.length).toBeGreaterThanOrEqual(2);
  for (const text of cut) expect(Buffer.byteLength(text)).toBeLessThan(64 * 1024 + 400);

  // The answer's body, when it was read at all, is attached once per format, cut.
  const answerNote = (text: string) => {
    const size = CUT_NOTE.exec(text)?.[1];
    return size !== undefined && Number(size.replace(/,/g, '')) > 50 * 1024 * 1024;
  };
  const inResults = attachments.filter(answerNote).length;
  const report = allureReportData(path.join(run.reportsDir, 'allure-report'));
  const inReport = [...report.entries()]
    .filter(([name]) => name.startsWith('data/attachments/'))
    .filter(([, data]) => answerNote(data.toString('utf8'))).length;
  const playwrightJson =
    (run.results ? JSON.stringify(run.results) : '').match(/"body":\s*"([A-Za-z0-9+/=]+)"/g) ?? [];
  const inJson = playwrightJson.filter((m) =>
    answerNote(Buffer.from(m.replace(/^"body":\s*"|"$/g, ''), 'base64').toString('utf8')),
  ).length;
  expect(inResults).toBeLessThanOrEqual(1);
  expect(inReport).toBe(inResults);
  expect(inJson).toBe(inResults);
  const answer = run.record?.scenarios.find((s) => s.id === 'report-size-huge-answer');
  // The transport reads no more than the answer size limit (1 MiB) and keeps only the first 64 KiB as
  // evidence: the 50 MB body is never attached whole, so there is nothing left to cut.
  expect(answer?.verdicts?.failed.map((f) => f.check)).toContain('answerBodyComplete');
  expect(inResults).toBe(0);
});
