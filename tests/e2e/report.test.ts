import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startMock } from '../../mock/server.ts';
import { OPERATION_DOC, scenarioTestCaseId } from '../../src/report/allure-labels.ts';
import { type ConformanceRun, runConformance } from '../support/conformance-run.ts';

// The Allure side of a run, judged in what the real CLI writes: allure-results (what allure-playwright
// recorded) and allure-report (what Allure 3 made of it). Each test runs one or two small conformance runs.

const RFID_FILE = 'data/scenarios/authorize-start/rfid.yaml';
const RFID_IDS = [
  'rfid-card-without-contract-not-authorized',
  'rfid-guide-example-authorized',
  'rfid-unknown-uid-not-authorized',
];

interface Step {
  name: string;
  status?: string;
  statusDetails?: { message?: string };
  steps?: Step[];
  attachments?: Array<{ name: string }>;
}
interface AllureResult extends Step {
  testCaseId: string;
  labels: Array<{ name: string; value: string }>;
  links: Array<{ url: string; name?: string; type?: string }>;
  parameters: Array<{ name: string; value: string; excluded?: boolean }>;
}

function allureResults(run: ConformanceRun): Map<string, AllureResult> {
  const dir = path.join(run.reportsDir, 'allure-results');
  const byId = new Map<string, AllureResult>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('-result.json'))) {
    const result = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as AllureResult;
    const id = label(result, 'scenarioId');
    if (id) byId.set(id, result);
  }
  return byId;
}

function label(result: AllureResult, name: string): string | undefined {
  return result.labels.find((l) => l.name === name)?.value;
}
function labels(result: AllureResult, name: string): string[] {
  return result.labels.filter((l) => l.name === name).map((l) => l.value);
}
function parameter(result: AllureResult, name: string) {
  return result.parameters.find((p) => p.name === name);
}
function allSteps(steps: Step[] = []): Step[] {
  return steps.flatMap((step) => [step, ...allSteps(step.steps)]);
}

/** A file of the generated report, parsed. */
function reportJson<T>(run: ConformanceRun, ...parts: string[]): T {
  return JSON.parse(fs.readFileSync(path.join(run.reportsDir, 'allure-report', ...parts), 'utf8')) as T;
}

interface ReportTestResult {
  name: string;
  status: string;
  testCase: { id: string };
  history: Array<{ status: string }>;
  categories?: Array<{ name: string }>;
  labels: Array<{ name: string; value: string }>;
}
function reportTestResults(run: ConformanceRun): Map<string, ReportTestResult> {
  const dir = path.join(run.reportsDir, 'allure-report', 'data', 'test-results');
  const byId = new Map<string, ReportTestResult>();
  for (const file of fs.readdirSync(dir)) {
    const result = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as ReportTestResult;
    const id = result.labels.find((l) => l.name === 'scenarioId')?.value;
    if (id) byId.set(id, result);
  }
  return byId;
}

interface CategoryNode {
  type: string;
  name: string;
  childrenIds?: string[];
}
/** Category name → names of the test results under it (at any depth). */
function reportCategories(run: ConformanceRun): Map<string, string[]> {
  const { roots, nodes } = reportJson<{ roots: string[]; nodes: Record<string, CategoryNode> }>(
    run,
    'widgets',
    'categories.json',
  );
  const leaves = (id: string): string[] => {
    const node = nodes[id];
    if (!node) return [];
    return node.type === 'tr' ? [node.name] : (node.childrenIds ?? []).flatMap(leaves);
  };
  return new Map(roots.map((root) => [nodes[root]?.name ?? root, leaves(root)]));
}

interface GateResult {
  rule: string;
  success: boolean;
  message: string;
}

function tempHistory(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-history-')), 'allure-history.jsonl');
}

