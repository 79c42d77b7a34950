import { generateKeyPairSync, type KeyPairKeyObjectResult } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { applySettingsFile, parseSettings, SUITE_SETTINGS } from '../../src/config/settings-file.ts';
import { inputErrorOf } from '../support/input-error.ts';
import { expect, test } from '../support/test.ts';

// QA settings in one file: data/environments/<profile>.env (or OICP_SETTINGS_FILE), read by the run
// when present; the environment wins; every mistake is found at its line.

function settingsFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-settings-'));
  const file = path.join(dir, 'qa.env');
  fs.writeFileSync(file, text);
  return file;
}

test('values the environment lacks are applied; the environment wins; empty values and comments are left out', () => {
  const file = settingsFile(
    [
      '# my QA account',
      'OICP_QA_OPERATOR_ID=DE*ABC',
      'export OICP_QA_EVSE_ID="DE*ABC*E1234567*1"  # quoted',
      "OICP_QA_QR_PIN='12 #34'",
      'OICP_QA_AUTHORIZED_UID=  # REQUIRED',
      'OICP_CLIENT_CERT=/from/file.crt',
    ].join('\n'),
  );
  const env: Record<string, string | undefined> = {
    OICP_ENV: 'qa',
    OICP_SETTINGS_FILE: file,
    OICP_CLIENT_CERT: '/from/shell.crt',
  };
  const applied = applySettingsFile(env);
  expect(applied?.applied.sort()).toEqual(['OICP_QA_EVSE_ID', 'OICP_QA_OPERATOR_ID', 'OICP_QA_QR_PIN']);
  expect(env.OICP_QA_OPERATOR_ID).toBe('DE*ABC');
  expect(env.OICP_QA_EVSE_ID).toBe('DE*ABC*E1234567*1');
  expect(env.OICP_QA_QR_PIN).toBe('12 #34');
  expect(env.OICP_QA_AUTHORIZED_UID).toBeUndefined();
  expect(env.OICP_CLIENT_CERT).toBe('/from/shell.crt');
});

test('a misspelt name, a line that is no setting and an unclosed quote are errors at their line', () => {
  const file = settingsFile(
    [
      'OICP_QA_OPERATOR_ID=DE*ABC',
      'OICP_QA_OPERATER_ID=DE*ABC',
      'just some text',
      'OICP_QA_QR_PIN="1234',
    ].join('\n'),
  );
  const error = inputErrorOf(() => applySettingsFile({ OICP_ENV: 'qa', OICP_SETTINGS_FILE: file }));
  expect(error.message).toContain('nothing was sent');
  expect(error.message).toContain(
    `${file}:2:1 OICP_QA_OPERATER_ID: is not a setting of the suite or a variable the profile reads (did you mean OICP_QA_OPERATOR_ID?)`,
  );
  expect(error.message).toContain(`${file}:3:1: is not a NAME=value line`);
  expect(error.message).toContain(`${file}:4:1 OICP_QA_QR_PIN: has an opening quote without its closing one`);
});

const NOT_SETTINGS = 'this looks like a key or certificate, not a settings file';

/**
 * A real RSA key pair, made here, once per worker: making one takes a good part of a second, and no test
 * needs a key of its own (each looks for fragments of the key it was given).
 */
let rsaKeyPair: KeyPairKeyObjectResult | undefined;
function rsaKeys(): KeyPairKeyObjectResult {
  rsaKeyPair ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
  return rsaKeyPair;
}

/** Real keys, made here: PKCS#8, PKCS#1, SEC1 and an encrypted PKCS#8, each as PEM. */
function generatedKeys(): Array<{ kind: string; pem: string }> {
  const rsa = rsaKeys();
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return [
    { kind: 'PKCS#8', pem: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
    { kind: 'PKCS#1', pem: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() },
    { kind: 'SEC1', pem: ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString() },
    {
      kind: 'encrypted PKCS#8',
      pem: rsa.privateKey
        .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'not-a-secret' })
        .toString(),
    },
    { kind: 'public key', pem: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
  ];
}

