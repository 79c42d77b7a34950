import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { FAULT_NAMES, FAULTS, type FaultName } from '../../mock/faults.ts';
import { type RunningMock, startMock } from '../../mock/server.ts';
import { CHECKS } from '../../src/checks/registry.ts';
import { RUN_CHECKS, type RunCheckResult } from '../../src/checks/run-level.ts';
import {
  computeCoverage,
  loadExplainedGaps,
  runCoverage,
  unexplainedGaps,
} from '../../src/coverage/coverage.ts';
import { EXPLAINED_GAPS_FILE, requestFields, requestRules } from '../../src/coverage/write.ts';
import { prepareRequest } from '../../src/exchange/request.ts';
import { RUN_CHECKS_FILE } from '../../src/run/run-checks.ts';
import { loadSuiteFresh } from '../../src/run/suite.ts';
import { resolveScenario } from '../../src/scenarios/resolve.ts';
import {
  type ConformanceRun,
  runConformance,
  type ScenarioResult,
  scenarioResults,
} from '../support/conformance-run.ts';
import { MUTATION_ROWS_DIR, type MutationRow } from './table.ts';

/**
 * The proof that the suite sees what it claims to see: the real conformance run (child process, JSON
 * reporter) against the embedded mock in each fault mode must fail on the check the fault names (a check of
 * the registry, or a run-level check), and against the fault-free mock it must pass.
 *
 * Representative subset per fault run: the five scenarios of its own fixture file (see there why these five).
 * The fault-free run uses whatever the catalogue holds and the generated cases.
 */
const MUTATION_FILE = 'tests/fixtures/scenarios/mutation.yaml';
const MUTATION_SCENARIO_IDS = [
  'fixture-mutation-authorized',
  'fixture-mutation-unknown-uid',
  'fixture-mutation-no-contract',
  'fixture-mutation-wrong-pin',
  'fixture-mutation-cpo-session-echoed',
];

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
/** The run-level checks the run failed, from the run-checks.json the conformance CLI writes. */
const failedRunChecks = (run: ConformanceRun): string[] => {
  const file = path.join(run.reportsDir, RUN_CHECKS_FILE);
  if (!fs.existsSync(file)) return [];
  const { results } = JSON.parse(fs.readFileSync(file, 'utf8')) as { results: RunCheckResult[] };
  return results.filter((r) => r.status === 'failed').map((r) => r.check);
};
const advisoryChecks = (results: ScenarioResult[]) =>
  [...new Set(results.flatMap((r) => r.verdicts?.advisories.map((f) => f.check) ?? []))].sort();

test('every check of the registry is named by a fault mode, so removing any check fails a mutation test', () => {
  const named = new Set(Object.values(FAULTS).map((f) => f.expectedCheck));
  // requestCarriesEvseId judges the request, not the target: the fault-free run proves it (see below).
  // Advisory faults (not-authorized-with-session-id, missing-process-id) name the advisories.
  named.add('requestCarriesEvseId');
  const all = [...CHECKS, ...RUN_CHECKS].map((c) => c.name);
  const unnamed = all.filter((name) => !named.has(name));
  expect(unnamed, 'checks no mutation test would miss').toEqual([]);
  for (const fault of Object.values(FAULTS)) expect(all).toContain(fault.expectedCheck);
});