test('labels, test case id, links, parameters, Process-ID, timing, advisories and environment reach the results', async () => {
  // NotAuthorized answers with a SessionID: every scenario passes, the refusals raise an advisory.
  const mock = await startMock({ port: 0, fault: 'not-authorized-with-session-id' });
  let run: ConformanceRun;
  try {
    run = await runConformance({
      OICP_BASE_URL: mock.url,
      OICP_SCENARIOS: RFID_FILE,
      OICP_SOURCE_URL: 'https://git.example/oicp-suite/blob/main',
      OICP_ALLURE_HISTORY: tempHistory(),
    });
  } finally {
    await mock.close();
  }
  expect(run.exitCode, run.stdout + run.stderr).toBe(0);
  const results = allureResults(run);
  expect([...results.keys()].sort()).toEqual(RFID_IDS);

  for (const [id, result] of results) {
    expect(result.testCaseId).toBe(scenarioTestCaseId(id));
    expect(label(result, 'epic')).toBe('OICP 2.3 eRoamingAuthorizeStart');
    expect(label(result, 'feature')).toBe('RFID (Mifare family)');
    expect(label(result, 'story')).toBeTruthy();
    expect(label(result, 'severity')).toBe('critical');
    expect(labels(result, 'tag')).toContain('certification');
    expect(label(result, 'targetProfile')).toBe('mock');
    expect(parameter(result, 'identification')).toMatchObject({ value: 'RFIDMifareFamilyIdentification' });
    expect(parameter(result, 'target')).toMatchObject({ value: mock.url, excluded: true });
    // Hubject's Process-ID (the mock sends one like Hubject) and the response time, outside the history key.
    expect(parameter(result, 'Process-ID')?.value).toMatch(/^[0-9a-f-]{36}$/);
    expect(parameter(result, 'Process-ID')?.excluded).toBe(true);
    expect(parameter(result, 'response time')?.value).toMatch(/^\d+ ms \(budget 10000 ms\)$/);
    const urls = result.links.map((link) => link.url);
    expect(urls).toContain(OPERATION_DOC);
    expect(urls).toContain(
      'https://github.com/hubject/oicp-cpo-2.3-api-doc/blob/master/src/schemas/RFIDMifareFamilyIdentification.yaml',
    );
    expect(urls).toContain(
      'https://github.com/hubject/oicp-cpo-2.3-api-doc/blob/master/src/schemas/StatusCode.yaml',
    );
    expect(
      urls.some((url) =>
        /^https:\/\/git\.example\/oicp-suite\/blob\/main\/data\/scenarios\/authorize-start\/rfid\.yaml#L\d+$/.test(
          url,
        ),
      ),
    ).toBe(true);
    // One step per phase, then one per check.
    const names = (result as Step).steps?.map((step) => step.name) ?? [];
    expect(names[0]).toMatch(/^Load scenario /);
    expect(names).toContain('Resolve variables from the profile');
    expect(names.some((name) => name.startsWith('Lint request'))).toBe(true);
    expect(names.some((name) => name.startsWith('Send POST '))).toBe(true);
    expect(names.some((name) => name.startsWith('Check httpStatusAsExpected'))).toBe(true);
  }

  // The advisory is visible (tag, label, attachment) on passed scenarios, and filed under "Advisories".
  const refused = results.get('rfid-unknown-uid-not-authorized') as AllureResult;
  expect(refused.status).toBe('passed');
  expect(labels(refused, 'tag')).toContain('advisory');
  expect(labels(refused, 'advisory')).toEqual(['notAuthorizedWithoutSessionId']);
  expect(
    allSteps(refused.steps).some((s) =>
      s.attachments?.some((a) => a.name === 'advisory-notAuthorizedWithoutSessionId.txt'),
    ),
  ).toBe(true);
  expect(labels(results.get('rfid-guide-example-authorized') as AllureResult, 'advisory')).toEqual([]);
  expect(reportCategories(run).get('Advisories (passed, best-practice findings)')?.length).toBe(2);

  // Allure 3 filed each scenario under a test case derived from its id.
  for (const [id, result] of reportTestResults(run))
    expect(result.testCase.id).toBe(createHash('md5').update(scenarioTestCaseId(id)).digest('hex'));

  // environment.properties escapes the spaces of its keys.
  const environment = fs
    .readFileSync(path.join(run.reportsDir, 'allure-results', 'environment.properties'), 'utf8')
    .split('\n')
    .map((line) => line.split('=', 1)[0]?.replace(/\\ /g, ' '));
  for (const key of [
    'target',
    'profile',
    'OICP version',
    'endpoint',
    'suite',
    'node',
    'playwright',
    'run start',
  ])
    expect(environment).toContain(key);
  expect(reportJson<GateResult[]>(run, 'quality-gate.json').every((rule) => rule.success)).toBe(true);
  expect(run.stdout).toContain('3 passed, 0 failed, 2 advisory finding(s)');
  expect(run.stdout).toContain('Quality gate: passed');
});

