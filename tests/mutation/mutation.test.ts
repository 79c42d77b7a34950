import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { FAULT_NAMES, FAULTS, type FaultName } from '../../mock/faults.ts';
import { type RunningMock, startMock } from '../../mock/server.ts';
import { CHECKS } from '../../src/checks/registry.ts';
import {
  computeCoverage,
  loadExplainedGaps,
  runCoverage,
  unexplainedGaps,
} from '../../src/coverage/coverage.ts';
import { EXPLAINED_GAPS_FILE, requestFields, requestRules } from '../../src/coverage/write.ts';
import { loadSuiteFresh } from '../../src/run/suite.ts';
import {
  type ConformanceRun,
  runConformance,
  type ScenarioResult,
  scenarioResults,
} from '../support/conformance-run.ts';
import { MUTATION_ROWS_DIR, type MutationRow } from './table.ts';

/**
 * The proof that the suite sees what it claims to see: the real conformance run (child process, JSON
 * reporter) against the embedded mock in each fault mode must fail on the check the fault names, and
 * against the fault-free mock it must pass.
 *
 * Representative subset per fault run, four scenarios picked by id: an Authorized answer with a ProviderID
 * matcher, two refusals with their codes (102, 210), and a CPOPartnerSessionID to echo — every fault acts
 * on at least one of these answers. The fault-free run uses the whole catalogue and the generated cases.
 */
const MUTATION_FILES = [
  'data/scenarios/authorize-start/rfid.yaml',
  'data/scenarios/authorize-start/session-ids.yaml',
].join(',');
const MUTATION_SCENARIO_IDS = [
  'rfid-guide-example-authorized',
  'rfid-unknown-uid-not-authorized',
  'rfid-card-without-contract-not-authorized',
  'cpo-partner-session-id-echoed',
];
/** Playwright's --grep on the `[id]` suffix of the test titles. */
const MUTATION_GREP = `\\[(${MUTATION_SCENARIO_IDS.join('|')})\\]`;

/** The slow fault answers after SLOW_DELAY_MS; the run's budget is set below it so the test stays fast. */
const SLOW_DELAY_MS = 1_200;
const SLOW_BUDGET_MS = 400;

test.describe.configure({ mode: 'parallel' });

function record(row: MutationRow): void {
  fs.mkdirSync(MUTATION_ROWS_DIR, { recursive: true });
  fs.writeFileSync(path.join(MUTATION_ROWS_DIR, `${row.fault}.json`), JSON.stringify(row));
}

async function runAgainst(
  fault: FaultName | null,
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<{ run: ConformanceRun; results: ScenarioResult[]; mock: RunningMock }> {
  const mock = await startMock({ port: 0, fault, slowDelayMs: SLOW_DELAY_MS });
  try {
    const run = await runConformance({ OICP_BASE_URL: mock.url, ...env }, { jsonReporterOnly: true, args });
    return { run, results: scenarioResults(run.results), mock };
  } finally {
    await mock.close();
  }
}

const failedChecks = (results: ScenarioResult[]) =>
  [...new Set(results.flatMap((r) => r.verdicts?.failed.map((f) => f.check) ?? []))].sort();
const advisoryChecks = (results: ScenarioResult[]) =>
  [...new Set(results.flatMap((r) => r.verdicts?.advisories.map((f) => f.check) ?? []))].sort();

test('every check of the registry is named by a fault mode, so removing any check fails a mutation test', () => {
  const named = new Set(Object.values(FAULTS).map((f) => f.expectedCheck));
  // requestCarriesEvseId judges the request, not the target: the fault-free run proves it (see below).
  // Advisory faults (not-authorized-with-session-id, missing-process-id) name the advisories.
  named.add('requestCarriesEvseId');
  const unnamed = CHECKS.map((c) => c.name).filter((name) => !named.has(name));
  expect(unnamed, 'checks no mutation test would miss').toEqual([]);
  for (const fault of Object.values(FAULTS)) expect(CHECKS.map((c) => c.name)).toContain(fault.expectedCheck);
});

test('no fault: the whole catalogue passes against the embedded mock, with the expected advisories only', async () => {
  const started = Date.now();
  const { run, results, mock } = await runAgainst(null);
  const failed = results.filter((r) => r.status !== 'passed');
  record({
    fault: '(none)',
    expectedCheck: '—',
    verdict: failed.length === 0 ? 'all passed' : `${failed.length} failed`,
    failedChecks: failedChecks(results),
    ms: Date.now() - started,
  });
  expect(
    failed.map((r) => `${r.id}: ${r.error.split('\n')[0]}`),
    run.stdout + run.stderr,
  ).toEqual([]);
  expect(run.exitCode).toBe(0);
  expect(results.length).toBeGreaterThanOrEqual(12);
  expect(mock.requestCount()).toBe(results.length);
  // The whole catalogue leaves no unexplained gap: every field, rule, expected code and check is covered.
  const suite = loadSuiteFresh({});
  const coverage = computeCoverage({
    scenarios: suite.scenarios,
    registry: suite.schemas,
    run: runCoverage(run.record),
    gaps: loadExplainedGaps(suite.schemas, EXPLAINED_GAPS_FILE),
    requestFields: requestFields(suite),
    requestRules: requestRules(suite),
    variables: suite.profile.variables,
  });
  expect(run.record?.scenarios.length).toBe(results.length);
  expect(unexplainedGaps(coverage)).toEqual([]);
  // The scenario without EvseID is the one place the request advisory must show.
  const withoutEvse = results.find((r) => r.id === 'evse-id-absent-authorized-with-advisory');
  expect(withoutEvse?.verdicts?.advisories.map((a) => a.check)).toEqual(['requestCarriesEvseId']);
});

for (const fault of FAULT_NAMES) {
  const { expectedCheck, description } = FAULTS[fault];
  test(`fault ${fault} is caught by ${expectedCheck}`, async () => {
    const started = Date.now();
    const env: Record<string, string> = { OICP_SCENARIOS: MUTATION_FILES };
    if (fault === 'slow-answer') env.OICP_TIME_BUDGET_MS = String(SLOW_BUDGET_MS);
    const { run, results } = await runAgainst(fault, env, ['--grep', MUTATION_GREP]);
    expect(results.map((r) => r.id).sort(), 'the representative subset ran').toEqual(
      [...MUTATION_SCENARIO_IDS].sort(),
    );
    const isAdvisory = CHECKS.find((c) => c.name === expectedCheck)?.verdict === 'advisory';
    const seen = isAdvisory ? advisoryChecks(results) : failedChecks(results);
    const caught = seen.includes(expectedCheck);
    record({
      fault,
      expectedCheck,
      verdict: caught ? (isAdvisory ? 'advisory reported' : 'caught') : 'MISSED',
      failedChecks: seen,
      ms: Date.now() - started,
    });
    expect(results.length, `${description}\n${run.stdout}${run.stderr}`).toBeGreaterThan(0);
    expect(seen, `${fault}: ${description}`).toContain(expectedCheck);
    if (isAdvisory) {
      // An advisory is reported, never a failure.
      expect(run.exitCode).toBe(0);
    } else {
      expect(run.exitCode, 'a contract violation must fail the run').toBe(1);
      expect(run.stdout).toMatch(/\d+ passed, [1-9]\d* failed/);
    }
  });
}
