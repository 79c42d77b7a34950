import { runConformance } from '../support/conformance-run.ts';
import { expect, test } from '../support/test.ts';
import { startTlsTarget, type TlsTarget } from '../support/tls-target.ts';

// TLS settings the run cannot use stop it before anything is sent: the conformance command in this process,
// against the mock's HTTPS mode on a free port. The handshakes themselves — the right certificate, the wrong
// one, none — are the end-to-end tests' (tests/e2e/tls.test.ts).
let target: TlsTarget;
test.beforeAll(async () => {
  target = await startTlsTarget();
});
test.afterAll(() => target.close());

test('configuration errors stop the run before anything is sent: wrong PFX passphrase, a key of another certificate, a missing file', async () => {
  const before = target.mock.requestCount();
  const wrongPassphrase = await runConformance(
    target.env({ OICP_CLIENT_PFX: target.pki.pfx, OICP_CLIENT_PASSPHRASE: 'not-it' }),
  );
  expect(wrongPassphrase.exitCode).toBe(2);
  expect(wrongPassphrase.stderr).toContain(
    `OICP_CLIENT_PFX: cannot open ${target.pki.pfx}: wrong passphrase or unreadable file`,
  );
  expect(wrongPassphrase.stdout + wrongPassphrase.stderr).not.toContain('not-it');

  const mismatched = await runConformance(
    target.env({
      OICP_CLIENT_CERT: target.pki.client('abc').cert,
      OICP_CLIENT_KEY: target.pki.client('oth').key,
    }),
  );
  expect(mismatched.exitCode).toBe(2);
  expect(mismatched.stderr).toContain('does not belong to the certificate');

  const missing = await runConformance(
    target.env({
      OICP_CLIENT_CERT: '/nonexistent/client.crt',
      OICP_CLIENT_KEY: target.pki.client('abc').key,
    }),
  );
  expect(missing.exitCode).toBe(2);
  expect(missing.stderr).toContain('OICP_CLIENT_CERT: cannot read /nonexistent/client.crt: file not found');

  const encryptedWithoutPassphrase = await runConformance(
    target.env({ OICP_CLIENT_CERT: target.pki.client('abc').cert, OICP_CLIENT_KEY: target.pki.encryptedKey }),
  );
  expect(encryptedWithoutPassphrase.exitCode).toBe(2);
  expect(encryptedWithoutPassphrase.stderr).toContain('OICP_CLIENT_PASSPHRASE');

  expect(target.mock.requestCount()).toBe(before);
});
