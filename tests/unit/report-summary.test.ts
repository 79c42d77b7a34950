import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readRawConfig } from '@allurereport/core';
import { expect, test } from '@playwright/test';
import { projectRoot } from '../../src/paths.ts';
import { UNCONFIRMED_LABEL } from '../../src/report/allure-evidence.ts';
import {
  FAILURE_CATEGORIES,
  FAILURE_CATEGORY_LABEL,
  type FailureCategory,
  failureCategory,
} from '../../src/report/failure-category.ts';
import { conformanceExitCode, formatQualityGate } from '../../src/report/quality-gate.ts';
import { formatRunSummary, readRunSummary, summarizeRun, totalsLine } from '../../src/report/summary.ts';
import { UNCONFIRMED_TITLE } from '../../src/report/unconfirmed.ts';

const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

/** A Playwright JSON report with one passed, one check-failed, one transport-failed scenario. */
function jsonReport() {
  return {
    stats: { expected: 1, unexpected: 2, skipped: 0, flaky: 0, duration: 10 },
    suites: [
      {
        title: 'authorize-start.spec.ts',
        suites: [
          {
            title: 'RFID (Mifare family)',
            specs: [
              {
                title: 'A known card is authorized [rfid-ok]',
                tests: [
                  {
                    annotations: [{ type: 'advisory', description: 'requestCarriesEvseId: expected …' }],
                    results: [{ status: 'passed' }],
                  },
                ],
              },
              {
                title: 'An RFID card no EMP knows is refused with code 102 [rfid-unknown]',
                tests: [
                  {
                    annotations: [
                      { type: 'scenario', description: 'rfid-unknown' },
                      { type: 'failure-category', description: 'status' },
                    ],
                    results: [
                      {
                        status: 'failed',
                        error: { message: '\u001b[31mScenarioFailed: 2 check(s) failed: a, b\u001b[39m' },
                        attachments: [
                          {
                            name: 'verdicts.json',
                            body: base64({
                              failed: [
                                {
                                  check: 'authorizationStatusAsExpected',
                                  expected: 'AuthorizationStatus "NotAuthorized"',
                                  received: 'AuthorizationStatus "Authorized"',
                                },
                                { check: 'statusCodeAsExpected', expected: '"102"', received: '"000"' },
                              ],
                            }),
                          },
                        ],
                      },
                    ],
                  },
                ],
              },
              {
                title: 'A card without contract is refused [rfid-no-contract]',
                tests: [
                  {
                    annotations: [{ type: 'failure-category', description: 'transport' }],
                    results: [
                      {
                        status: 'failed',
                        error: {
                          message:
                            'TransportError: POST http://127.0.0.1:9/api failed: nothing accepts connections\n  at x',
                        },
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

function writeReport(report: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-summary-')), 'results.json');
  fs.writeFileSync(file, JSON.stringify(report));
  return file;
}

test('one line per failed scenario: id, title, category, failing checks and the reason', () => {
  const text = summarizeRun(writeReport(jsonReport())) ?? '';
  const lines = text.split('\n');
  const failed = lines.filter((line) => line.startsWith('  ✘ '));
  expect(failed).toEqual([
    '  ✘ rfid-unknown · An RFID card no EMP knows is refused with code 102 · [Unexpected status / code] ' +
      'authorizationStatusAsExpected, statusCodeAsExpected: expected AuthorizationStatus "NotAuthorized", ' +
      'received AuthorizationStatus "Authorized"',
    '  ✘ rfid-no-contract · A card without contract is refused · [Transport error] ' +
      'POST http://127.0.0.1:9/api failed: nothing accepts connections',
  ]);
  expect(text).toContain('By category: Unexpected status / code 1, Transport error 1');
  expect(lines.at(-1)).toBe('1 passed, 2 failed, 1 advisory finding(s)');
  expect(text).not.toContain('\u001b[');
});

test('the totals line stays `N passed, N failed` with optional extras', () => {
  const summary = readRunSummary(writeReport(jsonReport()));
  if (!summary) throw new Error('no summary');
  expect(totalsLine({ ...summary, advisories: 0 })).toBe('1 passed, 2 failed');
  expect(totalsLine({ ...summary, skipped: 2, flaky: 1 })).toBe(
    '1 passed, 2 failed, 2 skipped, 1 flaky, 1 advisory finding(s)',
  );
  for (const line of [
    totalsLine(summary),
    formatRunSummary({ ...summary, failed: [] })
      .split('\n')
      .at(-1),
  ])
    expect(line).toMatch(/^\d+ passed, \d+ failed(, .+)?$/);
  expect(summarizeRun('/nonexistent/results.json')).toBeUndefined();
});

test('a failed scenario is filed under its first failed check, else what its error says', () => {
  expect(failureCategory([{ category: 'status' }, { category: 'schema' }], 'ScenarioFailed: …')).toBe(
    'status',
  );
  expect(failureCategory([{ category: 'schema' }, { category: 'status' }], undefined)).toBe('schema');
  expect(failureCategory([{ category: 'transport' }], undefined)).toBe('transport');
  expect(failureCategory([], 'TransportError: POST http://x failed: timeout')).toBe('transport');
  expect(failureCategory([], 'RequestLintError: x sends a request that violates …')).toBe('configuration');
  expect(failureCategory([], 'InputError: Invalid configuration')).toBe('configuration');
  expect(failureCategory([], 'Test timeout of 40000ms exceeded.')).toBeUndefined();
  expect(failureCategory([], undefined)).toBeUndefined();
});

test('allurerc.mjs files every failure category under the summary’s words, in precedence order', async () => {
  const config = await readRawConfig(projectRoot, 'allurerc.mjs');
  const categories = config.categories;
  const rules = Array.isArray(categories) ? categories : categories ? categories.rules : [];
  const keys = Object.keys(FAILURE_CATEGORIES) as FailureCategory[];
  for (const key of keys) {
    const rule = rules.find((r) => r.id === `oicp-${key}`);
    expect(rule?.name, key).toBe(FAILURE_CATEGORIES[key].title);
    const matchers = [rule?.matchers ?? []].flat();
    const byLabel = matchers.find((m) => typeof m === 'object' && m.labels?.[FAILURE_CATEGORY_LABEL]);
    if (!byLabel || typeof byLabel !== 'object') throw new Error(`no label matcher for ${key}`);
    const pattern = new RegExp(String(byLabel.labels?.[FAILURE_CATEGORY_LABEL]));
    expect(pattern.test(key)).toBe(true);
    for (const other of keys.filter((k) => k !== key)) expect(pattern.test(other)).toBe(false);
    expect(byLabel.statuses).toEqual(['failed', 'broken']);
  }
  expect(rules.slice(0, 3).map((r) => r.id)).toEqual(['oicp-configuration', 'oicp-transport', 'oicp-status']);
  expect(rules.some((r) => r.id === 'oicp-advisories')).toBe(true);
  // Passed scenarios with an expectation the target did not confirm: their own category, before the advisories.
  const ids = rules.map((r) => r.id);
  const unconfirmed = rules.find((r) => r.id === 'oicp-unconfirmed');
  expect(unconfirmed?.name).toBe(UNCONFIRMED_TITLE);
  expect([unconfirmed?.matchers ?? []].flat()).toEqual([
    { statuses: ['passed'], labels: { [UNCONFIRMED_LABEL]: '.+' } },
  ]);
  expect(ids.indexOf('oicp-unconfirmed')).toBeLessThan(ids.indexOf('oicp-advisories'));
});

test('allurerc.mjs gates on zero failed certification scenarios and keeps a history outside the reports', async () => {
  const config = await readRawConfig(projectRoot, 'allurerc.mjs');
  const certification = config.qualityGate?.rules?.find((rule) => rule.id === 'certification');
  expect(certification?.maxFailures).toBe(0);
  const tag = (value: string) => ({ labels: [{ name: 'tag', value }] });
  // biome-ignore lint/suspicious/noExplicitAny: Allure's filter receives its own TestResult type.
  const filter = certification?.filter as ((tr: any) => boolean) | undefined;
  expect(filter?.(tag('certification'))).toBe(true);
  expect(filter?.(tag('smoke'))).toBe(false);
  expect(config.historyPath).toContain('history');
  expect(config.historyLimit).toBeGreaterThan(1);
});

test('the quality gate is printed plainly and decides the exit code with the scenarios', () => {
  const passed = { rule: 'certification/maxFailures', success: true, message: 'ok' };
  const failed = {
    rule: 'certification/maxFailures',
    success: false,
    message:
      'The number of failed tests \u001b[1m2\u001b[22m exceeds the allowed threshold value \u001b[1m0\u001b[22m',
  };
  expect(formatQualityGate([passed])).toBe('Quality gate: passed (certification/maxFailures)');
  expect(formatQualityGate([failed, { ...passed, rule: 'run/minTestsCount' }])).toBe(
    'Quality gate: FAILED\n  ✘ certification/maxFailures: The number of failed tests 2 exceeds the allowed threshold value 0',
  );
  expect(conformanceExitCode({ testExitCode: 0, reportGenerated: true, gatePassed: true })).toBe(0);
  expect(conformanceExitCode({ testExitCode: 0, reportGenerated: true, gatePassed: false })).toBe(1);
  expect(conformanceExitCode({ testExitCode: 0, reportGenerated: false, gatePassed: true })).toBe(1);
  expect(conformanceExitCode({ testExitCode: 0, reportGenerated: 'not-needed', gatePassed: true })).toBe(0);
  expect(conformanceExitCode({ testExitCode: 1, reportGenerated: true, gatePassed: true })).toBe(1);
});