/** The base64 body of a PEM text: its lines between the armour, joined. */
const pemBody = (pem: string) =>
  pem
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('-----'))
    .join('');

/** Every piece of the key the message holds: 20-character windows of its body, and base64 runs of 12 or more. */
function keyFragmentsIn(message: string, body: string): string[] {
  const windows = Array.from({ length: body.length - 19 }, (_v, i) => body.slice(i, i + 20)).filter((w) =>
    message.includes(w),
  );
  const runs = [...message.matchAll(/[A-Za-z0-9+/]{12,}/g)].map((m) => m[0]).filter((r) => body.includes(r));
  return [...windows, ...runs];
}

test('a settings file with thousands of mistakes lists the first 20 and counts the rest', () => {
  const lines = Array.from({ length: 5000 }, (_v, i) =>
    i % 2 === 0 ? `OICP_QA_MISTAKE_${i}=x` : `line ${i} that is no setting`,
  );
  const file = settingsFile(lines.join('\n'));
  const { message } = inputErrorOf(() => applySettingsFile({ OICP_ENV: 'qa', OICP_SETTINGS_FILE: file }));
  const listed = message.split('\n').slice(1);
  expect(listed).toHaveLength(21);
  expect(listed[0]).toBe(
    `  - ${file}:1:1 OICP_QA_MISTAKE_0: is not a setting of the suite or a variable the profile reads`,
  );
  expect(listed[19]).toBe(`  - ${file}:20:1: is not a NAME=value line`);
  expect(listed[20]).toBe(`  - ${file}: … and 4980 more problem(s) in this file, not listed`);
  // A few mistakes are all listed, with no count.
  const few = inputErrorOf(() => parseSettings('A_B=1\nno setting', 'few.env', new Set()));
  expect(few.problems).toHaveLength(2);
  expect(few.message).not.toContain('more problem(s)');
});

test('a private key named as the settings file is said to be one, and no fragment of it is shown', () => {
  for (const { kind, pem } of generatedKeys()) {
    const body = pemBody(pem);
    expect(body.length, kind).toBeGreaterThan(100);
    // The key alone, the key pasted below settings, and its base64 without the armour.
    for (const [form, text] of [
      ['PEM', pem],
      ['pasted into settings', `OICP_QA_OPERATOR_ID=DE*ABC\n${pem}`],
      ['base64 without armour', pem.replace(/^-----.*$/gm, '')],
    ] as const) {
      const file = settingsFile(text);
      const error = inputErrorOf(() => applySettingsFile({ OICP_ENV: 'qa', OICP_SETTINGS_FILE: file }));
      expect(error.message, `${kind}, ${form}`).toContain(NOT_SETTINGS);
      expect(error.problems, `${kind}, ${form}`).toHaveLength(1);
      expect(keyFragmentsIn(error.message, body), `${kind}, ${form}: ${error.message}`).toEqual([]);
    }
  }
  const [pkcs8] = generatedKeys();
  const error = inputErrorOf(() =>
    parseSettings(`# the key\n${pkcs8?.pem}`, 'data/environments/qa.env', new Set()),
  );
  expect(error.message).toBe(
    'Invalid settings file; nothing was sent\n' +
      `  - data/environments/qa.env:2: ${NOT_SETTINGS} (a PEM private key begins at line 2; nothing of it is shown). ` +
      'OICP_SETTINGS_FILE names a file of NAME=value lines; a client key or certificate is named by its path, ' +
      'in OICP_CLIENT_KEY and OICP_CLIENT_CERT',
  );
});

