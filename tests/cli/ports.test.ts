import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { readRunRecord } from '../../src/record/run-record.ts';
import { runConformance } from '../support/conformance-run.ts';
import { listen } from '../support/listen.ts';
import { expect, test } from '../support/test.ts';

// A port the run's mock needs that another process holds: the conformance command, in this process, stops
// before it starts a mock or Playwright. Each test holds a free port of its own.
const RFID_FILE = 'tests/fixtures/scenarios/rfid.yaml';
const BATCH = 'tests/fixtures/scenarios/batch.yaml';

test('an explicit OICP_MOCK_PORT that is in use is a configuration error; no report of an empty run', async () => {
  const busy = await listen(net.createServer());
  try {
    const run = await runConformance({ OICP_MOCK_PORT: String(busy.port), OICP_SCENARIOS: BATCH });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`OICP_MOCK_PORT: port ${busy.port} on 127.0.0.1 is already in use`);
    expect(run.stderr).toContain('unset OICP_MOCK_PORT and the embedded mock takes a free port');
    for (const artefact of ['results.json', 'junit.xml', 'allure-report', 'allure-results'])
      expect(fs.existsSync(path.join(run.reportsDir, artefact)), artefact).toBe(false);
  } finally {
    await busy.close();
  }
});

test('a local target port another process holds stops the run before Playwright starts: exit 2, the port named, nothing sent', async () => {
  // Stands in for a mock an interrupted run left behind: it listens on the port the next run's mock wants.
  let requests = 0;
  const leftover = await listen(
    http.createServer((_request, response) => {
      requests++;
      response.end();
    }),
  );
  const { port } = leftover;
  try {
    const run = await runConformance({
      OICP_MOCK_COMMAND: `node --import tsx mock/cli.ts --port ${port}`,
      OICP_BASE_URL: `http://127.0.0.1:${port}`,
      OICP_SCENARIOS: RFID_FILE,
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(2);
    expect(run.stderr).toContain(`OICP_BASE_URL: port ${port} on 127.0.0.1 is already in use`);
    expect(run.stderr).toContain('a left-over process holds it, perhaps the mock of an interrupted run');
    expect(run.stderr).toContain(`\`ss -ltnp 'sport = :${port}'\` or \`lsof -i :${port}\``);
    expect(run.stderr).toContain('nothing was sent');
    // Not Playwright's own advice, and no scenario reported as failed.
    expect(run.stdout + run.stderr).not.toMatch(/already used|reuseExistingServer/);
    expect(readRunRecord(run.reportsDir)).toBeUndefined();
    expect(requests).toBe(0);
  } finally {
    await leftover.close();
  }
});
