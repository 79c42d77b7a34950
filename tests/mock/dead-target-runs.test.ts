import http from 'node:http';
import net from 'node:net';
import { scenariosByOutcome } from '../support/conformance-run.ts';
import { runEnvironmentInProcess } from '../support/in-process-run.ts';
import { listen } from '../support/listen.ts';
import { expect, test } from '../support/test.ts';

// Each kind of dead target ends the run after a few failures of that kind, with one message naming cause and
// URL; the remaining scenarios are reported as not run. Judged by the runner and its fail-fast state in the
// test's process, one scenario at a time; the same through the real command and Playwright's workers:
// tests/e2e/report.test.ts (one run against a refused port). The embedded mock never collides with a port in
// use: it takes a free one (tests/e2e/new-test-card.test.ts, whose run starts it without OICP_MOCK_PORT), and a
// port in use named explicitly is refused (tests/cli/ports.test.ts).

const BATCH = 'tests/fixtures/scenarios/batch.yaml';
const BATCH_SIZE = 8;

test('an unknown host stops the run the same way', async () => {
  const run = await runEnvironmentInProcess({
    OICP_BASE_URL: 'http://oicp-target.invalid',
    OICP_SCENARIOS: BATCH,
  });
  expect(run.exitCode).toBe(1);
  const { failed, notRun } = scenariosByOutcome(run);
  expect(failed.length).toBeGreaterThanOrEqual(2);
  expect(notRun.length).toBeGreaterThan(0);
  expect(failed[0]?.error).toContain('the host oicp-target.invalid cannot be resolved (unknown host)');
  expect(run.stdout).toContain('(unknown host) at http://oicp-target.invalid');
});

test('a target that accepts connections and never answers: stopped after two time budgets, not one per scenario', async () => {
  const silent = await listen(net.createServer(() => {}));
  try {
    const run = await runEnvironmentInProcess({
      OICP_BASE_URL: silent.url,
      OICP_SCENARIOS: BATCH,
      OICP_TIME_BUDGET_MS: '300',
    });
    expect(run.exitCode).toBe(1);
    const { failed, notRun } = scenariosByOutcome(run);
    expect(failed.length).toBeLessThanOrEqual(3);
    expect(notRun.length).toBeGreaterThanOrEqual(BATCH_SIZE - 3);
    expect(failed[0]?.verdicts?.failed.map((f) => f.check)).toEqual(['answeredWithinBudget']);
    expect(run.stdout).toContain('of one kind (no answer) at');
  } finally {
    await silent.close();
  }
});

test('a target that answered once and then dies is given five failures in a row', async () => {
  let answered = 0;
  const server = http.createServer((_req, res) => {
    if (answered++ === 0) {
      res.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8' });
      res.end(
        '{"SessionID":null,"AuthorizationStatus":"NotAuthorized","StatusCode":{"Code":"102","Description":null}}',
      );
      return;
    }
    res.socket?.destroy();
  });
  const target = await listen(server);
  try {
    const run = await runEnvironmentInProcess({ OICP_BASE_URL: target.url, OICP_SCENARIOS: BATCH });
    expect(run.exitCode).toBe(1);
    const { results, failed, notRun } = scenariosByOutcome(run);
    expect(results.filter((r) => r.status === 'passed')).toHaveLength(1);
    expect(failed).toHaveLength(5);
    expect(notRun).toHaveLength(BATCH_SIZE - 6);
    expect(run.stdout).toContain('The run stopped after 5 consecutive transport failure(s) of one kind');
  } finally {
    await target.close();
  }
});
