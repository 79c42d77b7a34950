import http from 'node:http';
import net from 'node:net';
import { runConformance, scenarioResults } from '../support/conformance-run.ts';
import { listen } from '../support/listen.ts';
import { expect, test } from '../support/test.ts';

// A dead target ends the run after a few failures of one kind, with one message naming cause and URL;
// the remaining scenarios are reported as not run. And the embedded mock never collides with a port in use
// (a port that is, named explicitly: tests/cli/ports.test.ts).

const BATCH = 'tests/fixtures/scenarios/batch.yaml';
const BATCH_SIZE = 8;

function outcome(run: Awaited<ReturnType<typeof runConformance>>) {
  const results = scenarioResults(run);
  return {
    results,
    failed: results.filter((r) => r.status === 'failed'),
    notRun: results.filter((r) => r.status === 'skipped'),
  };
}

test('a refused port: the run stops after two failures, names the cause once, the rest is not run', async () => {
  const closed = await listen(net.createServer());
  await closed.close();
  const run = await runConformance({ OICP_BASE_URL: closed.url, OICP_SCENARIOS: BATCH });
  expect(run.exitCode, run.stdout + run.stderr).toBe(1);
  const { results, failed, notRun } = outcome(run);
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

test('an unknown host stops the run the same way', async () => {
  const run = await runConformance(
    { OICP_BASE_URL: 'http://oicp-target.invalid', OICP_SCENARIOS: BATCH },
    { recordOnly: true },
  );
  expect(run.exitCode).toBe(1);
  const { failed, notRun } = outcome(run);
  expect(failed.length).toBeGreaterThanOrEqual(2);
  expect(notRun.length).toBeGreaterThan(0);
  expect(failed[0]?.error).toContain('the host oicp-target.invalid cannot be resolved (unknown host)');
  expect(run.stdout).toContain('(unknown host) at http://oicp-target.invalid');
});

test('a target that accepts connections and never answers: stopped after two time budgets, not one per scenario', async () => {
  const silent = await listen(net.createServer(() => {}));
  try {
    const run = await runConformance(
      { OICP_BASE_URL: silent.url, OICP_SCENARIOS: BATCH, OICP_TIME_BUDGET_MS: '300' },
      { recordOnly: true },
    );
    expect(run.exitCode).toBe(1);
    const { failed, notRun } = outcome(run);
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
    const run = await runConformance(
      { OICP_BASE_URL: target.url, OICP_SCENARIOS: BATCH },
      { args: ['--workers', '1'], recordOnly: true },
    );
    expect(run.exitCode).toBe(1);
    const { results, failed, notRun } = outcome(run);
    expect(results.filter((r) => r.status === 'passed')).toHaveLength(1);
    expect(failed).toHaveLength(5);
    expect(notRun).toHaveLength(BATCH_SIZE - 6);
    expect(run.stdout).toContain('The run stopped after 5 consecutive transport failure(s) of one kind');
  } finally {
    await target.close();
  }
});

test('without OICP_MOCK_PORT the embedded mock takes a free port, not the old default 8787', async () => {
  // No test binds a fixed port: a run that fell back to 8787 would either report it here or, with 8787 held
  // by someone else on this machine, fail to start its mock; either way the test fails.
  const run = await runConformance({ OICP_SCENARIOS: BATCH }, { recordOnly: true });
  expect(run.exitCode, run.stdout + run.stderr).toBe(0);
  const port = /target http:\/\/127\.0\.0\.1:(\d+) \(embedded mock\)/.exec(run.stdout)?.[1];
  expect(port).toBeDefined();
  expect(port).not.toBe('8787');
  expect(outcome(run).results.filter((r) => r.status === 'passed')).toHaveLength(BATCH_SIZE);
});
