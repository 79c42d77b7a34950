import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { FAULT_NAMES, FAULTS, type FaultName } from '../../mock/faults.ts';
import { createMockRegistry, type MockRegistry, type MockRegistryData } from '../../mock/registry.ts';
import { startMock } from '../../mock/server.ts';
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
import { RUN_CHECKS_FILE } from '../../src/report/run-checks.ts';
import { type LoadedSuite, loadSuiteFresh } from '../../src/run/suite.ts';
import { resolveScenario } from '../../src/scenarios/resolve.ts';
import { loadStatements } from '../../src/scenarios/statements.ts';
import {
  type ConformanceRun,
  runConformanceProcess,
  type ScenarioResult,
  scenarioResults,
} from '../support/conformance-run.ts';
import { runInProcess } from '../support/in-process-run.ts';
import { expect, test } from '../support/test.ts';
import { MUTATION_ROWS_DIR, type MutationRow } from './table.ts';

/**
 * The proof that the suite sees what it claims to see: a conformance run against the embedded mock in each fault
 * mode must fail on the check the fault names (a check of the registry, or a run-level check), and against the
 * fault-free mock it must pass.
 *
 * One run holds every fault mode side by side: the mock applies each fault to the requests of its own
 * OperatorID (`faultsByOperator`), and each operator gets the same representative set of scenarios
 * (tests/fixtures, not the catalogue): an Authorized answer with a ProviderID matcher and no
 * CPOPartnerSessionID, two refusals whose codes are assumptions within the rule's range (102 for an unknown
 * card, 101 for a wrong PIN), a refusal whose code is an OICP rule (210 for an EMP not under contract), a
 * CPOPartnerSessionID to echo, a SessionID Hubject never issued (a refusal is the rule) and a lower-case UID
 * (its conversion an assumption) — every fault acts on at least one of these answers, and two Authorized
 * answers per operator give the run-level checks something to compare. A fault-free operator in the same run
 * proves that no fault leaks into another operator's answers. The slow answer needs a short time budget: its
 * operator's scenarios are judged under a profile of their own, in the same run.
 *
 * That run, and the fault-free run of the whole catalogue and the generated cases, go through the scenario
 * runner in this process (tests/support/in-process-run.ts: the runner, transport, fail-fast state and exchange
 * log a worker uses, the record its reporter writes, the run-level checks the command evaluates) — a matrix of
 * dozens of runs' worth of verdicts in seconds. One child run of the real command, with a fault failing a
 * scenario, a fault failing only the run, and the fault-free operator, proves that the command is wired the
 * same way: the spec, its fixtures, the reporter's record, the console and the exit code.
 */
const CONTROL_OPERATOR = 'DE*M00';
const operatorOf = (fault: FaultName) => `DE*M${String(FAULT_NAMES.indexOf(fault) + 1).padStart(2, '0')}`;
/** The scenario ids of an operator's representative set, by role. */
const idsOf = (operatorId: string) => {
  const prefix = `mutation-${operatorId.replace('*', '').toLowerCase()}`;
  return {
    authorized: `${prefix}-authorized`,
    unknownCard: `${prefix}-unknown-card`,
    noContract: `${prefix}-no-contract`,
    wrongPin: `${prefix}-wrong-pin`,
    cpoSession: `${prefix}-cpo-session`,
    foreignSession: `${prefix}-foreign-session`,
    lowerCaseUid: `${prefix}-lower-case-uid`,
  };
};

/**
 * A fault whose expected effect is an expectation the target does not confirm — reported, never a failure — rather
 * than a failed check (a target that rejects what the text only says it converts).
 */
const UNCONFIRMED = 'expectationUnconfirmed';

/**
 * The roles each fault's run needs: the three answers every fault mode acts on (an Authorized answer without
 * and one with a CPOPartnerSessionID — two Authorized answers for the run-level checks — and a refusal); the
 * refusal-code fault and the fault-free control get the whole set, for what they prove beyond their check.
 * (In the child run every failed scenario costs Playwright a new worker process.)
 */
type Role = keyof ReturnType<typeof idsOf>;
const CORE_ROLES: Role[] = ['authorized', 'unknownCard', 'cpoSession'];
const ALL_ROLES: Role[] = [
  'authorized',
  'unknownCard',
  'noContract',
  'wrongPin',
  'cpoSession',
  'foreignSession',
  'lowerCaseUid',
];
/** The roles a fault acts on beyond the core set. */
const EXTRA_ROLES: Partial<Record<FaultName, Role[]>> = {
  'authorize-foreign-session-id': ['foreignSession'],
  'reject-lowercase-uid': ['lowerCaseUid'],
};
const rolesOf = (fault: FaultName | null): Role[] =>
  fault === null || fault === 'wrong-refusal-code'
    ? ALL_ROLES
    : [...CORE_ROLES, ...(EXTRA_ROLES[fault] ?? [])];

