import fs from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type FrameLocator } from '@playwright/test';
import { ChromiumNotFound, findChromium, HEADLESS_CHROMIUM_ARGS } from '../../scripts/report/chromium.ts';
import { EXCHANGE_FORMAT } from '../../src/exchange/log-entry.ts';
import { expandTree } from '../../src/report/report-page.ts';
import { markdownText } from '../../src/text.ts';
import { type ConformanceRun, runConformance, scenarioResults } from '../support/conformance-run.ts';
import {
  echoTarget,
  HASHED_VALUE,
  hostileMarkdown,
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
import { runAttachments } from '../support/run-attachments.ts';
import { expect, test } from '../support/test.ts';

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

/**
 * A file's text, with base64 attachment bodies of Playwright's JSON report decoded, and once more with
 * Markdown's backslash escapes undone (calibration.md and drift.md escape what the target sent: an escaped
 * secret is a secret all the same).
 */
function readable(file: string): string {
  const text = fs.readFileSync(file, 'latin1');
  const decoded = [...text.matchAll(/"body":\s*"([A-Za-z0-9+/=]{8,})"/g)].map((m) =>
    Buffer.from(m[1] as string, 'base64').toString('latin1'),
  );
  const unescaped = [text, ...decoded].map((t) => t.replace(/\\([!-/:-@[-`{-~])/g, '$1'));
  return [text, ...decoded, ...unescaped].join('\n');
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
  - id: ${MARKDOWN_SCENARIO}
    title: ${MARKDOWN_TITLE}
    request:
      operatorId: "{{operatorId}}"
      body:
        OperatorID: "{{operatorId}}"
        EvseID: "{{evseId}}"
        CPOPartnerSessionID: "markdown"
        Identification:
          QRCodeIdentification: { EvcoID: "{{qrEvcoId}}", PIN: "${PIN}" }
    expect:
      status: 200
      authorizationStatus: NotAuthorized
      statusCode: "102"
      fields:
        ProviderID: { equals: "DE*ABC" }
        StatusCode.Description: { equals: "a text the target never sends" }
      # Assumptions, so that what the target answered instead is listed in calibration.md.
      basis: { default: { assumption: "a hostile target (fixture)" } }
`,
  );
  return file;
}

/** The scenario whose answer carries hostile Markdown in every field (the echo target's `markdown` mode). */
const MARKDOWN_SCENARIO = 'echo-markdown';
const MARKDOWN_TITLE = 'A hostile target answers in Markdown and HTML';

/**
 * The earlier run the run compares itself with (OICP_COMPARE_WITH), as an exchange log whose every value is
 * hostile Markdown too — a log is as untrusted as a target: the same scenario answered otherwise (so that it
 * is shown side by side), and a scenario only this log holds.
 */
function earlierLog(dir: string, origin: string): string {
  const hostile = (place: string) => hostileMarkdown(origin, place);
  const record = (scenario: string, title: string) => ({
    format: EXCHANGE_FORMAT,
    runId: hostile('a-run-id'),
    scenario,
    title,
    feature: hostile('a-feature'),
    source: hostile('a-source'),
    profile: hostile('a-profile'),
    target: hostile('a-target'),
    at: hostile('a-at'),
    request: { method: 'POST', url: `${origin}/a`, path: '/a', headers: {}, body: {}, bytes: 2 },
    answer: {
      status: 200,
      reason: hostile('a-reason'),
      headers: {
        'content-type': 'application/json;charset=utf-8',
        'process-id': hostile('a-process-id'),
        [hostile('a-header')]: hostile('a-header-value'),
      },
      body: {
        AuthorizationStatus: 'NotAuthorized',
        StatusCode: { Code: '102', Description: hostile('a-description'), AdditionalInfo: null },
        SessionID: null,
        ProviderID: hostile('a-provider-id'),
        [hostile('a-key')]: 1,
      },
      bytes: 100,
      elapsedMs: 5,
    },
    attempts: 1,
    verdict: 'passed',
    generated: [],
  });
  const file = path.join(dir, 'earlier-exchanges.jsonl');
  fs.writeFileSync(
    file,
    [record(MARKDOWN_SCENARIO, hostile('a-title')), record(hostile('a-only-id'), hostile('a-only-title'))]
      .map((r) => `${JSON.stringify(r)}\n`)
      .join(''),
  );
  return file;
}

test.describe('one run against a hostile echo target', () => {
  test.describe.configure({ mode: 'serial' });

  const echoed: string[] = [];
  /** What reached the target's listening socket after the run had finished: connections and requests. */
  const afterRun = { connections: 0, requests: [] as string[] };
  let finished = false;
  let server: http.Server;
  let origin: string;
  let run: ConformanceRun;

  test.beforeAll(async () => {
    server = echoTarget({ markdown: true, received: (body) => echoed.push(body) });
    server.on('connection', () => {
      if (finished) afterRun.connections++;
    });
    server.on('request', (req: http.IncomingMessage) => {
      if (finished) afterRun.requests.push(req.url ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-hostile-'));
    run = await runConformance(
      {
        OICP_BASE_URL: origin,
        OICP_SCENARIOS: fixtureScenarios(dir),
        // Every report format the run can write, Playwright's own included: all are scanned.
        OICP_PLAYWRIGHT_REPORTS: 'json,html',
        // So that drift.md is written and attached, with a log as hostile as the target.
        OICP_COMPARE_WITH: earlierLog(dir, origin),
      },
      { args: ['--workers', '1'] },
    );
    finished = true;
  });

  test.afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('a hostile echo target gets no secret into any artefact or the console', async () => {
    const results = scenarioResults(run);
    expect(results, run.stdout + run.stderr).toHaveLength(7);
    // Not vacuous: every request reached the target, which echoed every secret in every form.
    expect(echoed).toHaveLength(7);
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
    expect(files.some((f) => f.endsWith('drift.md'))).toBe(true);
    // The comparison with the earlier run (OICP_COMPARE_WITH) is in the report, a run-level attachment.
    const attached = runAttachments(path.join(run.reportsDir, 'allure-results')).find(
      (a) => a.name === 'Drift from the earlier run',
    );
    expect(attached?.content).toContain('# Drift between two runs');
    expect(run.stdout).toMatch(
      /different outcome \d+ · different shape \d+ · different verdict \d+ · only in A \d+ · only in B \d+ · same \d+/,
    );
    const leaks = [
      ...files.flatMap((file) => leaksIn(path.relative(run.reportsDir, file), readable(file))),
      ...leaksIn('stdout', run.stdout),
      ...leaksIn('stderr', run.stderr),
    ];
    expect(leaks).toEqual([]);
  });

  test('its Markdown and HTML reach calibration.md, drift.md and the report only as text: opened from disk, the report calls no one', async () => {
    // Not vacuous: the hostile values are in the Markdown the run wrote and attached, every one escaped.
    const markdown = (name: string) => fs.readFileSync(path.join(run.reportsDir, name), 'utf8');
    const calibration = markdown('calibration.md');
    const drift = markdown('drift.md');
    for (const place of ['process-id', 'provider-id', 'description'])
      expect(calibration, place).toContain(markdownText(`![${place}](${origin}/md-${place}-image)`));
    for (const place of [
      'reason',
      'a-reason',
      'a-title',
      'a-only-id',
      'a-only-title',
      'a-header',
      'a-profile',
    ])
      expect(drift, place).toContain(markdownText(`![${place}](${origin}/md-${place}-image)`));
    for (const [name, text] of [
      ['calibration.md', calibration],
      ['drift.md', drift],
      ['coverage.md', markdown('coverage.md')],
    ] as const) {
      // Outside fenced blocks (which hold the answers verbatim), no Markdown or HTML the target wrote survives.
      const prose = text.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '');
      expect(prose, name).not.toMatch(/!\[|\]\(|(?<!\\)<(?:img|script|iframe|http)/i);
      expect(prose, name).not.toMatch(/http:\/\/|www\.hostile/);
    }

    let executablePath: string;
    try {
      executablePath = findChromium();
    } catch (error) {
      if (!(error instanceof ChromiumNotFound)) throw error;
      test.skip(true, `No Chromium to open the report in (${error.message})`);
      return;
    }
    expect(afterRun).toEqual({ connections: 0, requests: [] });
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      args: [...HEADLESS_CHROMIUM_ARGS],
    });
    const requests: string[] = [];
    context.on('request', (request) => requests.push(request.url()));
    const rendered: Array<{ where: string; text: string; elements: number }> = [];
    const inFrame = async (where: string, frame: FrameLocator) => {
      const body = frame.locator('body');
      await body.waitFor({ timeout: 30_000 });
      rendered.push({
        where,
        text: ((await body.textContent()) ?? '').replace(/\s+/g, ' '),
        elements: await frame.locator('img, a, script, iframe, object, embed, svg, video, audio').count(),
      });
    };
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(pathToFileURL(path.join(run.reportsDir, 'allure-report', 'index.html')).href);
      // The run-level attachments, each opened: calibration.md, drift.md, coverage.md as the report renders them.
      await page.locator('[data-testid="nav-tab-globalAttachments"]').click({ timeout: 30_000 });
      const attachments = page.locator('[data-testid="test-result-attachment"]');
      await expect(attachments).toHaveCount(3, { timeout: 30_000 });
      for (const name of ['Calibration', 'Drift from the earlier run', 'Coverage']) {
        const attachment = attachments.filter({ hasText: name }).first();
        await attachment.locator('[data-testid="test-result-attachment-header"]').click();
        await inFrame(name, attachment.frameLocator('[data-testid="markdown-attachment-preview"] iframe'));
      }
      // The hostile scenario: its description lists the SessionID advisory, with the SessionID it quotes.
      await page.locator('[data-testid="nav-tab-results"]').click();
      await expandTree(page);
      await page.getByText(MARKDOWN_TITLE).first().click({ timeout: 30_000 });
      await inFrame('description', page.frameLocator('[data-testid="test-result-description-frame"]'));

      // Nothing the target wrote became an element; what it wrote is on the page, as text.
      expect(rendered.map((r) => `${r.where}: ${r.elements}`)).toEqual([
        'Calibration: 0',
        'Drift from the earlier run: 0',
        'Coverage: 0',
        'description: 0',
      ]);
      const shown = (where: string) => rendered.find((r) => r.where === where)?.text ?? '';
      expect(shown('Calibration')).toContain(`![process-id](${origin}/md-process-id-image)`);
      expect(shown('Calibration')).toContain(`<img src="${origin}/md-process-id-raw-image">`);
      expect(shown('Drift from the earlier run')).toContain(
        `![a-only-title](${origin}/md-a-only-title-image)`,
      );
      expect(shown('Drift from the earlier run')).toContain(`<${origin}/md-reason-autolink>`);
      expect(shown('description')).toContain(`![session-id](${origin}/md-session-id-image)`);

      // The socket still counts: a request made on purpose now reaches it (and is the only one).
      await page.evaluate(`new Image().src = ${JSON.stringify(`${origin}/control`)}`);
      await expect.poll(() => afterRun.requests, { timeout: 30_000 }).toContain('/control');
    } finally {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
    expect(afterRun).toEqual({ connections: 1, requests: ['/control'] });
    expect(requests.filter((url) => !/^(?:file|data|blob):/.test(url))).toEqual([`${origin}/control`]);
  });
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