test('a failing certification scenario lands in its category with its explanation, fails the gate and the exit code; history follows the scenario id across a rename', async () => {
  const history = tempHistory();
  const clean = await startMock({ port: 0 });
  let first: ConformanceRun;
  try {
    first = await runConformance({
      OICP_BASE_URL: clean.url,
      OICP_SCENARIOS: RFID_FILE,
      OICP_ALLURE_HISTORY: history,
    });
  } finally {
    await clean.close();
  }
  expect(first.exitCode, first.stdout + first.stderr).toBe(0);

  // The second run: renamed titles (history must not care), against a mock that authorizes every card.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-renamed-'));
  const renamed = path.join(dir, 'rfid.yaml');
  fs.writeFileSync(
    renamed,
    fs.readFileSync(RFID_FILE, 'utf8').replace(/^( {4}title: )(.*)$/gm, '$1"Renamed: $2"'),
  );
  const faulty = await startMock({ port: 0, fault: 'authorize-everything' });
  let second: ConformanceRun;
  try {
    second = await runConformance({
      OICP_BASE_URL: faulty.url,
      OICP_SCENARIOS: renamed,
      OICP_ALLURE_HISTORY: history,
    });
  } finally {
    await faulty.close();
  }
  expect(second.exitCode).toBe(1);

  // The failed check's step carries the explanation.
  const failed = allureResults(second).get('rfid-unknown-uid-not-authorized') as AllureResult;
  expect(failed.status).toBe('failed');
  expect(label(failed, 'failureCategory')).toBe('status');
  const step = allSteps(failed.steps).find((s) => s.name.startsWith('Check authorizationStatusAsExpected'));
  expect(step?.status).toBe('failed');
  expect(step?.statusDetails?.message).toContain('expected: AuthorizationStatus "NotAuthorized"');
  expect(step?.statusDetails?.message).toContain('received: AuthorizationStatus "Authorized"');
  expect(step?.statusDetails?.message).toContain('rule: ');

  // Filed under "Unexpected status / code" in the report; the gate failed there and in the console.
  const categories = reportCategories(second);
  const idOf = (name: string) => /\[([a-z0-9-]+)\]$/.exec(name)?.[1];
  expect(categories.get('Unexpected status / code')?.map(idOf).sort()).toEqual([
    'rfid-card-without-contract-not-authorized',
    'rfid-unknown-uid-not-authorized',
  ]);
  const gate = reportJson<GateResult[]>(second, 'quality-gate.json');
  expect(gate.find((rule) => rule.rule === 'certification/maxFailures')).toMatchObject({ success: false });
  expect(second.stdout).toContain('Quality gate: FAILED');
  expect(second.stdout).toMatch(
    /✘ rfid-unknown-uid-not-authorized · Renamed: .* · \[Unexpected status \/ code\] authorizationStatusAsExpected: expected AuthorizationStatus "NotAuthorized", received AuthorizationStatus "Authorized"/,
  );
  // Its code (102) is an assumption: reported beside the failure as not confirmed, not as a second failure.
  expect(second.stdout).toContain(
    '  ? rfid-unknown-uid-not-authorized · statusCode (assumption): expected StatusCode.Code "102", received StatusCode.Code "000"',
  );
  expect(second.stdout).toContain('1 passed, 2 failed');

  // Two runs, two history entries; each renamed scenario shows its first run (passed) as history.
  expect(fs.readFileSync(history, 'utf8').trim().split('\n')).toHaveLength(2);
  const reported = reportTestResults(second);
  expect([...reported.keys()].sort()).toEqual(RFID_IDS);
  for (const result of reported.values()) {
    expect(result.name).toMatch(/^Renamed: /);
    expect(result.history.map((h) => h.status)).toEqual(['passed']);
  }
});

test('failures outside the certification scenarios fail the run but not the gate; a dead target is a transport error', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-uncertified-'));
  const file = path.join(dir, 'rfid.yaml');
  fs.writeFileSync(file, fs.readFileSync(RFID_FILE, 'utf8').replace(/tags: \[[^\]]*\]/g, 'tags: [smoke]'));
  const closed = await startMock({ port: 0 });
  await closed.close();
  const run = await runConformance({
    OICP_BASE_URL: closed.url,
    OICP_SCENARIOS: file,
    OICP_ALLURE_HISTORY: tempHistory(),
  });
  expect(run.exitCode).toBe(1);
  const results = allureResults(run);
  expect(results.size).toBe(3);
  // The dead target stops the run after two failures (fail-fast); what did not run is skipped, not failed.
  const failed = [...results.values()].filter((result) => result.status !== 'skipped');
  expect(failed.length).toBeGreaterThanOrEqual(2);
  for (const result of failed) expect(label(result, 'failureCategory')).toBe('transport');
  expect(reportCategories(run).get('Transport error')).toHaveLength(failed.length);
  expect(reportJson<GateResult[]>(run, 'quality-gate.json').every((rule) => rule.success)).toBe(true);
  expect(run.stdout).toContain('Quality gate: passed');
  expect(run.stdout).toMatch(
    /✘ rfid-guide-example-authorized · .* · \[Transport error\] POST http:\/\/127\.0\.0\.1:\d+\/api\/oicp\/.* failed: /,
  );
  expect(run.stdout).toContain(`By category: Transport error ${failed.length}`);
});

