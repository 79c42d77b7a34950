import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMock } from '../../mock/server.ts';
import { OPERATION_DOC, scenarioTestCaseId } from '../../src/report/allure-labels.ts';
import { allureReportData, allureReportJson } from '../../src/report/report-data.ts';
import {
  type ConformanceRun,
  runConformance,
  scenarioResults,
  scenariosByOutcome,
} from '../support/conformance-run.ts';
import { expect, test } from '../support/test.ts';
import { withMock } from '../support/with-mock.ts';

// The Allure side of a run, judged in what the real CLI writes: allure-results (what allure-playwright
// recorded) and allure-report (what Allure 3 made of it). Small conformance runs, one per test, the first run
// of the history test being the first test's.

const RFID_FILE = 'tests/fixtures/scenarios/rfid.yaml';
const RFID_IDS = ['fixture-rfid-authorized', 'fixture-rfid-no-contract', 'fixture-rfid-unknown-uid'];

interface Step {
  name: string;
  status?: string;
  statusDetails?: { message?: string; trace?: string };
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

/** A file of the generated report (the single file inlines them), parsed. */
function reportJson<T>(run: ConformanceRun, name: string): T {
  return allureReportJson<T>(path.join(run.reportsDir, 'allure-report'), name);
}

interface ReportTestResult {
  name: string;
  status: string;
  testCase: { id: string };
  history: Array<{ status: string }>;
  categories?: Array<{ name: string }>;
  labels: Array<{ name: string; value: string }>;
  descriptionHtml?: string;
  steps?: Step[];
}
function reportTestResults(run: ConformanceRun): Map<string, ReportTestResult> {
  const byId = new Map<string, ReportTestResult>();
  for (const [name, data] of allureReportData(path.join(run.reportsDir, 'allure-report'))) {
    if (!name.startsWith('data/test-results/')) continue;
    const result = JSON.parse(data.toString('utf8')) as ReportTestResult;
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
    'widgets/categories.json',
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

function gateOf(run: ConformanceRun): GateResult[] {
  return JSON.parse(
    fs.readFileSync(path.join(run.reportsDir, 'allure-report', 'quality-gate.json'), 'utf8'),
  ) as GateResult[];
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

function tempHistory(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-history-')), 'allure-history.jsonl');
}

/**
 * A run where every scenario passes and the refusals raise an advisory (NotAuthorized answers with a SessionID),
 * with a source URL and a history of its own; made once per worker. The first test judges its results; the
 * second continues its history with a failing run. They run in order in one worker (a worker that a failed test
 * leaves is replaced, and the run made again).
 */
let passing: Promise<{ run: ConformanceRun; history: string; target: string }> | undefined;
function passingRun(): Promise<{ run: ConformanceRun; history: string; target: string }> {
  passing ??= (async () => {
    const history = tempHistory();
    return withMock({ fault: 'not-authorized-with-session-id' }, async (mock) => {
      const run = await runConformance({
        OICP_BASE_URL: mock.url,
        OICP_SCENARIOS: RFID_FILE,
        OICP_SOURCE_URL: 'https://git.example/oicp-suite/blob/main',
        OICP_ALLURE_HISTORY: history,
      });
      return { run, history, target: mock.url };
    });
  })();
  return passing;
}

test.describe('a passing run, then a failing one on the same history', () => {
  test.describe.configure({ mode: 'default' });

  test('labels, test case id, links, parameters, Process-ID, timing, advisories and environment reach the results', async () => {
    const { run, target } = await passingRun();
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const results = allureResults(run);
    expect([...results.keys()].sort()).toEqual(RFID_IDS);

    for (const [id, result] of results) {
      expect(result.testCaseId).toBe(scenarioTestCaseId(id));
      expect(label(result, 'epic')).toBe('OICP 2.3 eRoamingAuthorizeStart');
      expect(label(result, 'feature')).toBe('Fixture RFID cards');
      expect(label(result, 'story')).toBeTruthy();
      expect(label(result, 'severity')).toBe('critical');
      expect(labels(result, 'tag')).toContain('certification');
      expect(parameter(result, 'identification')).toMatchObject({ value: 'RFIDMifareFamilyIdentification' });
      expect(parameter(result, 'target')).toMatchObject({ value: target, excluded: true });
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
          /^https:\/\/git\.example\/oicp-suite\/blob\/main\/tests\/fixtures\/scenarios\/rfid\.yaml#L\d+$/.test(
            url,
          ),
        ),
      ).toBe(true);
      // The scenario as written first (its YAML), then one step per phase, then the checks: one step for each
      // check with a finding, and one naming every check that passed.
      const names = (result as Step).steps?.map((step) => step.name) ?? [];
      expect(names[0]).toMatch(/^Load scenario [a-z0-9-]+ \(tests\/fixtures\/scenarios\/rfid\.yaml:\d+\)$/);
      expect(result.steps?.[0]?.steps?.[0]?.attachments?.[0]?.name).toBe('scenario.yaml');
      expect(names[1]).toBe(
        'Resolve variables from the profile; lint the request against eRoamingAuthorizeStart',
      );
      expect(names.some((name) => name.startsWith('Send POST '))).toBe(true);
      expect(names.some((name) => /^\d+ check\(s\) passed: .*\bhttpStatusAsExpected\b/.test(name))).toBe(
        true,
      );
    }

    // The advisory is visible (tag, label, attachment) on passed scenarios, and filed under "Advisories".
    const refused = results.get('fixture-rfid-unknown-uid') as AllureResult;
    expect(refused.status).toBe('passed');
    expect(labels(refused, 'tag')).toContain('advisory');
    expect(labels(refused, 'advisory')).toEqual(['notAuthorizedWithoutSessionId']);
    // It reads as a finding: its step passed, holding a "Finding" step with the explanation, never an error.
    const advisoryStep = allSteps(refused.steps).find((s) =>
      s.name.startsWith('Advisory notAuthorizedWithoutSessionId'),
    );
    expect(advisoryStep?.status).toBe('passed');
    expect(advisoryStep?.statusDetails?.message).toBeFalsy();
    const finding = advisoryStep?.steps?.find((s) =>
      s.name.startsWith('Finding: notAuthorizedWithoutSessionId: expected'),
    );
    expect(finding?.status).toBe('passed');
    expect(
      allSteps(finding?.steps).some((s) =>
        s.attachments?.some((a) => a.name === 'advisory-notAuthorizedWithoutSessionId.txt'),
      ),
    ).toBe(true);
    expect(allSteps(refused.steps).filter((s) => s.status === 'failed' || s.status === 'broken')).toEqual([]);
    const reportedRefusal = reportTestResults(run).get('fixture-rfid-unknown-uid');
    expect(reportedRefusal?.descriptionHtml).toContain('Best-practice findings');
    expect(reportedRefusal?.descriptionHtml).toContain('notAuthorizedWithoutSessionId: expected');
    expect(labels(results.get('fixture-rfid-authorized') as AllureResult, 'advisory')).toEqual([]);
    expect(reportCategories(run).get('Advisories (passed, best-practice findings)')?.length).toBe(2);

    // Allure 3 filed each scenario under a test case derived from its id; the page shows no label that says
    // nothing (language, framework, spec file, title path, machine, worker).
    for (const [id, result] of reportTestResults(run)) {
      expect(result.testCase.id).toBe(createHash('md5').update(scenarioTestCaseId(id)).digest('hex'));
      const names = result.labels.map((l) => l.name);
      for (const noise of ['language', 'framework', 'package', 'titlePath', 'host', 'thread', 'subSuite'])
        expect(names, noise).not.toContain(noise);
      expect(names).toEqual(
        expect.arrayContaining(['epic', 'feature', 'story', 'severity', 'scenarioId', 'tag']),
      );
    }

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
    expect(gateOf(run).every((rule) => rule.success)).toBe(true);
    expect(run.stdout).toContain('3 passed, 0 failed, 2 advisory finding(s)');
    expect(run.stdout).toContain('Quality gate: passed');
  });

  test('a failing certification scenario lands in its category with its explanation, fails the gate and the exit code; history follows the scenario id across a rename', async () => {
    // The first run on the history: the passing one above.
    const { run: first, history } = await passingRun();
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);

    // The second run: renamed titles (history must not care), against a mock that authorizes every card.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-renamed-'));
    const renamed = path.join(dir, 'rfid.yaml');
    fs.writeFileSync(
      renamed,
      fs.readFileSync(RFID_FILE, 'utf8').replace(/^( {4}title: )(.*)$/gm, '$1"Renamed: $2"'),
    );
    const second = await withMock({ fault: 'authorize-everything' }, (faulty) =>
      runConformance({
        OICP_BASE_URL: faulty.url,
        OICP_SCENARIOS: renamed,
        OICP_ALLURE_HISTORY: history,
        // Playwright's own reports too, when asked for: none of them may carry the AI prompt either.
        OICP_PLAYWRIGHT_REPORTS: 'json,html',
      }),
    );
    // A target that breaks the contract fails the run (exit 1; through the process itself in
    // tests/mutation/mutation.test.ts), and the run record names the scenarios and the check.
    expect(second.exitCode).toBe(1);
    const notPassed = scenarioResults(second).filter((r) => r.status !== 'passed');
    expect(notPassed.map((r) => r.id).sort()).toEqual([
      'fixture-rfid-no-contract',
      'fixture-rfid-unknown-uid',
    ]);
    for (const result of notPassed) expect(result.error).toContain('authorizationStatusAsExpected');

    // The failed check's step carries the explanation.
    const failed = allureResults(second).get('fixture-rfid-unknown-uid') as AllureResult;
    expect(failed.status).toBe('failed');
    expect(label(failed, 'failureCategory')).toBe('status');
    const step = allSteps(failed.steps).find((s) => s.name.startsWith('Check authorizationStatusAsExpected'));
    expect(step?.status).toBe('failed');
    expect(step?.statusDetails?.message).toContain('expected: AuthorizationStatus "NotAuthorized"');
    expect(step?.statusDetails?.message).toContain('received: AuthorizationStatus "Authorized"');
    expect(step?.statusDetails?.message).toContain('rule: ');
    // Each failure once: the scenario's own error names the failed checks, the step explains; the answer the
    // check judged is right there in the failed step.
    expect(failed.statusDetails?.message).toContain('1 check(s) failed: authorizationStatusAsExpected');
    expect(failed.statusDetails?.message).not.toContain('expected: AuthorizationStatus');
    expect(allSteps(step?.steps).some((s) => s.attachments?.some((a) => a.name === 'answer-body.json'))).toBe(
      true,
    );

    // Filed under "Unexpected status / code" in the report; the gate failed there and in the console.
    const categories = reportCategories(second);
    const idOf = (name: string) => /\[([a-z0-9-]+)\]$/.exec(name)?.[1];
    expect(categories.get('Unexpected status / code')?.map(idOf).sort()).toEqual([
      'fixture-rfid-no-contract',
      'fixture-rfid-unknown-uid',
    ]);
    const gate = gateOf(second);
    expect(gate.find((rule) => rule.rule === 'certification/maxFailures')).toMatchObject({ success: false });
    expect(second.stdout).toContain('Quality gate: FAILED');
    expect(second.stdout).toMatch(
      /✘ fixture-rfid-unknown-uid · Renamed: .* · \[Unexpected status \/ code\]\n {6}authorizationStatusAsExpected: expected AuthorizationStatus "NotAuthorized", received AuthorizationStatus "Authorized"\n/,
    );
    // Its code (102) is an assumption: reported beside the failure as not confirmed, not as a second failure.
    expect(second.stdout).toContain(
      '  ? fixture-rfid-unknown-uid · statusCode (assumption): expected StatusCode.Code "102", received StatusCode.Code "000"',
    );
    expect(second.stdout).toContain('1 passed, 2 failed');
    // The console tells a failed check by its expected/received, without a code frame of the suite's source.
    expect(second.stdout + second.stderr).not.toMatch(/scenario-runner\.ts|^\s+at /m);
    expect(second.stdout + second.stderr).not.toMatch(/\s>\s+\d+ \|/);
    // Nor do the reports: the failed check's step and the test hold no stack frames.
    expect(step?.statusDetails?.trace ?? '').not.toMatch(/\bat /);
    expect(failed.statusDetails?.trace ?? '').not.toMatch(/\bat /);
    // Playwright's prompt for an AI assistant (error-context) is in no report.
    for (const file of filesUnder(second.reportsDir))
      expect(fs.readFileSync(file).includes('error-context.md'), file).toBe(false);
    expect(second.results, 'the JSON report was asked for').toBeDefined();
    expect(JSON.stringify(second.results)).not.toContain('"error-context"');
    // JUnit: a contract violation is a failure with expected/received, not an error.
    const junit = fs.readFileSync(path.join(second.reportsDir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites [^>]*tests="3" failures="2" errors="0" skipped="0"/);
    expect(junit).toContain(
      '<failure message="authorizationStatusAsExpected: expected AuthorizationStatus &quot;NotAuthorized&quot;, received AuthorizationStatus &quot;Authorized&quot;" type="Unexpected status / code">',
    );

    // Two runs, two history entries; each renamed scenario shows its first run (passed) as history.
    expect(fs.readFileSync(history, 'utf8').trim().split('\n')).toHaveLength(2);
    const reported = reportTestResults(second);
    expect([...reported.keys()].sort()).toEqual(RFID_IDS);
    for (const result of reported.values()) {
      expect(result.name).toMatch(/^Renamed: /);
      expect(result.history.map((h) => h.status)).toEqual(['passed']);
    }
  });
});

// One run against a refused port, for what the run does (fail-fast through the real command and Playwright's
// workers; each kind of dead target through the runner in the test's process: tests/mock/dead-target-runs.test.ts)
// and what its reports say. The batch fixture's scenarios are tagged @smoke here: tagged, but none of them a
// certification scenario.
test.describe('one run against a refused port', () => {
  test.describe.configure({ mode: 'default' });
  const BATCH_SIZE = 8;
  let dead: { run: ConformanceRun; url: string; port: number } | undefined;
  const deadRun = async () => {
    if (dead) return dead;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-uncertified-')), 'batch.yaml');
    fs.writeFileSync(
      file,
      fs
        .readFileSync('tests/fixtures/scenarios/batch.yaml', 'utf8')
        .replace(/^( {2}- id: .*)$/gm, '$1\n    tags: [smoke]'),
    );
    const closed = await startMock({ port: 0 });
    await closed.close();
    const run = await runConformance({
      OICP_BASE_URL: closed.url,
      OICP_SCENARIOS: file,
      OICP_ALLURE_HISTORY: tempHistory(),
    });
    const { port } = new URL(closed.url);
    dead = { run, url: closed.url, port: Number(port) };
    return dead;
  };

  test('a refused port: the run stops after two failures, names the cause once, the rest is not run', async () => {
    const { run, url, port } = await deadRun();
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    const { results, failed, notRun } = scenariosByOutcome(run);
    expect(results).toHaveLength(BATCH_SIZE);
    // Two in a row stop a target that never answered; a second worker may have had one in flight.
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(failed.length).toBeLessThanOrEqual(3);
    expect(notRun).toHaveLength(BATCH_SIZE - failed.length);
    for (const result of failed)
      expect(result.error).toContain(`nothing accepts connections at 127.0.0.1:${port}`);
    expect(run.stdout).toContain(
      `The run stopped after 2 consecutive transport failure(s) of one kind (connection refused) at ${url}`,
    );
    expect(run.stdout).toContain('The remaining scenarios were not run.');
    expect(run.stdout.match(/^✘ The run stopped after/gm)).toHaveLength(1);
  });

  test('failures outside the certification scenarios fail the run but not the gate; a dead target is a transport error', async () => {
    const { run } = await deadRun();
    expect(run.exitCode).toBe(1);
    const results = allureResults(run);
    expect(results.size).toBe(BATCH_SIZE);
    for (const result of results.values()) expect(labels(result, 'tag')).toContain('smoke');
    // The dead target stops the run after two failures (fail-fast); what did not run is skipped, not failed.
    const failed = [...results.values()].filter((result) => result.status !== 'skipped');
    expect(failed.length).toBeGreaterThanOrEqual(2);
    for (const result of failed) expect(label(result, 'failureCategory')).toBe('transport');
    expect(reportCategories(run).get('Transport error')).toHaveLength(failed.length);
    expect(gateOf(run).every((rule) => rule.success)).toBe(true);
    expect(run.stdout).toContain('Quality gate: passed');
    expect(run.stdout).toMatch(
      /✘ fixture-batch-[a-z]+ · .* · \[Transport error\]\n {6}POST http:\/\/127\.0\.0\.1:\d+\/api\/oicp\/.* failed: /,
    );
    expect(run.stdout).toContain(`By category: Transport error ${failed.length}`);
    // JUnit: a target that does not answer is an error, not a failed check.
    const junit = fs.readFileSync(path.join(run.reportsDir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(
      new RegExp(`<testsuites [^>]*tests="${BATCH_SIZE}" failures="0" errors="${failed.length}"`),
    );
    expect(junit).toMatch(
      /<error message="TransportError: POST http:\/\/127\.0\.0\.1:\d+\/api\/oicp\/[^"]*" type="Transport error">/,
    );
  });
});

const BASES_FIXTURE = `feature: Bases and the whole run
basis: { rule: { statement: broadcast-one-authorizes } }
scenarios:
  - id: fixture-authorized-first
    title: A known card is authorized
    request:
      operatorId: "{{operatorId}}"
      body:
        OperatorID: "{{operatorId}}"
        EvseID: "{{evseId}}"
        Identification: { RFIDMifareFamilyIdentification: { UID: "{{authorizedUid}}" } }
    expect: { status: 200, authorizationStatus: Authorized, statusCode: "000", basis: { rule: { statement: broadcast-one-authorizes } } }
  - id: fixture-authorized-second
    title: Another known card is authorized
    request:
      operatorId: "{{operatorId}}"
      body:
        OperatorID: "{{operatorId}}"
        EvseID: "{{evseId}}"
        Identification: { RFIDMifareFamilyIdentification: { UID: "{{authorizedUid20}}" } }
    expect: { status: 200, authorizationStatus: Authorized, statusCode: "000", basis: { rule: { statement: broadcast-one-authorizes } } }
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
        default: { rule: { statement: broadcast-one-authorizes } }
        statusCode: { assumption: "the broadcast answers an unknown card with 106" }
`;

test('an unconfirmed assumption is its own category on a passed test; the run-level checks are a test of their own that fails the run', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-bases-'));
  const file = path.join(dir, 'bases.yaml');
  fs.writeFileSync(file, BASES_FIXTURE);
  // Every Authorized answer with the same SessionID: each scenario is fine, only the whole run shows it.
  const run = await withMock({ fault: 'repeated-session-id' }, (mock) =>
    runConformance({ OICP_BASE_URL: mock.url, OICP_SCENARIOS: file, OICP_ALLURE_HISTORY: tempHistory() }),
  );
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
  expect(gateOf(run).every((rule) => rule.success)).toBe(true);
});
