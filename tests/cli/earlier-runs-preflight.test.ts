import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMock } from '../../mock/server.ts';
import { runConformance } from '../support/conformance-run.ts';
import { exchangeRecord } from '../support/exchange-record.ts';
import { expect, test } from '../support/test.ts';

// The earlier runs a comparison or a replay names, checked by the conformance command in this process before
// anything is sent. Comparing and replaying runs that are there: tests/e2e/mock-vs-qa.test.ts.
const FIXTURE = 'tests/fixtures/scenarios/mock-vs-qa.yaml';

test('a setting naming an earlier run that is not there stops the run before anything is sent', async () => {
  const mock = await startMock({ port: 0 });
  // A recording that is there: a replay and another target exclude each other.
  const recording = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-recording-')), 'exchanges.jsonl');
  fs.writeFileSync(
    recording,
    `${JSON.stringify(
      exchangeRecord('s', {
        // No answer: JSON leaves the answer out.
        answer: undefined,
        noAnswer: { kind: 'timeout', message: 'none', elapsedMs: 1 },
        verdict: 'failed',
      }),
    )}\n`,
  );
  try {
    const run = await runConformance({
      OICP_BASE_URL: mock.url,
      OICP_SCENARIOS: FIXTURE,
      OICP_COMPARE_WITH: '/nonexistent/earlier-run',
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('OICP_COMPARE_WITH');
    expect(run.stderr).toContain('no such file or folder');
    const replay = await runConformance({
      OICP_BASE_URL: mock.url,
      OICP_SCENARIOS: FIXTURE,
      OICP_MOCK_REPLAY: recording,
    });
    expect(replay.exitCode).toBe(2);
    expect(replay.stderr).toContain(
      'a replay answers through the embedded mock; OICP_BASE_URL names another target',
    );
    expect(mock.requestCount()).toBe(0);
  } finally {
    await mock.close();
  }
});