test('no fault: the whole catalogue passes against the embedded mock, with the expected advisories only', async () => {
  const started = Date.now();
  const { run, results, mock } = await runAgainst(null);
  // A scenario whose test data only another profile offers (a user's QA-only card) is skipped here, not failed.
  const failed = results.filter((r) => r.status !== 'passed' && r.status !== 'skipped');
  const ran = results.filter((r) => r.status !== 'skipped');
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
  // The mock is our model of Hubject: it confirms every expectation of the catalogue, the assumptions included.
  const unconfirmed = results.flatMap((r) =>
    (r.verdicts?.unconfirmed ?? []).map((u) => `${r.id} ${u.expectation}: received ${u.received}`),
  );
  expect(unconfirmed).toEqual([]);
  expect(failedRunChecks(run)).toEqual([]);
  expect(run.stdout).toContain('Run-level checks: passed (authorizedSessionIdsUnique)');
  // Nothing the mock answers is unknown to the OICP schemas.
  expect(results.flatMap((r) => r.verdicts?.advisories.map((a) => a.check) ?? [])).not.toContain(
    'answerPropertiesKnown',
  );
  expect(results.length).toBeGreaterThan(0);
  expect(mock.requestCount()).toBe(ran.length);
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
  // The request advisory shows exactly where a (valid) request goes without an EvseID, whatever the catalogue holds.
  const withoutEvse = suite.scenarios
    .filter((scenario) => !scenario.invalid && !scenario.skipReason)
    .filter((scenario) => {
      const resolved = resolveScenario(scenario, suite.profile.variables);
      const body = prepareRequest(resolved, suite.profile.baseUrl).bodyJson;
      if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
      const evseId = (body as Record<string, unknown>).EvseID;
      return typeof evseId !== 'string' || evseId === '';
    })
    .map((scenario) => scenario.id)
    .sort();
  const advised = results
    .filter((r) => r.verdicts?.advisories.some((a) => a.check === 'requestCarriesEvseId'))
    .map((r) => r.id)
    .sort();
  expect(advised).toEqual(withoutEvse);
});

/**
 * What a fault run proves beyond its named check. wrong-refusal-code answers every refusal with 106: the code
 * of a wrong PIN (101) is an OICP rule and fails; 102 for an unknown card is an assumption and 210 an
 * observation, so those scenarios pass and the console lists them as not confirmed by this target.
 */
const ALSO_PROVES: Partial<Record<FaultName, (results: ScenarioResult[], run: ConformanceRun) => void>> = {
  'wrong-refusal-code': (results, run) => {
    const byId = new Map(results.map((r) => [r.id, r]));
    expect(byId.get('fixture-mutation-wrong-pin')?.status).toBe('failed');
    for (const [id, basis] of [
      ['fixture-mutation-unknown-uid', 'assumption'],
      ['fixture-mutation-no-contract', 'observed'],
    ] as const) {
      expect(byId.get(id)?.status, id).toBe('passed');
      expect(byId.get(id)?.verdicts?.unconfirmed, id).toEqual([
        expect.objectContaining({
          expectation: 'statusCode',
          basis,
          received: expect.stringContaining('"106"'),
        }),
      ]);
      expect(run.stdout).toContain(`  ? ${id} · statusCode (${basis}): expected StatusCode.Code`);
    }
    expect(run.stdout).toContain('Expectation not confirmed by this target');
    expect(run.stdout).toMatch(/, 2 expectation\(s\) not confirmed/);
  },
};

for (const fault of FAULT_NAMES) {
  const { expectedCheck, description } = FAULTS[fault];
  test(`fault ${fault} is caught by ${expectedCheck}`, async () => {
    const started = Date.now();
    const env: Record<string, string> = { OICP_SCENARIOS: MUTATION_FILE };
    if (fault === 'slow-answer') env.OICP_TIME_BUDGET_MS = String(SLOW_BUDGET_MS);
    const { run, results } = await runAgainst(fault, env);
    expect(results.map((r) => r.id).sort(), 'the representative subset ran').toEqual(
      [...MUTATION_SCENARIO_IDS].sort(),
    );
    const isAdvisory = CHECKS.find((c) => c.name === expectedCheck)?.verdict === 'advisory';
    const seen = isAdvisory ? advisoryChecks(results) : [...failedChecks(results), ...failedRunChecks(run)];
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
    } else if (RUN_CHECKS.some((c) => c.name === expectedCheck)) {
      // What only the whole run shows: every scenario passes, the run fails.
      expect(run.exitCode, 'a run-level violation must fail the run').toBe(1);
      expect(run.stdout).toMatch(/\d+ passed, 0 failed/);
      expect(run.stdout).toContain(`Run-level checks: FAILED\n  ✘ ${expectedCheck}:`);
    } else {
      expect(run.exitCode, 'a contract violation must fail the run').toBe(1);
      expect(run.stdout).toMatch(/\d+ passed, [1-9]\d* failed/);
    }
    ALSO_PROVES[fault]?.(results, run);
  });
}
