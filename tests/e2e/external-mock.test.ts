import http from 'node:http';
import type net from 'node:net';
import { expect, test } from '@playwright/test';
import { runConformance, scenarioResults } from '../support/conformance-run.ts';
import { freePort, isListening } from '../support/listen.ts';

const RFID_FILE = 'tests/fixtures/scenarios/rfid.yaml';

test("OICP_MOCK_COMMAND starts another team's mock, waits for it, and stops it after the run", async () => {
  const port = await freePort();
  const run = await runConformance(
    {
      // Stands in for another team's mock: any command that serves the operation at OICP_BASE_URL.
      OICP_MOCK_COMMAND: `node --import tsx mock/cli.ts --port ${port}`,
      OICP_BASE_URL: `http://127.0.0.1:${port}`,
      OICP_SCENARIOS: RFID_FILE,
    },
    { recordOnly: true },
  );
  expect(run.exitCode, run.stdout + run.stderr).toBe(0);
  expect(scenarioResults(run).map((r) => r.status)).toEqual(['passed', 'passed', 'passed']);
  expect(await isListening(port)).toBe(false);
});

test('when the external mock lacks test data, each affected scenario says so and names the values it relies on', async () => {
  const port = await freePort();
  const run = await runConformance(
    {
      // A mock that authorizes every card: it does not know the refused cards the scenarios rely on.
      OICP_MOCK_COMMAND: `node --import tsx mock/cli.ts --port ${port} --fault authorize-everything`,
      OICP_BASE_URL: `http://127.0.0.1:${port}`,
      OICP_SCENARIOS: RFID_FILE,
    },
    { recordOnly: true },
  );
  expect(run.exitCode).toBe(1);
  const failed = scenarioResults(run).filter((r) => r.status !== 'passed');
  expect(failed.map((r) => r.id).sort()).toEqual(['fixture-rfid-no-contract', 'fixture-rfid-unknown-uid']);
  const unknown = failed.find((r) => r.id === 'fixture-rfid-unknown-uid');
  expect(unknown?.error).toContain("another team's mock (OICP_MOCK_COMMAND)");
  expect(unknown?.error).toContain(
    'The outcome depended on UID 0A1B2C3D ({{unknownUid}}), EvseID DE*ABC*E1234567*1 ({{evseId}}), OperatorID DE*ABC ({{operatorId}})',
  );
  const noContract = failed.find((r) => r.id === 'fixture-rfid-no-contract');
  expect(noContract?.error).toContain('OperatorID DE*NCT ({{noContractOperatorId}})');
});

test('OICP_MOCK_COMMAND without OICP_BASE_URL is a configuration error; nothing is started', async () => {
  const run = await runConformance({
    OICP_MOCK_COMMAND: 'node -e "setInterval(() => {}, 1000)"',
    OICP_SCENARIOS: RFID_FILE,
  });
  expect(run.exitCode).toBe(2);
  expect(run.stderr).toContain('OICP_MOCK_COMMAND: set OICP_BASE_URL too');
});

test('a local target port another process holds stops the run before Playwright starts: exit 2, the port named, nothing sent', async () => {
  // Stands in for a mock an interrupted run left behind: it listens on the port the next run's mock wants.
  let requests = 0;
  const leftover = http.createServer((_request, response) => {
    requests++;
    response.end();
  });
  await new Promise<void>((resolve) => leftover.listen(0, '127.0.0.1', resolve));
  const { port } = leftover.address() as net.AddressInfo;
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
    expect(run.record).toBeUndefined();
    expect(requests).toBe(0);
  } finally {
    await new Promise<void>((resolve) => leftover.close(() => resolve()));
  }
});
