import { startMock } from '../../mock/server.ts';
import {
  type ConformanceRun,
  runConformance,
  runConformanceProcess,
  scenarioResults,
} from '../support/conformance-run.ts';
import { runEnvironmentInProcess } from '../support/in-process-run.ts';
import { freePort, isListening } from '../support/listen.ts';
import { expect, test } from '../support/test.ts';

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
  // A mock that authorizes every card: it does not know the refused cards the scenarios rely on. What the
  // scenarios say of it is the runner's, judged in this process; starting and stopping the command is the test above.
  const mock = await startMock({ port: 0, fault: 'authorize-everything' });
  let run: ConformanceRun;
  try {
    run = await runEnvironmentInProcess({
      OICP_MOCK_COMMAND: 'another-teams-mock --port 0',
      OICP_BASE_URL: mock.url,
      OICP_SCENARIOS: RFID_FILE,
    });
  } finally {
    await mock.close();
  }
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

// A configuration error through the real entry point: exit code 2 reaches the shell. The other errors the
// command finds before Playwright starts are tested in this process, in tests/cli/ (a port another process
// holds: tests/cli/ports.test.ts).
test('OICP_MOCK_COMMAND without OICP_BASE_URL is a configuration error; nothing is started', async () => {
  const run = await runConformanceProcess({
    OICP_MOCK_COMMAND: 'node -e "setInterval(() => {}, 1000)"',
    OICP_SCENARIOS: RFID_FILE,
  });
  expect(run.exitCode).toBe(2);
  expect(run.stderr).toContain('OICP_MOCK_COMMAND: set OICP_BASE_URL too');
});