/** The rule of the refusals relayed from the EMPs: a code from 100 to 200 (the eRoamingAuthorization diagram). */
const EMP_RANGE = '      fields: { StatusCode.Code: { matches: "^(1[0-9]{2}|200)$" } }\n';

/** The representative set of one operator, in the catalogue's format. */
function representativeScenarios(operatorId: string, what: string, roles: readonly Role[]): string {
  const ids = idsOf(operatorId);
  const scenario = (
    id: string,
    title: string,
    identification: string,
    expect: string,
    extra = '',
    invalid = false,
  ) => `
  - id: ${id}
    title: ${title} (${what})${invalid ? '\n    invalid: true' : ''}
    request:
      operatorId: "${operatorId}"
      body:
        OperatorID: "${operatorId}"
        EvseID: "${operatorId}*E1234567*1"${extra}
        Identification: { ${identification} }
    expect:
${expect}`;
  const rfid = (uid: string) => `RFIDMifareFamilyIdentification: { UID: "{{${uid}}}" }`;
  const byRole: Record<Role, string> = {
    authorized: scenario(
      ids.authorized,
      'A known card is authorized by its EMP',
      rfid('authorizedUid'),
      '      status: 200\n      authorizationStatus: Authorized\n      statusCode: "000"\n      fields: { ProviderID: { equals: "{{authorizedProviderId}}" }, SessionID: { isNull: false } }',
    ),
    unknownCard: scenario(
      ids.unknownCard,
      'An unknown card is refused with 102',
      rfid('unknownUid'),
      `      status: 200\n      authorizationStatus: NotAuthorized\n      statusCode: "102"\n${EMP_RANGE}      basis: { statusCode: { assumption: "102 for an unknown card" }, fields.StatusCode.Code: { rule: { statement: flow-emp-refusal-codes } } }`,
    ),
    noContract: scenario(
      ids.noContract,
      'An EvcoID of an EMP not under contract is refused with 210',
      'PlugAndChargeIdentification: { EvcoID: "{{uncontractedEvcoId}}" }',
      '      status: 200\n      authorizationStatus: NotAuthorized\n      statusCode: "210"\n      basis: { statusCode: { rule: { statement: flow-no-valid-contract-210 } } }',
    ),
    wrongPin: scenario(
      ids.wrongPin,
      'A QR code with a wrong PIN is refused with 101',
      'QRCodeIdentification: { EvcoID: "{{qrEvcoId}}", PIN: "{{wrongPin}}" }',
      `      status: 200\n      authorizationStatus: NotAuthorized\n      statusCode: "101"\n${EMP_RANGE}      basis: { statusCode: { assumption: "101 for a wrong PIN" }, fields.StatusCode.Code: { rule: { statement: flow-emp-refusal-codes } } }`,
    ),
    foreignSession: scenario(
      ids.foreignSession,
      'A SessionID Hubject never issued gets a negative response',
      rfid('authorizedUid'),
      '      status: 200\n      refused: true\n      basis: { default: { assumption: "HTTP 200 for the refusal" }, refused: { rule: { statement: session-id-foreign-refused } } }',
      '\n        SessionID: "{{$uuid}}"',
    ),
    lowerCaseUid: scenario(
      ids.lowerCaseUid,
      'A lower-case UID is upper-cased and its card authorized',
      'RFIDMifareFamilyIdentification: { UID: "{{authorizedUid | lower}}" }',
      '      status: 200\n      authorizationStatus: Authorized\n      statusCode: "000"\n      basis: { assumption: "the conversion: the sources disagree" }',
      '',
      true,
    ),
    cpoSession: scenario(
      ids.cpoSession,
      'The CPOPartnerSessionID comes back unchanged',
      rfid('authorizedUid'),
      '      status: 200\n      authorizationStatus: Authorized\n      statusCode: "000"\n      fields: { CPOPartnerSessionID: { equals: "cpo-{{$uuid}}" } }',
      '\n        CPOPartnerSessionID: "cpo-{{$uuid}}"',
    ),
  };
  return roles.map((role) => byRole[role]).join('');
}