const BASES_FIXTURE = `feature: Bases and the whole run
scenarios:
  - id: fixture-authorized-first
    title: A known card is authorized
    request:
      operatorId: "{{operatorId}}"
      body:
        OperatorID: "{{operatorId}}"
        EvseID: "{{evseId}}"
        Identification: { RFIDMifareFamilyIdentification: { UID: "{{authorizedUid}}" } }
    expect: { status: 200, authorizationStatus: Authorized, statusCode: "000", basis: { rule: "OICP 2.3 eRoamingAuthorizeStart" } }
  - id: fixture-authorized-second
    title: Another known card is authorized
    request:
      operatorId: "{{operatorId}}"
      body:
        OperatorID: "{{operatorId}}"
        EvseID: "{{evseId}}"
        Identification: { RFIDMifareFamilyIdentification: { UID: "{{authorizedUid20}}" } }
    expect: { status: 200, authorizationStatus: Authorized, statusCode: "000", basis: { rule: "OICP 2.3 eRoamingAuthorizeStart" } }
  - id: fixture-refusal-code-assumed
    title: An unknown card is refused, with 106 by assumption
    request:
      operatorId: "{{operatorId}}"
      body:
        OperatorID: "{{operatorId}}"
        EvseID: "{{evseId}}"
        Identification: { RFIDMifareFamilyIdentification: { UID: "{{unknownUid}}" } }
    expect:
      status: 200
      authorizationStatus: NotAuthorized
      statusCode: "106"
      basis:
        default: { rule: "OICP 2.3 eRoamingAuthorizeStart" }
        statusCode: { assumption: "the broadcast answers an unknown card with 106" }
`;

test('an unconfirmed assumption is its own category on a passed test; the run-level checks are a test of their own that fails the run', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-bases-'));
  const file = path.join(dir, 'bases.yaml');
  fs.writeFileSync(file, BASES_FIXTURE);
  // Every Authorized answer with the same SessionID: each scenario is fine, only the whole run shows it.
  const mock = await startMock({ port: 0, fault: 'repeated-session-id' });
  let run: ConformanceRun;
  try {
    run = await runConformance({
      OICP_BASE_URL: mock.url,
      OICP_SCENARIOS: file,
      OICP_ALLURE_HISTORY: tempHistory(),
    });
  } finally {
    await mock.close();
  }
  expect(run.exitCode, run.stdout + run.stderr).toBe(1);
  expect(run.stdout).toContain('3 passed, 0 failed, 1 expectation(s) not confirmed');
  expect(run.stdout).toContain(
    '  ? fixture-refusal-code-assumed · statusCode (assumption): expected StatusCode.Code "106", received StatusCode.Code "102"',
  );
  expect(run.stdout).toContain('Run-level checks: FAILED\n  ✘ authorizedSessionIdsUnique:');

  const assumed = allureResults(run).get('fixture-refusal-code-assumed') as AllureResult;
  expect(assumed.status).toBe('passed');
  expect(labels(assumed, 'unconfirmed')).toEqual(['statusCode (assumption)']);
  expect(labels(assumed, 'tag')).toContain('unconfirmed');
  const step = allSteps(assumed.steps).find(
    (s) => s.name === 'Expectation not confirmed by this target: statusCode (assumption)',
  );
  expect(
    allSteps(step?.steps).some((s) => s.attachments?.some((a) => a.name === 'unconfirmed-statusCode.txt')),
  ).toBe(true);

  const runLevel = fs
    .readdirSync(path.join(run.reportsDir, 'allure-results'))
    .filter((f) => f.endsWith('-result.json'))
    .map(
      (f) =>
        JSON.parse(fs.readFileSync(path.join(run.reportsDir, 'allure-results', f), 'utf8')) as AllureResult,
    )
    .find((r) => r.name === 'Run-level checks');
  expect(runLevel?.status).toBe('failed');
  expect(runLevel?.steps?.map((s) => [s.name, s.status])).toEqual([
    [
      'Run check authorizedSessionIdsUnique: Every Authorized answer of the run carries its own SessionID',
      'failed',
    ],
  ]);

  const categories = reportCategories(run);
  expect(categories.get('Expectation not confirmed by this target')).toEqual([
    'An unknown card is refused, with 106 by assumption [fixture-refusal-code-assumed]',
  ]);
  expect(categories.get('Protocol rule')).toContain('Run-level checks');
  // The gate judges certification scenarios: none here failed; the exit code still follows the run-level check.
  expect(reportJson<GateResult[]>(run, 'quality-gate.json').every((rule) => rule.success)).toBe(true);
});
