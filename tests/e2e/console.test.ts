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

// The tests run in order in one worker: the run with --grep, --grep-invert and a --reporter of the command line
// is made once, for the header's count and for what that --reporter leaves.
test.describe.configure({ mode: 'default' });
let dotRun: ReturnType<typeof runConformance> | undefined;
/**
 * --grep and --grep-invert together, with the dot reporter: the command keeps its own reporter (header, run
 * record, JUnit) beside it. The --grep selects the refusal and the advisory scenario, the --grep-invert takes the
 * refusal away: a count that missed either would be 2, not 1.
 */
const selectedWithDot = () => {
  dotRun ??= runConformance(
    { OICP_BASE_URL: mock.url, OICP_SCENARIOS: SCENARIOS },
    {
      args: [
        '--reporter=dot',
        '--grep',
        'report-fixture-(unknown|without)',
        '--grep-invert',
        'report-fixture-unknown',
      ],
    },
  );
  return dotRun;
};

test('the header counts the scenarios that will run after --grep, --grep-invert and --shard, and the summary only those', async () => {
  const [selected, shard] = await Promise.all([selectedWithDot(), run(['--shard', '2/2'])]);
  const selection = `(a selection: OICP_SCENARIOS=${SCENARIOS})`;
  expect(selected.stdout).toContain(
    `OICP conformance: 1 of 3 scenario(s) ${selection}, profile 'mock', target ${mock.url}`,
  );
  expect(selected.stdout).toContain('1 passed, 0 failed, 1 advisory finding(s)');
  expect(selected.stdout).toContain('Coverage of a selection (1 of 3 scenario(s) ran; only what ran counts)');
  const sharded = shard.record?.scenarios.length ?? 0;
  expect(sharded).toBeGreaterThan(0);
  expect(sharded).toBeLessThan(3);
  expect(shard.stdout).toContain(`OICP conformance: ${sharded} of 3 scenario(s) ${selection}`);
  // The summary counts the failures of the selection: the shard's share of the fixture against a mock that
  // authorizes every card, where only the refusal fails.
  const failed = shard.record?.scenarios.filter((s) => s.status === 'failed').length ?? -1;
  expect(shard.stdout).toContain(`${sharded - failed} passed, ${failed} failed`);
});

test('a --reporter on the command line still leaves the run record, JUnit and the summary', async () => {
  const dot = await selectedWithDot();
  expect(dot.exitCode, dot.stdout + dot.stderr).toBe(0);
  expect(dot.record?.scenarios.map((s) => s.id)).toEqual(['report-fixture-without-evse-id']);
  expect(dot.stdout).toContain('1 passed, 0 failed, 1 advisory finding(s)');
  expect(fs.readFileSync(path.join(dot.reportsDir, 'junit.xml'), 'utf8')).toContain('tests="1"');
});
