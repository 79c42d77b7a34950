import fs from 'node:fs';
import path from 'node:path';
import { type RunningMock, startMock } from '../../mock/server.ts';
import { runConformance } from '../support/conformance-run.ts';
import { expect, test } from '../support/test.ts';

// The console of a run, as an engineer reads it at 02:00: the header counts what will run, failures and
// advisories are named, nothing of the suite's own source is printed. The console of the whole fixture run, as
// configured, is judged with its report (tests/e2e/report-offline.test.ts makes that run once for both).
const SCENARIOS = 'tests/e2e/fixtures/report-scenarios.yaml';

let mock: RunningMock;
test.beforeAll(async () => {
  // Authorizes every card: the fixture's refusal fails, its other two scenarios pass (one with an advisory).
  mock = await startMock({ port: 0, fault: 'authorize-everything' });
});
test.afterAll(async () => {
  await mock.close();
});

/** A run with the JSON reporter only (and the suite's own): the header and summary, without the report generation. */
const run = (args: string[]) =>
  runConformance({ OICP_BASE_URL: mock.url, OICP_SCENARIOS: SCENARIOS }, { args, recordOnly: true });

// The tests run in order in one worker: the run with --grep-invert and a --reporter of the command line is
// made once, for the header's count and for what that --reporter leaves.
test.describe.configure({ mode: 'default' });
let dotRun: ReturnType<typeof runConformance> | undefined;
/** --grep-invert with the dot reporter: the command keeps its own reporter (header, run record, JUnit) beside it. */
const invertedWithDot = () => {
  dotRun ??= runConformance(
    { OICP_BASE_URL: mock.url, OICP_SCENARIOS: SCENARIOS },
    { args: ['--reporter=dot', '--grep-invert', 'report-fixture-unknown'] },
  );
  return dotRun;
};

test('the header counts the scenarios that will run after --grep, --grep-invert and --shard, and the summary only those', async () => {
  const [grep, invert, shard] = await Promise.all([
    run(['--grep', 'report-fixture-unknown']),
    invertedWithDot(),
    run(['--shard', '2/2']),
  ]);
  const selection = `(a selection: OICP_SCENARIOS=${SCENARIOS})`;
  expect(grep.stdout).toContain(
    `OICP conformance: 1 of 3 scenario(s) ${selection}, profile 'mock', target ${mock.url}`,
  );
  expect(grep.stdout).toContain('0 passed, 1 failed');
  expect(grep.stdout).toContain('Coverage of a selection (1 of 3 scenario(s) ran; only what ran counts)');
  expect(invert.stdout).toContain(`OICP conformance: 2 of 3 scenario(s) ${selection}`);
  expect(invert.stdout).toContain('2 passed, 0 failed, 1 advisory finding(s)');
  const sharded = shard.record?.scenarios.length ?? 0;
  expect(sharded).toBeGreaterThan(0);
  expect(sharded).toBeLessThan(3);
  expect(shard.stdout).toContain(`OICP conformance: ${sharded} of 3 scenario(s) ${selection}`);
});

test('a --reporter on the command line still leaves the run record, JUnit and the summary', async () => {
  const dot = await invertedWithDot();
  expect(dot.exitCode, dot.stdout + dot.stderr).toBe(0);
  expect(dot.record?.scenarios).toHaveLength(2);
  expect(dot.stdout).toContain('2 passed, 0 failed, 1 advisory finding(s)');
  expect(fs.readFileSync(path.join(dot.reportsDir, 'junit.xml'), 'utf8')).toContain('tests="2"');
});
