import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redactor } from '../../src/redact.ts';
import { ATTACHMENT_LIMIT_BYTES, limitAttachment } from '../../src/report/attachment-limit.ts';
import { withoutSuiteFrames } from '../../src/report/failure-presentation.ts';
import { scenarioYaml } from '../../src/report/scenario-source.ts';
import { expect, test } from '../support/test.ts';

test('attachments up to 64 KiB are kept as they are', () => {
  const body = JSON.stringify({ a: 'x'.repeat(1000) });
  expect(limitAttachment(body, 'application/json')).toEqual({ body, contentType: 'application/json' });
  const exact = 'y'.repeat(ATTACHMENT_LIMIT_BYTES);
  expect(limitAttachment(exact, 'text/plain').cut).toBeUndefined();
});

test('a larger attachment keeps its first 64 KiB, its full size and SHA-256, and becomes plain text', () => {
  const body = `{"AdditionalInfo":"${'z'.repeat(200_000)}"}`;
  const limited = limitAttachment(body, 'application/json');
  const sha256 = createHash('sha256').update(body).digest('hex');
  expect(limited.cut).toEqual({ bytes: 200_021, sha256 });
  expect(limited.contentType).toBe('text/plain');
  expect(
    limited.body.startsWith(
      `[cut: this attachment is 200,021 bytes; the first 65,536 are shown. SHA-256 of the whole: ${sha256}]\n\n{"AdditionalInfo":"zzz`,
    ),
  ).toBe(true);
  expect(limited.body.endsWith('\n\n[… 134,485 more bytes not kept]')).toBe(true);
  expect(Buffer.byteLength(limited.body)).toBeLessThan(ATTACHMENT_LIMIT_BYTES + 300);
});

test('the cut never splits a character', () => {
  // 3-byte characters: 65,536 is not a multiple of 3.
  const body = '€'.repeat(30_000);
  const limited = limitAttachment(body, 'text/plain');
  expect(limited.body).not.toContain('\uFFFD');
  expect(limited.body).toContain(`the first 65,535 are shown`);
});

test('errors that explain themselves lose the stack frames of the suite; other errors keep them', () => {
  const failed = Object.assign(new Error('2 check(s) failed'), { name: 'ScenarioFailed' });
  expect(withoutSuiteFrames(failed)).toBe(failed);
  expect(failed.stack).toBe('ScenarioFailed: 2 check(s) failed');
  const transport = Object.assign(new Error('POST http://x failed'), { name: 'TransportError' });
  expect((withoutSuiteFrames(transport) as Error).stack).not.toContain(' at ');
  const bug = new TypeError('x is undefined');
  expect((withoutSuiteFrames(bug) as Error).stack).toContain(' at ');
});

const SCENARIO_FILE = `feature: Secrets in a file
basis: { rule: { statement: broadcast-one-authorizes } }
# a comment above the list
scenarios:
  - id: first
    title: The first
    request:
      operatorId: "{{operatorId}}"
      body: { OperatorID: "{{operatorId}}" }
    expect: { status: 200 }

  - id: with-secrets
    title: A PIN and a hashed PIN written into the file
    # why this scenario exists
    request:
      operatorId: "{{operatorId}}"
      body:
        Identification:
          QRCodeIdentification:
            EvcoID: "{{qrEvcoId}}"
            PIN: "73029461"
            HashedPIN: { Value: "hashedSecret42", Function: Bcrypt }
    expect: { status: 200 }
  - id: last
    title: The last
    request: { operatorId: "X", body: {} }
    expect: { status: 400 }
`;

test('the scenario as written: its YAML item with comments, file and line, secrets masked', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-source-')), 'scenarios.yaml');
  fs.writeFileSync(file, SCENARIO_FILE);
  const yaml = scenarioYaml(file, 'with-secrets', new Redactor()) ?? '';
  expect(yaml.split('\n')[0]).toBe(`# ${file}:12`);
  expect(yaml).toContain(
    '- id: with-secrets\n  title: A PIN and a hashed PIN written into the file\n  # why this scenario exists',
  );
  expect(yaml).toContain('EvcoID: "{{qrEvcoId}}"');
  expect(yaml).toContain('PIN: "***"');
  expect(yaml).toContain('HashedPIN: "***"');
  expect(yaml).not.toContain('73029461');
  expect(yaml).not.toContain('hashedSecret42');
  expect(yaml).not.toContain('id: first');
  expect(yaml).not.toContain('id: last');
  // A secret the profile knows is masked wherever it stands.
  expect(scenarioYaml(file, 'first', new Redactor(['{{operatorId}}'])) ?? '').not.toContain('{{operatorId}}');
  expect(scenarioYaml(file, 'missing', new Redactor())).toBeUndefined();
  expect(scenarioYaml('/nonexistent.yaml', 'first', new Redactor())).toBeUndefined();
});
