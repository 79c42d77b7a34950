import fs from 'node:fs';
import path from 'node:path';
import { readRunRecord } from '../../src/record/run-record.ts';
import { runConformance } from '../support/conformance-run.ts';
import { RFID_FILE } from '../support/scenario-files.ts';
import { expect, test } from '../support/test.ts';

// The embedded mock starts while Playwright starts (Playwright's global setup waits for it). A mock that never
// comes up stops the run as a configuration error, and the Playwright beside it is stopped before it loads or
// writes anything. Ports a mock needs that are taken before it starts: tests/cli/ports.test.ts.

test('an embedded mock that ends before it is ready is a configuration error: exit 2, what it said, nothing sent, no report', async () => {
  // The mock itself refuses the fault mode (the command leaves the mock's own options to the mock).
  const run = await runConformance({ OICP_MOCK_FAULT: 'no-such-fault', OICP_SCENARIOS: RFID_FILE });
  expect(run.exitCode, run.stdout + run.stderr).toBe(2);
  expect(run.stderr).toContain(
    'Configuration error: the embedded mock ended before it was ready (exit code 2)',
  );
  expect(run.stderr).toMatch(/^\[mock\] .*no-such-fault/m);
  expect(run.stderr).toContain('Nothing was sent.');
  expect(readRunRecord(run.reportsDir)).toBeUndefined();
  for (const artefact of [
    'run.json',
    'results.json',
    'junit.xml',
    'allure-report',
    'allure-results',
    'exchanges.jsonl',
  ])
    expect(fs.existsSync(path.join(run.reportsDir, artefact)), artefact).toBe(false);
});
