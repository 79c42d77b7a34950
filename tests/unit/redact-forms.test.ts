import { calibrate, calibrationMarkdown, WITHHELD_SECRET } from '../../src/calibration/calibrate.ts';
import { EXCHANGE_FORMAT, type ExchangeRecord } from '../../src/exchange/log-entry.ts';
import type { ScenarioRecord } from '../../src/record/run-record.ts';
import { isCredentialHeader, REDACTED, Redactor } from '../../src/redact.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { markdownText } from '../../src/text.ts';
import { expect, test } from '../support/test.ts';
import { buildScenario } from './helpers/exchange.ts';

// The forms a hostile target may echo a secret in beyond plain text: a JSON number, an object key, base64 of
// the secret or of the whole request (standard, URL-safe, padded or not), and credential headers of either
// side. Each form is masked, and an innocent neighbouring value is left alone.

const PIN = '7391';
const b64 = (text: string) => Buffer.from(text).toString('base64');
const b64url = (text: string) => Buffer.from(text).toString('base64url');
const requestJson = (pin: string) =>
  JSON.stringify({
    OperatorID: 'DE*ABC',
    EvseID: 'DE*ABC*E1*0001',
    Identification: { QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3', PIN: pin } },
  });

test.describe('a secret as a JSON number', () => {
  test('a number equal to the PIN, or containing it, is masked; other numbers are not', () => {
    const redactor = new Redactor([PIN]);
    expect(
      redactor.json({ EchoNumber: 7391, Negative: -7391, Glued: 173910, Decimal: 7391.5, Neighbour: 7392 }),
    ).toEqual({
      EchoNumber: REDACTED,
      Negative: REDACTED,
      Glued: REDACTED,
      Decimal: REDACTED,
      Neighbour: 7392,
    });
    // A whole-number answer, and numbers in arrays.
    expect(redactor.json(7391)).toBe(REDACTED);
    expect(redactor.json([7391, 739, 391, true, null])).toEqual([REDACTED, 739, 391, true, null]);
  });

  test('a secret shorter than 4 characters masks only a number that is exactly it', () => {
    const redactor = new Redactor(['42']);
    expect(redactor.json({ a: 42, b: 4242, c: 142 })).toEqual({ a: REDACTED, b: 4242, c: 142 });
  });

  test('a PIN with a leading zero echoed as a number (0739 → 739) is masked', () => {
    expect(new Redactor(['0739']).json({ EchoNumber: 739, Neighbour: 738 })).toEqual({
      EchoNumber: REDACTED,
      Neighbour: 738,
    });
  });

  test('a long PIN beyond the precision of a double is still recognised as a number', () => {
    const long = '58392716045839271604';
    expect(new Redactor([long]).json(JSON.parse(`{"n":${long},"m":1}`))).toEqual({ n: REDACTED, m: 1 });
  });
});

test.describe('a secret as an object key', () => {
  test('a key that is the PIN, or contains it as a token, is masked; a neighbouring key is not', () => {
    const redactor = new Redactor([PIN, 'Zq8vN3kP0aLm']);
    expect(
      redactor.json({ [PIN]: true, '7392': true, [`pin ${PIN}`]: 1, xZq8vN3kP0aLmy: 2, x7391y: 3 }),
    ).toEqual({ [REDACTED]: true, '7392': true, [`pin ${REDACTED}`]: 1, [`x${REDACTED}y`]: 2, x7391y: 3 });
  });

  test('two keys masked alike both stay in the evidence', () => {
    // Integer-like keys come first in JavaScript's key order: 7391, 8426, then '***'.
    const masked = new Redactor([PIN, '8426']).json({ [PIN]: 'a', [REDACTED]: 'b', '8426': 'c' });
    expect(masked).toEqual({ [REDACTED]: 'a', [`${REDACTED} #2`]: 'c', [`${REDACTED} #3`]: 'b' });
  });

  test('keys and numbers thousands of levels deep are masked without recursion', () => {
    let deep: unknown = { [PIN]: 7391, keep: 1 };
    for (let i = 0; i < 20_000; i++) deep = { [PIN]: [deep] };
    let masked = new Redactor([PIN]).json(deep);
    let levels = 0;
    while (Object.keys(masked as object).join() === REDACTED) {
      masked = ((masked as Record<string, unknown[]>)[REDACTED] as unknown[])[0];
      levels++;
    }
    expect(levels).toBe(20_000);
    expect(masked).toEqual({ [REDACTED]: REDACTED, keep: 1 });
  });
});

test.describe('a secret in base64', () => {
  const redactor = new Redactor([PIN]);

  test('base64 of the PIN, standard and URL-safe, padded or not', () => {
    for (const token of [b64(PIN), b64(PIN).replace(/=+$/, ''), b64(`pin=${PIN}`), b64url(`pin=${PIN}`)]) {
      expect(redactor.text(`echo ${token} end`), token).toBe(`echo ${REDACTED} end`);
      expect(redactor.json({ Echo: token }), token).toEqual({ Echo: REDACTED });
    }
    // The neighbour: base64 of another number is no secret.
    expect(redactor.text(`echo ${b64('7392')} end`)).toBe(`echo ${b64('7392')} end`);
    expect(redactor.json({ Echo: b64('pin=7392') })).toEqual({ Echo: b64('pin=7392') });
  });

  test('base64 of a JSON request carrying the PIN, in a header and in a JSON field', () => {
    const echoed = b64(requestJson(PIN));
    // The neighbour: a request without a PIN (any decoded PIN field is masked, known value or not).
    const innocent = b64(
      JSON.stringify({
        OperatorID: 'DE*ABC',
        Identification: { RFIDMifareFamilyIdentification: { UID: '7392' } },
      }),
    );
    expect(redactor.headers({ 'x-echo-b64': echoed, 'x-other': innocent })).toEqual({
      'x-echo-b64': REDACTED,
      'x-other': innocent,
    });
    expect(redactor.json({ Echo: `you sent ${echoed}`, Other: innocent })).toEqual({
      Echo: `you sent ${REDACTED}`,
      Other: innocent,
    });
    // A PIN field of the decoded request is a secret even when the value is not a known one.
    expect(new Redactor().text(b64(requestJson('0000')))).toBe(REDACTED);
  });

  test('URL-safe base64 without padding, glued to other letters, or with escaped slashes', () => {
    // A request whose base64 holds '-' and '_' in the URL-safe alphabet (and '+' '/' in the standard one).
    // Six '?' and six '~' hold an aligned '???' (base64 'Pz8/') and '~~~' ('fn5+').
    const body = requestJson(PIN).replace('{', '{"Note":"??????~~~~~~",');
    const urlSafe = b64url(body);
    expect(urlSafe).toMatch(/-/);
    expect(urlSafe).toMatch(/_/);
    expect(urlSafe).not.toContain('=');
    expect(redactor.text(`q=${urlSafe}&x=1`)).toBe(`q=${REDACTED}&x=1`);
    // Glued to a prefix of the same alphabet: read at every alignment.
    for (const prefix of ['p', 'pi', 'pid', 'pid-'])
      expect(redactor.text(`${prefix}${b64(body)}`), prefix).toBe(REDACTED);
    // A JSON encoder that escapes '/' as '\/'.
    const standard = b64(body);
    expect(standard).toContain('/');
    expect(redactor.text(`{"Echo":"${standard.replace(/\//g, '\\/')}"}`)).toBe(`{"Echo":"${REDACTED}"}`);
  });

  test('innocent base64-looking words are left alone', () => {
    const text =
      'Authorization positive Antwort AABBCCDD DE-8EO-CAet5e4XY-3 3b129fb6-c4af-476e-8bec-6e3071234d25';
    expect(new Redactor(['1234', PIN, 'v', 'ab']).text(text)).toBe(text);
  });

  test('in decoded base64 a PIN counts anywhere, also inside another id: the whole token is masked', () => {
    // Deliberately conservative: base64 is opaque in evidence, and a PIN glued to decoded bytes of a prefix
    // has no token boundary to rely on. In plain text the same EvseID is left alone.
    const body = requestJson('0000').replace('DE*ABC*E1*0001', `DE*ABC*E1*${PIN}`);
    expect(new Redactor([PIN]).text(`x ${b64(body)}`)).toBe(`x ${REDACTED}`);
    expect(new Redactor([PIN]).text(`DE*ABC*E1*${PIN}`)).toBe(`DE*ABC*E1*${PIN}`);
  });

  // Work is counted, not timed: a quarter and half a megabyte show it as well as megabytes would.
  test('a large answer (256 KB, then 512 KB) is masked with work linear in its size', () => {
    const filler = (bytes: number) => {
      const words: string[] = [];
      for (let size = 0, i = 0; size < bytes; i++) {
        if (String(i).includes(PIN)) continue; // 'innocent word 7391' is no innocent word
        const word = b64(`innocent word ${i}`);
        words.push(word);
        size += word.length + 1;
      }
      return words.join(' ');
    };
    const echo = b64(requestJson(PIN));
    const work = (bytes: number) => {
      const r = new Redactor([PIN, 'hashedPinSecretValue42']);
      const text = `${filler(bytes)} ${echo}`;
      const masked = r.text(text);
      // The echo at the very end is still found: there is no budget a target could exhaust first.
      expect(masked.endsWith(` ${REDACTED}`)).toBe(true);
      expect(masked.length).toBe(text.length - echo.length + REDACTED.length);
      const json = r.json({ Echo: text, Number: 7391 }) as Record<string, unknown>;
      expect(json.Number).toBe(REDACTED);
      return { length: text.length, ...r.base64Work };
    };
    const one = work(256 * 1024);
    const two = work(512 * 1024);
    for (const w of [one, two]) {
      // At most 4 decodes per token (one per alignment); at most 4 × the text decoded, per pass (text + json).
      expect(w.decodes).toBeLessThanOrEqual(4 * w.tokens);
      expect(w.decodedChars).toBeLessThanOrEqual(2 * 4 * w.length);
      expect(w.tokens).toBeLessThanOrEqual((2 * w.length) / 8);
    }
    // Twice the text, twice the work (within rounding).
    expect(two.decodedChars / one.decodedChars).toBeGreaterThan(1.9);
    expect(two.decodedChars / one.decodedChars).toBeLessThan(2.1);
    expect(two.decodes / one.decodes).toBeLessThan(2.1);
  });

  test('one huge base64 token is decoded at most four times', () => {
    const r = new Redactor([PIN]);
    const token = b64(`${'x'.repeat(256 * 1024)}${requestJson(PIN)}`);
    expect(r.text(token)).toBe(REDACTED);
    expect(r.base64Work.tokens).toBe(1);
    expect(r.base64Work.decodes).toBe(1);
    const innocent = b64('y'.repeat(256 * 1024));
    expect(r.text(innocent)).toBe(innocent);
    expect(r.base64Work.decodes).toBe(5);
    expect(r.base64Work.decodedChars).toBeLessThanOrEqual(token.length + 4 * innocent.length);
  });
});

test.describe('credential headers, by name', () => {
  test('cookies, authorization and token-like headers of either side are masked; their neighbours are not', () => {
    const headers = {
      'set-cookie': 'JSESSIONID=abc123; Path=/; HttpOnly',
      Cookie: 'JSESSIONID=abc123',
      Authorization: 'Bearer eyJhbGciOi',
      'Proxy-Authorization': 'Basic dXNlcjpwYXNz',
      'X-Auth-Token': 'tok-1',
      'x-client-secret': 's',
      'X-Session-Key': 'k',
      'x-api-key': 'k2',
      'X-API_KEY': 'k3',
      // Neighbours.
      'content-type': 'application/json',
      'x-session-id': 'b2688855-7f00-0000-0000-000000000000',
      'cookie-policy': 'strict',
      'process-id': 'pid-1',
    };
    expect(new Redactor().headers(headers)).toEqual({
      'set-cookie': REDACTED,
      Cookie: REDACTED,
      Authorization: REDACTED,
      'Proxy-Authorization': REDACTED,
      'X-Auth-Token': REDACTED,
      'x-client-secret': REDACTED,
      'X-Session-Key': REDACTED,
      'x-api-key': REDACTED,
      'X-API_KEY': REDACTED,
      'content-type': 'application/json',
      'x-session-id': 'b2688855-7f00-0000-0000-000000000000',
      'cookie-policy': 'strict',
      'process-id': 'pid-1',
    });
    expect(['SET-COOKIE', 'proxy-authorization', 'X-Refresh-Token'].every(isCredentialHeader)).toBe(true);
    expect(['accept', 'x-tokenless'].filter(isCredentialHeader)).toEqual(['x-tokenless']);
  });
});

test.describe('calibration never proposes a secret', () => {
  const schemas = schemaRegistry();
  const record = (id: string, fields: string[]): ScenarioRecord => ({
    id,
    title: id,
    feature: 'Unit',
    status: 'passed',
    durationMs: 1,
    advisories: [],
    verdicts: {
      scenario: id,
      failed: [],
      advisories: [],
      passed: [],
      notApplicable: [],
      unconfirmed: fields.map((field) => ({
        check: 'fieldsAsExpected',
        expectation: `fields.${field}` as const,
        basis: 'assumption' as const,
        citation: 'assumed',
        expected: 'something',
        received: 'something else',
      })),
    },
  });
  const exchange = (id: string, body: unknown): ExchangeRecord => ({
    format: EXCHANGE_FORMAT,
    runId: 'run-1',
    scenario: id,
    title: id,
    feature: 'Unit',
    source: 'unit.yaml:1',
    profile: 'qa',
    target: 'https://t',
    at: '2026-01-01T00:00:00.000Z',
    request: { method: 'POST', url: 'https://t/p', path: '/p', headers: {}, body: {}, bytes: 2 },
    answer: { status: 200, reason: 'OK', headers: {}, body, bytes: 10, elapsedMs: 1 },
    attempts: 1,
    verdict: 'passed',
    generated: [],
  });

  test('a PIN of the profile or of the request, answered as a card UID, is withheld and the output says so', () => {
    const fields = ['Stop.UID', 'Stop.Other', 'Echo', 'Neighbour'];
    const scenario = buildScenario({
      id: 'qr',
      request: {
        body: { Identification: { QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3', PIN: '{{code}}' } } },
      },
      expect: { fields: Object.fromEntries(fields.map((f) => [f, { equals: 'x' }])) },
    });
    const calibration = calibrate({
      records: [record('qr', fields)],
      // As an older, unmasked log would carry them: the PIN as a number, the profile's secret as a string.
      exchanges: [
        exchange('qr', {
          Stop: { UID: 7391, Other: 'AABBCCDD' },
          Echo: 'tok-Zq8vN3kP0aLm',
          Neighbour: 7392,
        }),
      ],
      scenarios: [scenario],
      // `code` is not named like a secret: the PIN is known because the request sends it as PIN.
      profile: {
        name: 'qa',
        file: 'qa.yaml',
        baseUrl: 'https://t',
        expectations: [],
        variables: { code: PIN, apiToken: 'Zq8vN3kP0aLm' },
      },
      schemas,
    });
    const byField = Object.fromEntries(calibration.entries.map((e) => [e.expectation, e]));
    expect(byField['fields.Stop.UID']).toMatchObject({ notProposed: WITHHELD_SECRET });
    expect(byField['fields.Echo']).toMatchObject({ notProposed: WITHHELD_SECRET });
    expect(byField['fields.Stop.Other']).toMatchObject({ proposed: { equals: 'AABBCCDD' } });
    expect(byField['fields.Neighbour']).toMatchObject({ proposed: { equals: 7392 } });
    expect(calibration.yaml).not.toContain(PIN);
    expect(calibration.yaml).not.toContain('Zq8vN3kP0aLm');
    expect(calibration.yaml).toContain('7392');
    const markdown = calibrationMarkdown(calibration);
    expect(markdown).toContain('2 value(s) the target answered were withheld because they are secrets');
    expect(markdown).toContain(`- qr · fields\\.Stop\\.UID: ${markdownText(WITHHELD_SECRET)}`);
    expect(markdown).not.toContain(PIN);
  });
});
