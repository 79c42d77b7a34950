import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { createMockRegistry, type MockRegistryData } from '../../mock/registry.ts';
import { startMock } from '../../mock/server.ts';
import { loadProfile } from '../../src/config/profile.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { runConformance, scenarioResults } from '../support/conformance-run.ts';
import { testPki } from '../support/pki.ts';
import { qaEnvironmentFromMockData } from '../support/qa-environment.ts';
import { expect, test } from '../support/test.ts';

// Known secret values, distinctive enough that finding one anywhere is a leak, not a coincidence.
const QR_PIN = '5839271604';
const LITERAL_PIN = '7302946185';
const HASHED_PIN_VALUE = 'hashedPinSecretValue42';

/** Every file a run leaves, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/**
 * A file's text, with whatever it carries base64-encoded decoded too: Playwright's JSON report keeps
 * attachments that way, and the single-file Allure report inlines every data file and attachment so.
 */
function readable(file: string): string {
  const text = fs.readFileSync(file, 'utf8');
  if (!file.endsWith('.json') && !file.endsWith('.html')) return text;
  const decoded: string[] = [];
  for (const match of text.matchAll(/"body":\s*"([A-Za-z0-9+/=]{8,})"/g)) {
    decoded.push(Buffer.from(match[1] as string, 'base64').toString('utf8'));
  }
  for (const match of text.matchAll(/\bd\("[^"]+","([A-Za-z0-9+/=]{8,})"\)/g)) {
    decoded.push(Buffer.from(match[1] as string, 'base64').toString('utf8'));
  }
  return `${text}\n${decoded.join('\n')}`;
}

test('no PIN, hashed PIN or passphrase reaches any report file or the console', async () => {
  const pki = testPki();
  // The mock's own data, with the QR contract's PIN replaced by the distinctive secret.
  const data = parse(fs.readFileSync('data/mock/registry.yaml', 'utf8')) as MockRegistryData;
  const mockValues = loadProfile(schemaRegistry(), {}).variables;
  const contract = data.contracts.find((c) => c.evcoId === mockValues.qrEvcoId);
  if (!contract) throw new Error('the mock registry has no QR contract for qrEvcoId');
  contract.pin = QR_PIN;
  const mock = await startMock({
    port: 0,
    registry: createMockRegistry(data),
    tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert },
  });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-secrets-'));
  const qrFile = 'tests/fixtures/scenarios/qr-code.yaml';
  fs.writeFileSync(
    path.join(dir, 'literal-secrets.yaml'),
    `feature: Secrets written into a scenario
basis: { rule: { statement: broadcast-one-authorizes } }
scenarios:
  - id: secrets-literal-pin
    title: A PIN written literally into a scenario is masked everywhere
    request:
      operatorId: "{{operatorId}}"
      body:
        OperatorID: "{{operatorId}}"
        EvseID: "{{evseId}}"
        Identification:
          QRCodeIdentification: { EvcoID: "{{qrEvcoId}}", PIN: "${LITERAL_PIN}" }
    expect:
      status: 200
      authorizationStatus: Authorized
  - id: secrets-hashed-pin
    title: A HashedPIN value is masked everywhere
    invalid: true
    request:
      operatorId: "{{operatorId}}"
      body:
        OperatorID: "{{operatorId}}"
        EvseID: "{{evseId}}"
        Identification:
          QRCodeIdentification: { EvcoID: "{{qrEvcoId}}", HashedPIN: { Value: "${HASHED_PIN_VALUE}", Function: Bcrypt } }
    expect:
      status: 200
      authorizationStatus: NotAuthorized
`,
  );
  try {
    const run = await runConformance({
      ...qaEnvironmentFromMockData(),
      OICP_QA_QR_PIN: QR_PIN,
      OICP_BASE_URL: mock.url,
      OICP_CA_CERT: pki.caCert,
      OICP_CLIENT_PFX: pki.pfx,
      OICP_CLIENT_PASSPHRASE: pki.passphrase,
      OICP_SCENARIOS: `${qrFile},${dir}`,
      // Every report format the run can write, Playwright's own included: all are scanned.
      OICP_PLAYWRIGHT_REPORTS: 'json,html',
    });
    const results = scenarioResults(run);
    // Not vacuous: the secrets were really sent (the mock authorized the QR PIN), and the reports exist.
    expect(
      results.find((r) => r.id === 'fixture-qr-code-with-pin-authorized')?.status,
      run.stdout + run.stderr,
    ).toBe('passed');
    // The literal PIN is wrong for the contract: this scenario fails, so failure texts are scanned too.
    expect(results.find((r) => r.id === 'secrets-literal-pin')?.status).toBe('failed');
    const files = filesUnder(run.reportsDir);
    for (const expected of [
      'junit.xml',
      'results.json',
      path.join('allure-report', 'index.html'),
      path.join('html', 'index.html'),
    ]) {
      expect(files).toContain(path.join(run.reportsDir, expected));
    }
    expect(files.filter((f) => f.includes(`${path.sep}allure-results${path.sep}`)).length).toBeGreaterThan(
      10,
    );

    const secrets = [QR_PIN, LITERAL_PIN, HASHED_PIN_VALUE, pki.passphrase];
    const leaks: string[] = [];
    for (const file of files) {
      const text = readable(file);
      for (const secret of secrets) {
        if (text.includes(secret)) {
          leaks.push(
            `${path.relative(run.reportsDir, file)}: ${secret === pki.passphrase ? 'passphrase' : secret}`,
          );
        }
      }
    }
    for (const secret of secrets) {
      if (run.stdout.includes(secret) || run.stderr.includes(secret)) leaks.push(`console: ${secret}`);
    }
    expect(leaks).toEqual([]);
    // Not vacuous for the single-file report: its inlined attachments were decoded and read.
    const report = readable(path.join(run.reportsDir, 'allure-report', 'index.html'));
    expect(report).toContain('"AuthorizationStatus"');
    expect(report).toContain('PIN: "***"');
  } finally {
    await mock.close();
  }
});
