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
  SESSION_COOKIE,
  secretForms,
  TARGET_CREDENTIALS,
  TARGET_TOKEN,
} from '../support/echo-target.ts';

// A hostile target that echoes each request back in every place an answer has — headers, the reason
// phrase, a 400 fault text, an HTML 500 page, a JSON string, a percent-encoded text — and in the encodings
// and forms a target may use: the PIN as a JSON number and as an object key, base64 of the PIN and of the
// whole request (standard and URL-safe), and credentials of its own in Set-Cookie and token headers. Not one
// secret of the requests, nor a credential of the target, may reach any artefact of the run or the console.

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
  for (const secret of [...SECRETS, ...TARGET_CREDENTIALS]) {
    for (const form of secretForms(secret)) {
      expect(leaksIn('sample', `header: x-echo=${form}; reason`).length, form).toBeGreaterThan(0);
    }
    // Base64 of a request that holds it, standard and URL-safe, also glued to a prefix or with escaped slashes.
    const request = JSON.stringify({ Note: '??????~~~~~~', PIN: secret });
    for (const encoded of [
      Buffer.from(request).toString('base64'),
      Buffer.from(request).toString('base64url'),
      `pid-${Buffer.from(request).toString('base64')}`,
      Buffer.from(request).toString('base64').replace(/\//g, '\\/'),
    ])
      expect(leaksIn('sample', `{"Echo":"${encoded}"}`), encoded).toContainEqual(
        expect.stringMatching(/inside base64/),
      );
    // A number or a key is plain text in JSON.
    expect(leaksIn('sample', `{"${secret}":true}`).length).toBeGreaterThan(0);
  }
  expect(leaksIn('sample', `{"EchoNumber":${PIN}}`).length).toBeGreaterThan(0);
  expect(leaksIn('sample', 'PIN ***, Salt ***, set-cookie: ***')).toEqual([]);
});

test('the echo target answers with every form the scan must find (else the end-to-end scan is vacuous)', async () => {
  const server = echoTarget();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const sent = JSON.stringify({
      CPOPartnerSessionID: 'json',
      Identification: { QRCodeIdentification: { PIN } },
    });
    const answer = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: sent });
    const body = (await answer.json()) as Record<string, unknown>;
    expect(body.EchoNumber).toBe(Number(PIN));
    expect(body[PIN]).toBe(true);
    expect(answer.headers.get('set-cookie')).toContain(SESSION_COOKIE);
    expect(answer.headers.get('x-auth-token')).toBe(TARGET_TOKEN);
    const base64Only = [
      answer.headers.get('x-echo-base64'),
      answer.headers.get('x-echo-base64url'),
      answer.headers.get('x-echo-secret-base64'),
      body.EchoBase64,
      body.EchoBase64url,
      body.EchoSecretBase64,
    ];
    for (const value of base64Only) {
      expect(typeof value).toBe('string');
      expect(leaksIn('echo', value as string)).toContain('echo: secret #1 inside base64');
    }
    expect(answer.headers.get('x-echo-base64url')).toMatch(/^[A-Za-z0-9_-]+$/);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