type Operators = Array<[operatorId: string, what: string, roles: readonly Role[]]>;

/** The representative sets of these operators, as a scenario file in a private temporary folder. */
function scenarioFile(operators: Operators): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-mutation-'));
  const file = path.join(dir, 'mutation.yaml');
  fs.writeFileSync(
    file,
    `feature: Mutation — the representative set per fault mode\nbasis: { rule: { statement: broadcast-one-authorizes } }\nscenarios:${operators.map(([id, what, roles]) => representativeScenarios(id, what, roles)).join('')}\n`,
  );
  return file;
}

/** The mock's registry, with the fault operators added. */
function faultRegistry(operatorIds: readonly string[]): MockRegistry {
  const data = parse(fs.readFileSync('data/mock/registry.yaml', 'utf8')) as MockRegistryData;
  // Each fault operator is under contract with the EMPs of the catalogue's operator, so that an EvcoID of
  // another EMP is refused with 210 at the level of its contracts.
  const empContracts = data.operators.find((o) => o.operatorId === 'DE*ABC')?.empContracts;
  data.operators.push(...operatorIds.map((operatorId) => ({ operatorId, empContracts })));
  return createMockRegistry(data);
}

/** The control operator and the operator of each fault, with their roles. */
const operatorsOf = (faults: readonly FaultName[]): Operators => [
  [CONTROL_OPERATOR, 'no fault', rolesOf(null)],
  ...faults.map((fault): [string, string, Role[]] => [operatorOf(fault), `fault ${fault}`, rolesOf(fault)]),
];

/**
 * The slow fault answers after SLOW_DELAY_MS; its scenarios' budget is set below it so the test stays fast.
 * Whatever the machine's load, the answer cannot come sooner than the delay, so the budget check fails; it may
 * come later than the transport waits (budget + LATE_ANSWER_GRACE_MS), which the budget check judges the same.
 */
const SLOW_DELAY_MS = 1_200;
const SLOW_BUDGET_MS = 400;

/** What a test's suite reads: the mock as target, no developer's settings file. */
const suiteEnvironment = (url: string, env: Record<string, string> = {}) => ({
  OICP_BASE_URL: url,
  OICP_SETTINGS_FILE: 'none',
  ...env,
});

/** Scenarios in flight at once in an in-process run: the mock answers in the same process. */
const IN_PROCESS_WORKERS = 4;

test.describe.configure({ mode: 'parallel' });

function record(row: MutationRow): void {
  fs.mkdirSync(MUTATION_ROWS_DIR, { recursive: true });
  fs.writeFileSync(path.join(MUTATION_ROWS_DIR, `${row.fault}.json`), JSON.stringify(row));
}

const failedChecks = (results: ScenarioResult[]) =>
  [...new Set(results.flatMap((r) => r.verdicts?.failed.map((f) => f.check) ?? []))].sort();
/** The run-level checks the run failed, with what they received, from the run-checks.json the run wrote. */
const failedRunChecks = (run: ConformanceRun): RunCheckResult[] => {
  const file = path.join(run.reportsDir, RUN_CHECKS_FILE);
  if (!fs.existsSync(file)) return [];
  const { results } = JSON.parse(fs.readFileSync(file, 'utf8')) as { results: RunCheckResult[] };
  return results.filter((r) => r.status === 'failed');
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
  for (const fault of Object.values(FAULTS)) expect([...all, UNCONFIRMED]).toContain(fault.expectedCheck);
});

