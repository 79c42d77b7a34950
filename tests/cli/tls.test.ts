import { expect, test } from '@playwright/test';
import { type RunningMock, startMock } from '../../mock/server.ts';
import { runCommand } from '../support/conformance-run.ts';
import { makePki, type TestPki } from '../support/pki.ts';

// TLS settings the run cannot use stop it before anything is sent: the conformance command in this process,
// against the mock's HTTPS mode on a free port. The handshakes themselves — the right certificate, the wrong
// one, none — are the end-to-end tests' (tests/e2e/tls.test.ts).
const RFID_FILE = 'tests/fixtures/scenarios/rfid.yaml';

let pki: TestPki;
let mock: RunningMock;

test.beforeAll(async () => {
  pki = makePki();
  mock = await startMock({ port: 0, tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert } });
});
test.afterAll(async () => {
  await mock.close();
  pki.remove();
});

function tlsEnv(extra: Record<string, string>): Record<string, string> {
  return { OICP_BASE_URL: mock.url, OICP_SCENARIOS: RFID_FILE, OICP_CA_CERT: pki.caCert, ...extra };
}

test('configuration errors stop the run before anything is sent: wrong PFX passphrase, a key of another certificate, a missing file', async () => {
  const before = mock.requestCount();
  const wrongPassphrase = await runCommand(
    tlsEnv({ OICP_CLIENT_PFX: pki.pfx, OICP_CLIENT_PASSPHRASE: 'not-it' }),
  );
  expect(wrongPassphrase.exitCode).toBe(2);
  expect(wrongPassphrase.stderr).toContain(
    `OICP_CLIENT_PFX: cannot open ${pki.pfx}: wrong passphrase or unreadable file`,
  );
  expect(wrongPassphrase.stdout + wrongPassphrase.stderr).not.toContain('not-it');

  const mismatched = await runCommand(
    tlsEnv({ OICP_CLIENT_CERT: pki.client('abc').cert, OICP_CLIENT_KEY: pki.client('oth').key }),
  );
  expect(mismatched.exitCode).toBe(2);
  expect(mismatched.stderr).toContain('does not belong to the certificate');

  const missing = await runCommand(
    tlsEnv({ OICP_CLIENT_CERT: '/nonexistent/client.crt', OICP_CLIENT_KEY: pki.client('abc').key }),
  );
  expect(missing.exitCode).toBe(2);
  expect(missing.stderr).toContain('OICP_CLIENT_CERT: cannot read /nonexistent/client.crt: file not found');

  const encryptedWithoutPassphrase = await runCommand(
    tlsEnv({ OICP_CLIENT_CERT: pki.client('abc').cert, OICP_CLIENT_KEY: pki.encryptedKey }),
  );
  expect(encryptedWithoutPassphrase.exitCode).toBe(2);
  expect(encryptedWithoutPassphrase.stderr).toContain('OICP_CLIENT_PASSPHRASE');

  expect(mock.requestCount()).toBe(before);
});
