import { startMock } from '../../mock/server.ts';
import { type ConformanceRun, scenarioResults } from '../support/conformance-run.ts';
import { runEnvironmentInProcess } from '../support/in-process-run.ts';
import { RFID_FILE } from '../support/scenario-files.ts';
import { expect, test } from '../support/test.ts';
import { startTlsTarget, type TlsTarget } from '../support/tls-target.ts';

// Mutual TLS through the suite's own runner and transport, in this process, against the mock's HTTPS mode,
// which checks client certificates like Hubject does (handshake refused without a trusted one; 401/017 when
// the certificate does not own the OperatorID). What a TLS setting looks like on the console of the real
// command: tests/e2e/tls.test.ts; settings that stop the run before anything is sent: tests/cli/tls.test.ts.
let target: TlsTarget;
test.beforeAll(async () => {
  target = await startTlsTarget();
});
test.afterAll(() => target.close());

test('an encrypted PEM key with its passphrase passes', async () => {
  const run = await runEnvironmentInProcess(
    target.env({
      OICP_CLIENT_CERT: target.pki.client('abc').cert,
      OICP_CLIENT_KEY: target.pki.encryptedKey,
      OICP_CLIENT_PASSPHRASE: target.pki.passphrase,
    }),
  );
  expect(run.exitCode, run.stdout).toBe(0);
  expect(scenarioResults(run).map((r) => r.status)).toEqual(['passed', 'passed', 'passed']);
});

test('a certificate that does not own the OperatorID is answered 401/017 and fails on the HTTP status', async () => {
  const { cert, key } = target.pki.client('oth');
  const run = await runEnvironmentInProcess(target.env({ OICP_CLIENT_CERT: cert, OICP_CLIENT_KEY: key }));
  expect(run.exitCode).toBe(1);
  const results = scenarioResults(run);
  expect(results).toHaveLength(3);
  for (const result of results) {
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
  const withCertificate = await runEnvironmentInProcess({
    ...target.env({ OICP_CLIENT_CERT: cert, OICP_CLIENT_KEY: key }),
    OICP_SCENARIOS: file,
  });
  expect(withCertificate.exitCode, withCertificate.stdout).toBe(0);
  expect(scenarioResults(withCertificate).map((r) => [r.id, r.status])).toEqual([
    ['fixture-operator-not-owned-unauthorized', 'passed'],
    ['fixture-operator-unknown-not-found', 'skipped'],
  ]);
  const plain = await startMock({ port: 0 });
  try {
    const withoutCertificate = await runEnvironmentInProcess({
      OICP_BASE_URL: plain.url,
      OICP_SCENARIOS: file,
    });
    expect(withoutCertificate.exitCode, withoutCertificate.stdout).toBe(0);
    expect(scenarioResults(withoutCertificate).map((r) => [r.id, r.status])).toEqual([
      ['fixture-operator-not-owned-unauthorized', 'skipped'],
      ['fixture-operator-unknown-not-found', 'passed'],
    ]);
    expect(scenarioResults(withoutCertificate)[0]?.error).toContain('needs a target reached over mutual TLS');
  } finally {
    await plain.close();
  }
});

/** The scenarios that ran and failed; fail-fast leaves the others not run (skipped). */
function failedOf(run: ConformanceRun) {
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
  const run = await runEnvironmentInProcess(target.env({}));
  expect(run.exitCode).toBe(1);
  for (const result of failedOf(run)) {
    expect(result.error).toContain(
      `POST ${target.mock.url}/api/oicp/charging/v21/operators/DE*ABC/authorize/start failed`,
    );
    expect(result.error).toMatch(/requires a client certificate|may require a client certificate/);
    expect(result.error).not.toMatch(/refused your client certificate/);
  }
  expect(run.stdout).toContain('The remaining scenarios were not run.');
});

test("a certificate from another CA is refused by the target's handshake, and the failure says so", async () => {
  const { cert, key } = target.pki.client('rogue');
  const run = await runEnvironmentInProcess(target.env({ OICP_CLIENT_CERT: cert, OICP_CLIENT_KEY: key }));
  expect(run.exitCode).toBe(1);
  for (const result of failedOf(run)) expect(result.error).toMatch(/refused your client certificate/);
});

test("without the target's CA the server certificate is not trusted, and the failure says what to set", async () => {
  const { cert, key } = target.pki.client('abc');
  const run = await runEnvironmentInProcess({
    OICP_BASE_URL: target.mock.url,
    OICP_SCENARIOS: RFID_FILE,
    OICP_CLIENT_CERT: cert,
    OICP_CLIENT_KEY: key,
  });
  expect(run.exitCode).toBe(1);
  for (const result of failedOf(run)) expect(result.error).toContain('set OICP_CA_CERT');
});