test('no fault: the whole catalogue passes against the embedded mock, with the expected advisories only', async () => {
  const started = Date.now();
  const mock = await startMock({ port: 0 });
  let suite: LoadedSuite;
  let run: ConformanceRun;
  try {
    // Every scenario file and the generated cases, as `npm run conformance` loads them (it runs them as a child too).
    suite = loadSuiteFresh(suiteEnvironment(mock.url));
    run = await runInProcess([suite], { workers: IN_PROCESS_WORKERS });
  } finally {
    await mock.close();
  }
  const results = scenarioResults(run);
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
  const coverage = computeCoverage({
    scenarios: suite.scenarios,
    registry: suite.schemas,
    run: runCoverage(run.record),
    gaps: loadExplainedGaps(suite.schemas, EXPLAINED_GAPS_FILE),
    requestFields: requestFields(suite),
    requestRules: requestRules(suite),
    variables: suite.profile.variables,
    statements: loadStatements(suite.schemas),
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
 * What a fault run proves beyond its named check. wrong-refusal-code answers every refusal with 106: the code of
 * an EMP not under contract (210, at the level of the operator's contracts) is an OICP rule and fails; 102 for an
 * unknown card and 101 for a wrong PIN are assumptions within the rule's range, so those scenarios pass and the
 * console lists them as not confirmed by this target. acknowledgement-instead-of-answer fails every scenario it
 * answers, whatever the scenario expected.
 */
const ALSO_PROVES: Partial<Record<FaultName, (results: ScenarioResult[], run: ConformanceRun) => void>> = {
  'wrong-refusal-code': (results, run) => {
    const ids = idsOf(operatorOf('wrong-refusal-code'));
    const byId = new Map(results.map((r) => [r.id, r]));
    expect(byId.get(ids.noContract)?.status).toBe('failed');
    for (const id of [ids.unknownCard, ids.wrongPin]) {
      expect(byId.get(id)?.status, id).toBe('passed');
      expect(byId.get(id)?.verdicts?.unconfirmed, id).toEqual([
        expect.objectContaining({
          expectation: 'statusCode',
          basis: 'assumption',
          received: expect.stringContaining('"106"'),
        }),
      ]);
      expect(run.stdout).toContain(`  ? ${id} · statusCode (assumption): expected StatusCode.Code`);
    }
    expect(run.stdout).toContain('Expectation not confirmed by this target');
  },
  'acknowledgement-instead-of-answer': (results) => {
    const own = Object.values(idsOf(operatorOf('acknowledgement-instead-of-answer')));
    const mine = results.filter((r) => own.includes(r.id));
    expect(mine.filter((r) => r.status !== 'failed').map((r) => r.id)).toEqual([]);
    for (const r of mine)
      expect(
        r.verdicts?.failed.map((f) => f.check),
        r.id,
      ).toContain('bodyMatchesSchema');
  },
};

/**
 * What a fault's own scenarios show: failed checks (or advisories) and the run-level checks naming them. The
 * row of the mutation table is `label` (the fault, and how it ran when not in process).
 */
function judge(
  fault: FaultName,
  results: ScenarioResult[],
  run: ConformanceRun,
  started: number,
  label: string = fault,
): void {
  const { expectedCheck, description } = FAULTS[fault];
  const ids = idsOf(operatorOf(fault));
  const own = rolesOf(fault).map((role) => ids[role]);
  const mine = results.filter((r) => own.includes(r.id));
  expect(mine.map((r) => r.id).sort(), 'the representative set ran').toEqual([...own].sort());
  const isAdvisory = CHECKS.find((c) => c.name === expectedCheck)?.verdict === 'advisory';
  const isUnconfirmed = expectedCheck === UNCONFIRMED;
  const runLevel = failedRunChecks(run)
    .filter((r) => own.some((id) => (r.received ?? '').includes(id)))
    .map((r) => r.check);
  const unconfirmed = mine.some((r) => (r.verdicts?.unconfirmed ?? []).length > 0) ? [UNCONFIRMED] : [];
  const seen = isAdvisory
    ? advisoryChecks(mine)
    : isUnconfirmed
      ? [...unconfirmed, ...failedChecks(mine)]
      : [...failedChecks(mine), ...runLevel];
  const caught = seen.includes(expectedCheck);
  record({
    fault: label,
    expectedCheck,
    verdict: caught
      ? isAdvisory
        ? 'advisory reported'
        : isUnconfirmed
          ? 'reported, not failed'
          : 'caught'
      : 'MISSED',
    failedChecks: seen,
    ms: Date.now() - started,
  });
  expect(seen, `${fault}: ${description}`).toContain(expectedCheck);
  if (isAdvisory || isUnconfirmed) {
    // An advisory is reported, never a failure.
    expect(mine.filter((r) => r.status !== 'passed').map((r) => r.id)).toEqual([]);
  } else if (RUN_CHECKS.some((c) => c.name === expectedCheck)) {
    // What only the whole run shows: every scenario passes, the run fails (and says which check).
    expect(mine.filter((r) => r.status !== 'passed').map((r) => r.id)).toEqual([]);
    expect(run.exitCode, 'a run-level violation must fail the run').toBe(1);
    expect(run.stdout).toContain(`Run-level checks: FAILED\n  ✘ ${expectedCheck}:`);
  } else {
    expect(
      mine.some((r) => r.status === 'failed'),
      'a contract violation must fail its scenarios',
    ).toBe(true);
    expect(run.exitCode, 'a contract violation must fail the run').toBe(1);
  }
  ALSO_PROVES[fault]?.(results, run);
}

/** The fault-free operator's representative set passed, and the run holds exactly the sets asked for. */
function controlPasses(results: ScenarioResult[], run: ConformanceRun, faults: readonly FaultName[]): void {
  const control = Object.values(idsOf(CONTROL_OPERATOR));
  const mine = results.filter((r) => control.includes(r.id));
  expect(mine.map((r) => `${r.id} ${r.status}`).sort(), run.stdout + run.stderr).toEqual(
    control.map((id) => `${id} passed`).sort(),
  );
  expect(mine.flatMap((r) => r.verdicts?.unconfirmed ?? [])).toEqual([]);
  const expected = [null, ...faults].reduce((sum, fault) => sum + rolesOf(fault).length, 0);
  expect(results).toHaveLength(expected);
}

test.describe('every fault mode, side by side in one run', () => {
  // One run, judged fault by fault in the tests below (in order, in one worker).
  test.describe.configure({ mode: 'default' });
  const quick = FAULT_NAMES.filter((fault) => fault !== 'slow-answer');
  let run: ConformanceRun;
  let results: ScenarioResult[];
  let started: number;
  test.beforeAll(async () => {
    started = Date.now();
    const operators = operatorsOf(quick);
    const slow: Operators = [[operatorOf('slow-answer'), 'fault slow-answer', rolesOf('slow-answer')]];
    const mock = await startMock({
      port: 0,
      registry: faultRegistry([...operators, ...slow].map(([operatorId]) => operatorId)),
      faultsByOperator: Object.fromEntries(FAULT_NAMES.map((fault) => [operatorOf(fault), fault])),
      slowDelayMs: SLOW_DELAY_MS,
    });
    try {
      run = await runInProcess(
        [
          loadSuiteFresh(suiteEnvironment(mock.url, { OICP_SCENARIOS: scenarioFile(operators) })),
          // The slow answer's scenarios last, under a profile with the short budget: one run all the same.
          loadSuiteFresh(
            suiteEnvironment(mock.url, {
              OICP_SCENARIOS: scenarioFile(slow),
              OICP_TIME_BUDGET_MS: String(SLOW_BUDGET_MS),
            }),
          ),
        ],
        { workers: IN_PROCESS_WORKERS },
      );
    } finally {
      await mock.close();
    }
    results = scenarioResults(run);
  });

  test('the representative set of the fault-free operator passes: no fault leaks into other answers', () =>
    controlPasses(results, run, FAULT_NAMES));

  for (const fault of FAULT_NAMES) {
    test(`fault ${fault} is caught by ${FAULTS[fault].expectedCheck}`, () =>
      judge(fault, results, run, started));
  }
});

/**
 * The faults the real command runs: one that fails a rule and leaves assumptions unconfirmed (failed scenarios,
 * the console's list of unconfirmed expectations), and one that only the whole run shows (every scenario
 * passes, the command's run-level checks fail the run) — beside the fault-free operator.
 */
const COMMAND_FAULTS: readonly FaultName[] = ['wrong-refusal-code', 'repeated-session-id'];

test.describe('the real command: faults side by side in one child run', () => {
  test.describe.configure({ mode: 'default' });
  let run: ConformanceRun;
  let results: ScenarioResult[];
  let started: number;
  test.beforeAll(async () => {
    started = Date.now();
    const operators = operatorsOf(COMMAND_FAULTS);
    const mock = await startMock({
      port: 0,
      registry: faultRegistry(operators.map(([operatorId]) => operatorId)),
      faultsByOperator: Object.fromEntries(COMMAND_FAULTS.map((fault) => [operatorOf(fault), fault])),
    });
    try {
      run = await runConformanceProcess(
        { OICP_BASE_URL: mock.url, OICP_SCENARIOS: scenarioFile(operators) },
        { recordOnly: true, timeoutMs: 170_000 },
      );
    } finally {
      await mock.close();
    }
    results = scenarioResults(run);
  });

  test('the fault-free operator passes through the real command: no fault leaks into other answers', () =>
    controlPasses(results, run, COMMAND_FAULTS));

  for (const fault of COMMAND_FAULTS) {
    test(`fault ${fault} fails the real command on ${FAULTS[fault].expectedCheck}`, () =>
      judge(fault, results, run, started, `${fault} · npm run conformance`));
  }
});