test('a key in binary form (DER) is said to be one; a Latin-1 comment is no binary', () => {
  const { privateKey } = rsaKeys();
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  const error = inputErrorOf(() => parseSettings(der.toString('utf8'), 'key.der', new Set()));
  expect(error.message).toContain(`${NOT_SETTINGS} (binary content, such as a DER key or a PFX;`);
  const latin1 = Buffer.from('# Zugangsdaten f\u00fcr QA\nOICP_QA_OPERATOR_ID=DE*ABC\n', 'latin1');
  expect(
    parseSettings(latin1.toString('utf8'), 'qa.env', new Set(['OICP_QA_OPERATOR_ID'])).get(
      'OICP_QA_OPERATOR_ID',
    ),
  ).toBe('DE*ABC');
});

test('a line that looks like key material is never quoted; a long name only by its start', () => {
  const { privateKey } = rsaKeys();
  const body = pemBody(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const line = body.slice(64, 128);
  // A NAME by its shape (a letter first, no + or /), and base64 by its mix of cases and digits.
  const name = `M${body.slice(200, 236).replace(/[+/]/g, 'A')}7x`;
  const long = `OICP_${'VERY_'.repeat(40)}LONG`;
  const text = [
    'OICP_QA_OPERATOR_ID=DE*ABC',
    line,
    `${name}=${body.slice(300, 340)}`,
    `${long}=x`,
    'OICP_QA_OPERATER_ID=x',
  ].join('\n');
  const error = inputErrorOf(() =>
    parseSettings(text, 'qa.env', new Set(['OICP_QA_OPERATOR_ID', 'OICP_QA_EVSE_ID'])),
  );
  expect(error.message.split('\n').slice(1)).toEqual([
    '  - qa.env:2:1: is no NAME=value line: it looks like part of a key or certificate (base64), so it is not shown',
    '  - qa.env:3:1: is no NAME=value line: it looks like part of a key or certificate (base64), so it is not shown',
    `  - qa.env:4:1 OICP_VERY_VERY_V… (${long.length} characters): is not a setting of the suite or a variable the profile reads`,
    '  - qa.env:5:1 OICP_QA_OPERATER_ID: is not a setting of the suite or a variable the profile reads (did you mean OICP_QA_OPERATOR_ID?)',
  ]);
  expect(keyFragmentsIn(error.message, body)).toEqual([]);
});

test('OICP_SETTINGS_FILE=none runs without one; a named file that does not exist is an error', () => {
  expect(applySettingsFile({ OICP_ENV: 'qa', OICP_SETTINGS_FILE: 'none' })).toBeUndefined();
  expect(
    inputErrorOf(() => applySettingsFile({ OICP_SETTINGS_FILE: '/nonexistent/qa.env' })).message,
  ).toContain('/nonexistent/qa.env: file not found');
});

test('the committed example lists every QA setting, parses cleanly, and marks the required ones', () => {
  const example = fs.readFileSync('data/environments/qa.env.example', 'utf8');
  const qa = parse(fs.readFileSync('data/environments/qa.yaml', 'utf8')) as {
    variables: Record<string, string>;
  };
  const referenced = Object.values(qa.variables).flatMap((value) =>
    [...value.matchAll(/\$\{([A-Z0-9_]+)(:-)?/g)].map((m) => ({
      name: m[1] as string,
      optional: m[2] !== undefined,
    })),
  );
  const known = new Set<string>([...SUITE_SETTINGS, ...referenced.map((r) => r.name)]);
  // Uncommented, every line parses; commented out, each setting is still there to be found.
  const uncommented = example.replace(/^# (OICP_[A-Z0-9_]+=)/gm, '$1');
  expect(() => parseSettings(uncommented, 'qa.env.example', known)).not.toThrow();
  for (const { name, optional } of referenced) {
    expect(example, `${name} is in qa.env.example`).toMatch(new RegExp(`^(# )?${name}=`, 'm'));
    if (!optional) expect(example).toMatch(new RegExp(`^${name}=\\s+# REQUIRED`, 'm'));
  }
});
