import net from 'node:net';
import { runConformance, scenariosByOutcome } from '../support/conformance-run.ts';
import { listen } from '../support/listen.ts';
import { expect, test } from '../support/test.ts';

// A dead target ends the run after a few failures of one kind, with one message naming cause and URL;
// the remaining scenarios are reported as not run: here through the real command and Playwright's workers,
// and for each kind of dead target through the runner in the test's process (tests/mock/dead-target-runs.test.ts).
// The embedded mock never collides with a port in use: it takes a free one (tests/e2e/new-test-card.test.ts,
// whose run starts it without OICP_MOCK_PORT), and a port in use named explicitly is refused
// (tests/cli/ports.test.ts).

const BATCH = 'tests/fixtures/scenarios/batch.yaml';
const BATCH_SIZE = 8;

test('a refused port: the run stops after two failures, names the cause once, the rest is not run', async () => {
  const closed = await listen(net.createServer());
  await closed.close();
  const run = await runConformance({ OICP_BASE_URL: closed.url, OICP_SCENARIOS: BATCH });
  expect(run.exitCode, run.stdout + run.stderr).toBe(1);
  const { results, failed, notRun } = scenariosByOutcome(run);
  expect(results).toHaveLength(BATCH_SIZE);
  // Two in a row stop a target that never answered; a second worker may have had one in flight.
  expect(failed.length).toBeGreaterThanOrEqual(2);
  expect(failed.length).toBeLessThanOrEqual(3);
  expect(notRun).toHaveLength(BATCH_SIZE - failed.length);
  for (const result of failed)
    expect(result.error).toContain(`nothing accepts connections at 127.0.0.1:${closed.port}`);
  expect(run.stdout).toContain(
    `The run stopped after 2 consecutive transport failure(s) of one kind (connection refused) at ${closed.url}`,
  );
  expect(run.stdout).toContain('The remaining scenarios were not run.');
  expect(run.stdout.match(/^✘ The run stopped after/gm)).toHaveLength(1);
});
