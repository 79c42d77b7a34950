import { type RunningMock, startMock } from '../../mock/server.ts';
import { type TestPki, testPki } from './pki.ts';
import { RFID_FILE } from './scenario-files.ts';

/** The self-tests' PKI and the mock in HTTPS mode, which demands client certificates from its CA. */
export interface TlsTarget {
  pki: TestPki;
  mock: RunningMock;
  /** A run's environment against it: the RFID fixture scenarios, the target's CA trusted, and `extra`. */
  env(extra: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export async function startTlsTarget(): Promise<TlsTarget> {
  const pki = testPki();
  const mock = await startMock({
    port: 0,
    tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert },
  });
  return {
    pki,
    mock,
    env: (extra) => ({
      OICP_BASE_URL: mock.url,
      OICP_SCENARIOS: RFID_FILE,
      OICP_CA_CERT: pki.caCert,
      ...extra,
    }),
    close: () => mock.close(),
  };
}
