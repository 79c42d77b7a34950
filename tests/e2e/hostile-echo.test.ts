import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { runConformance, scenarioResults } from '../support/conformance-run.ts';
import {
  echoTarget,
  HASHED_VALUE,
  htmlEntities,
  leaksIn,
  PIN,
  RAW_BODY_PIN,
  SALT,
  SECRETS,
  secretForms,
} from '../support/echo-target.ts';

// A hostile target that echoes each request back in every place an answer has — headers, the reason
// phrase, a 400 fault text, an HTML 500 page, a JSON string, a percent-encoded text — and in the encodings
// a target may use. Not one secret of the requests may reach any artefact of the run or the console.

/** Every file under a folder. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** A file's text, with base64 attachment bodies of Playwright's JSON report decoded. */
function readable(file: string): string {
  const text = fs.readFileSync(file, 'latin1');
  const decoded = [...text.matchAll(/"body":\s*"([A-Za-z0-9+/=]{8,})"/g)].map((m) =>
    Buffer.from(m[1] as string, 'base64').toString('latin1'),
  );
  return [text, ...decoded].join('\n');
}

function fixtureScenarios(dir: string): string {
  const qr = (id: string, mode: string) => `  - id: ${id}
    title: A hostile target echoes a QR-code request (${mode})
    request:
      operatorId: "{{operatorId}}"
      body:
        OperatorID: "{{operatorId}}"
        EvseID: "{{evseId}}"
        CPOPartnerSessionID: "${mode}"
        Identification:
          QRCodeIdentification: { EvcoID: "{{qrEvcoId}}", PIN: "${PIN}" }
    expect:
      status: 200
      authorizationStatus: NotAuthorized
`;
  const file = path.join(dir, 'hostile.yaml');
  fs.writeFileSync(
    file,
    `feature: Fixture — a hostile echo target
basis: { rule: { statement: broadcast-one-authorizes } }
scenarios:
${qr('echo-json-string', 'json')}
${qr('echo-fault-text', 'fault')}
${qr('echo-html-page', 'html')}
${qr('echo-percent-text', 'percent')}
  - id: echo-raw-body
    title: A PIN inside a raw body that does not parse is echoed back
    invalid: true
    request:
      operatorId: "{{operatorId}}"
      rawBody: '{"OperatorID":"{{operatorId}}","CPOPartnerSessionID":"fault","Identification":{"QRCodeIdentification":{"EvcoID":"{{qrEvcoId}}","PIN":"${RAW_BODY_PIN}"}},'
    expect:
      status: 200
  - id: echo-hashed-pin
    title: A HashedPIN value and salt are echoed back
    invalid: true
    request:
      operatorId: "{{operatorId}}"
      body:
        OperatorID: "{{operatorId}}"
        CPOPartnerSessionID: "html"
        Identification:
          QRCodeIdentification:
            EvcoID: "{{qrEvcoId}}"
            HashedPIN: { Value: "${HASHED_VALUE}", Function: Bcrypt, LegacyHashData: { Function: MD5, Salt: "${SALT}", Value: "abc" } }
    expect:
      status: 200
`,
  );
  return file;
}

test('a hostile echo target gets no secret into any artefact or the console', async () => {
  const echoed: string[] = [];
  const server = echoTarget({ received: (body) => echoed.push(body) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-hostile-'));
  try {
    const run = await runConformance(
      // Every report format the run can write, Playwright's own included: all are scanned.
      { OICP_BASE_URL: url, OICP_SCENARIOS: fixtureScenarios(dir), OICP_PLAYWRIGHT_REPORTS: 'json,html' },
      { args: ['--workers', '1'] },
    );
    const results = scenarioResults(run);
    expect(results, run.stdout + run.stderr).toHaveLength(6);
    // Not vacuous: every request reached the target, which echoed every secret in every form.
    expect(echoed).toHaveLength(6);
    const echoedLeaks = leaksIn(
      'what the target echoed',
      echoed.map((b) => `${b} ${encodeURIComponent(b)} ${htmlEntities(b)}`).join('\n'),
    );
    for (const secret of SECRETS.map((_s, i) => `secret #${i + 1}`))
      expect(
        echoedLeaks.some((leak) => leak.includes(secret)),
        `${secret} was sent`,
      ).toBe(true);
    // The scenarios fail, so failure messages quoting the answers are scanned too.
    expect(results.filter((r) => r.status === 'failed').length).toBeGreaterThan(3);

    const files = filesUnder(run.reportsDir);
    expect(files.some((f) => f.endsWith('junit.xml'))).toBe(true);
    expect(files.some((f) => f.includes(`${path.sep}allure-report${path.sep}`))).toBe(true);
    expect(files.some((f) => f.includes(`${path.sep}allure-results${path.sep}`))).toBe(true);
    const leaks = [
      ...files.flatMap((file) => leaksIn(path.relative(run.reportsDir, file), readable(file))),
      ...leaksIn('stdout', run.stdout),
      ...leaksIn('stderr', run.stderr),
    ];
    expect(leaks).toEqual([]);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('the scan itself finds a secret in each form (a scan that finds nothing proves nothing)', () => {
  for (const secret of SECRETS) {
    for (const form of secretForms(secret)) {
      expect(leaksIn('sample', `header: x-echo=${form}; reason`)).toHaveLength(1);
    }
  }
  expect(leaksIn('sample', 'PIN ***, Salt ***')).toEqual([]);
});
