import fs from 'node:fs';
import path from 'node:path';
import { startMock } from '../../mock/server.ts';
import { runConformance, scenarioResults } from '../support/conformance-run.ts';
import { qaEnvironmentFromMockData } from '../support/qa-environment.ts';
import { RFID_FILE } from '../support/scenario-files.ts';
import { expect, test } from '../support/test.ts';
import { startTlsTarget, type TlsTarget } from '../support/tls-target.ts';

// Mutual TLS end to end: the real conformance run against the mock's HTTPS mode, which checks client
// certificates like Hubject does (handshake refused without a trusted one; 401/017 when the certificate
// does not own the OperatorID). TLS settings that stop the run before anything is sent: tests/cli/tls.test.ts.
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

test('a PFX with its passphrase passes, and the passphrase appears nowhere in the output', async () => {
  const run = await runConformance(
    target.env({ OICP_CLIENT_PFX: target.pki.pfx, OICP_CLIENT_PASSPHRASE: target.pki.passphrase }),
    {
      recordOnly: true,
    },
  );
  expect(run.exitCode, run.stdout + run.stderr).toBe(0);
  expect(run.stdout + run.stderr).not.toContain(target.pki.passphrase);
});

test('an encrypted PEM key with its passphrase passes', async () => {
  const run = await runConformance(
    target.env({
      OICP_CLIENT_CERT: target.pki.client('abc').cert,
      OICP_CLIENT_KEY: target.pki.encryptedKey,
      OICP_CLIENT_PASSPHRASE: target.pki.passphrase,
    }),
    { recordOnly: true },
  );
  expect(run.exitCode, run.stdout + run.stderr).toBe(0);
});

test('a certificate that does not own the OperatorID is answered 401/017 and fails on the HTTP status', async () => {
  const { cert, key } = target.pki.client('oth');
  const run = await runConformance(target.env({ OICP_CLIENT_CERT: cert, OICP_CLIENT_KEY: key }), {
    recordOnly: true,
  });
  expect(run.exitCode).toBe(1);
  for (const result of scenarioResults(run)) {
    expect(result.verdicts?.failed.map((f) => f.check)).toContain('httpStatusAsExpected');
    // What each failed check received (the scenario's error only names the checks; each step explains).
    const received = (result.verdicts?.failed ?? []).map((f) => f.received).join('\n');
    expect(received).toContain('HTTP 401');
    // The 401's code, quoted in the failure (the HTTP status' received body, or a StatusCode expected as a rule).
    expect(received).toMatch(/\\?"017\\?"/);
  }
});

test('over mutual TLS an OperatorID the certificate does not own meets 017 before any partner check; without a certificate the partner check answers 300', async () => {
  const file = 'tests/fixtures/scenarios/operator-certificate.yaml';
  const { cert, key } = target.pki.client('abc');
  const withCertificate = await runConformance(
    { ...target.env({ OICP_CLIENT_CERT: cert, OICP_CLIENT_KEY: key }), OICP_SCENARIOS: file },
    { recordOnly: true },
  );
  expect(withCertificate.exitCode, withCertificate.stdout + withCertificate.stderr).toBe(0);
  expect(scenarioResults(withCertificate).map((r) => [r.id, r.status])).toEqual([
    ['fixture-operator-not-owned-unauthorized', 'passed'],
    ['fixture-operator-unknown-not-found', 'skipped'],
  ]);
  const plain = await startMock({ port: 0 });
  try {
    const withoutCertificate = await runConformance(
      { OICP_BASE_URL: plain.url, OICP_SCENARIOS: file },
      { recordOnly: true },
    );
    expect(withoutCertificate.exitCode, withoutCertificate.stdout).toBe(0);
    expect(scenarioResults(withoutCertificate).map((r) => [r.id, r.status])).toEqual([
      ['fixture-operator-not-owned-unauthorized', 'skipped'],
      ['fixture-operator-unknown-not-found', 'passed'],
    ]);
    expect(withoutCertificate.stdout).toContain('needs a target reached over mutual TLS');
  } finally {
    await plain.close();
  }
});

/** The scenarios that ran and failed; fail-fast leaves the others not run (skipped). */
function failedOf(run: Awaited<ReturnType<typeof runConformance>>) {
  const results = scenarioResults(run);
  const failed = results.filter((r) => r.status === 'failed');
  expect(results).toHaveLength(3);
  expect(
    failed.length,
    'two TLS failures in a row stop a run whose target never answered',
  ).toBeGreaterThanOrEqual(2);
  expect(results.filter((r) => r.status === 'skipped')).toHaveLength(3 - failed.length);
  return failed;
}

test('no client certificate: the scenarios fail naming the TLS problem and the URL, and the run stops', async () => {
  const run = await runConformance(target.env({}), { recordOnly: true });
  expect(run.exitCode).toBe(1);
  for (const result of failedOf(run)) {
    expect(result.error).toContain(
      `POST ${target.mock.url}/api/oicp/charging/v21/operators/DE*ABC/authorize/start failed`,
    );
    expect(result.error).toMatch(/requires a client certificate|may require a client certificate/);
    expect(result.error).not.toMatch(/refused your client certificate/);
  }
});

test("a certificate from another CA is refused by the target's handshake, and the failure says so", async () => {
  const { cert, key } = target.pki.client('rogue');
  const run = await runConformance(target.env({ OICP_CLIENT_CERT: cert, OICP_CLIENT_KEY: key }), {
    recordOnly: true,
  });
  expect(run.exitCode).toBe(1);
  for (const result of failedOf(run)) expect(result.error).toMatch(/refused your client certificate/);
});

test("without the target's CA the server certificate is not trusted, and the failure says what to set", async () => {
  const { cert, key } = target.pki.client('abc');
  const run = await runConformance(
    {
      OICP_BASE_URL: target.mock.url,
      OICP_SCENARIOS: RFID_FILE,
      OICP_CLIENT_CERT: cert,
      OICP_CLIENT_KEY: key,
    },
    { recordOnly: true },
  );
  expect(run.exitCode).toBe(1);
  for (const result of failedOf(run)) expect(result.error).toContain('set OICP_CA_CERT');
});

test('against the QA profile, a scenario whose optional test data is not set is skipped with the variable to set: console, JUnit and Allure say which', async () => {
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
