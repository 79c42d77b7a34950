import fs from 'node:fs';
import path from 'node:path';
import { runConformance, scenarioResults } from '../support/conformance-run.ts';
import { qaEnvironmentFromMockData } from '../support/qa-environment.ts';
import { expect, test } from '../support/test.ts';
import { startTlsTarget, type TlsTarget } from '../support/tls-target.ts';

// Mutual TLS end to end: the real conformance run against the mock's HTTPS mode, which checks client
// certificates like Hubject does. What the handshake and the target's answers make of each certificate, run
// by the same runner and transport in the test's process: tests/mock/tls-runs.test.ts. TLS settings that stop
// the run before anything is sent: tests/cli/tls.test.ts.
let target: TlsTarget;
test.beforeAll(async () => {
  target = await startTlsTarget();
});
test.afterAll(() => target.close());

test('the right PEM certificate and key pass every scenario', async () => {
  const { cert, key } = target.pki.client('abc');
  const run = await runConformance(target.env({ OICP_CLIENT_CERT: cert, OICP_CLIENT_KEY: key }), {
    recordOnly: true,
  });
  expect(run.exitCode, run.stdout + run.stderr).toBe(0);
  expect(scenarioResults(run).map((r) => r.status)).toEqual(['passed', 'passed', 'passed']);
  expect(run.stdout).toContain(`TLS: client certificate ${cert}, extra CA ${target.pki.caCert}`);
});

test('with a PFX and its passphrase against the QA profile: a scenario whose optional test data is not set is skipped with the variable to set (console, JUnit and Allure say which), and the passphrase appears nowhere in the output', async () => {
  const env = { ...qaEnvironmentFromMockData() };
  delete env.OICP_QA_UNREADABLE_UID;
  const run = await runConformance({
    ...env,
    OICP_BASE_URL: target.mock.url,
    OICP_CA_CERT: target.pki.caCert,
    OICP_CLIENT_PFX: target.pki.pfx,
    OICP_CLIENT_PASSPHRASE: target.pki.passphrase,
    OICP_SCENARIOS: 'tests/fixtures/scenarios/optional-test-data.yaml',
  });
  expect(run.exitCode, run.stdout + run.stderr).toBe(0);
  expect(run.stdout + run.stderr).not.toContain(target.pki.passphrase);
  const results = scenarioResults(run);
  const skipped = results.filter((r) => r.status === 'skipped');
  expect(skipped.map((r) => r.id)).toEqual(['fixture-unreadable-card-refused']);
  expect(results.filter((r) => r.status === 'passed').length).toBe(results.length - 1);
  const reason = "profile 'qa' has no test data for {{unreadableUid}} (set OICP_QA_UNREADABLE_UID)";
  expect(scenarioResults(run).find((r) => r.status === 'skipped')?.error).toBe(reason);
  // The console lists it once, under the setting that would enable it.
  expect(run.stdout).toContain(
    'Skipped, by the setting that would enable them (or why they did not run):\n' +
      '  OICP_QA_UNREADABLE_UID (1): fixture-unreadable-card-refused',
  );
  // Once in the summary (the progress reporter may name it once more: `list` does, CI's `dot` does not).
  const summary = run.stdout.slice(run.stdout.indexOf('Skipped, by the setting'));
  expect(summary.split('fixture-unreadable-card-refused').length - 1).toBe(1);
  // JUnit: skipped, with the reason.
  const junit = fs.readFileSync(path.join(run.reportsDir, 'junit.xml'), 'utf8');
  expect(junit).toContain(`<skipped message="${reason.replace(/'/g, "'")}"/>`);
  // Allure: the skipped scenario sits in its feature and story, like the ones that ran.
  const resultsDir = path.join(run.reportsDir, 'allure-results');
  const allure = fs
    .readdirSync(resultsDir)
    .filter((f) => f.endsWith('-result.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(resultsDir, f), 'utf8')) as AllureResult)
    .find((r) =>
      r.labels.some((l) => l.name === 'scenarioId' && l.value === 'fixture-unreadable-card-refused'),
    );
  expect(allure?.status).toBe('skipped');
  const labelOf = (name: string) => allure?.labels.find((l) => l.name === name)?.value;
  expect(labelOf('epic')).toBe('OICP 2.3 eRoamingAuthorizeStart');
  expect(labelOf('feature')).toBeTruthy();
  expect(labelOf('story')).toBeTruthy();
  expect(allure?.statusDetails?.message).toBe(reason);
});

interface AllureResult {
  status: string;
  labels: Array<{ name: string; value: string }>;
  statusDetails?: { message?: string };
}
