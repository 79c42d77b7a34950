import { curlCommand } from '../../src/exchange/curl.ts';
import { prepareRequest } from '../../src/exchange/request.ts';
import { isSecretVariable, REDACTED, Redactor, SECRET_KEYS, secretValuesOfBody } from '../../src/redact.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { expect, test } from '../support/test.ts';
import { buildScenario, EVSE_ID, OPERATOR_ID } from './helpers/exchange.ts';

const PIN = '1234';
const EVCO_ID = 'DE-8EO-CAet5e4XY-3';
const SESSION_WITH_PIN_DIGITS = '3b129fb6-c4af-476e-8bec-6e3071234d25';

function qrBody(pin: unknown = PIN): Record<string, unknown> {
  return {
    OperatorID: OPERATOR_ID,
    EvseID: EVSE_ID,
    SessionID: SESSION_WITH_PIN_DIGITS,
    Identification: { QRCodeIdentification: { EvcoID: EVCO_ID, PIN: pin } },
  };
}

test.describe('Redactor.json', () => {
  test('masks PIN and HashedPIN wherever they appear, and keeps the rest', () => {
    const redactor = new Redactor();
    const hashed = {
      Value: 'a1b2c3d4e5f6',
      Function: 'Bcrypt',
      LegacyHashData: { Salt: 'pepper', Value: 'x' },
    };
    const masked = redactor.json({
      ...qrBody(),
      AuthorizationStopIdentifications: [{ QRCodeIdentification: { EvcoID: EVCO_ID, HashedPIN: hashed } }],
    });
    expect(masked).toEqual({
      ...qrBody(REDACTED),
      AuthorizationStopIdentifications: [{ QRCodeIdentification: { EvcoID: EVCO_ID, HashedPIN: REDACTED } }],
    });
  });

  test('keeps a null PIN null (nothing to hide, and the evidence shows it was null)', () => {
    expect(new Redactor().json({ QRCodeIdentification: { EvcoID: EVCO_ID, PIN: null } })).toEqual({
      QRCodeIdentification: { EvcoID: EVCO_ID, PIN: null },
    });
  });

  test('masks a numeric PIN', () => {
    expect(new Redactor().json({ PIN: 1234 })).toEqual({ PIN: REDACTED });
  });

  test('masks a string that is exactly a known secret, never one that only contains it', () => {
    const redactor = new Redactor([PIN]);
    const masked = redactor.json({
      SessionID: SESSION_WITH_PIN_DIGITS,
      CPOPartnerSessionID: PIN,
      note: `x${PIN}`,
    });
    expect(masked).toEqual({
      SessionID: SESSION_WITH_PIN_DIGITS,
      CPOPartnerSessionID: REDACTED,
      note: `x${PIN}`,
    });
  });

  test('does not change its input', () => {
    const body = qrBody();
    new Redactor([PIN]).json(body);
    expect(body).toEqual(qrBody(PIN));
  });
});

test.describe('Redactor.text', () => {
  test('masks a 4-digit PIN as a whole token', () => {
    const redactor = new Redactor([PIN]);
    expect(redactor.text(`PIN ${PIN} refused`)).toBe(`PIN ${REDACTED} refused`);
    expect(redactor.text(`pin=${PIN}&uid=AABBCCDD`)).toBe(`pin=${REDACTED}&uid=AABBCCDD`);
  });

  test('does not mask a 4-digit PIN inside a longer token', () => {
    const redactor = new Redactor([PIN]);
    expect(redactor.text(`SessionID ${SESSION_WITH_PIN_DIGITS}`)).toBe(
      `SessionID ${SESSION_WITH_PIN_DIGITS}`,
    );
    expect(redactor.text('order 12345 and A1234')).toBe('order 12345 and A1234');
  });

  test('masks the PIN field of JSON text even when the value is not a known secret', () => {
    const redactor = new Redactor();
    expect(redactor.text('{"EvcoID":"DE-8EO-CAet5e4XY-3","PIN": "0000"}')).toBe(
      `{"EvcoID":"DE-8EO-CAet5e4XY-3","PIN": "${REDACTED}"}`,
    );
    expect(redactor.text('{"Salt":"s\\"alty"}')).toBe(`{"Salt":"${REDACTED}"}`);
  });

  test('masks long secrets anywhere, even inside other words', () => {
    const secret = 'Zq8vN3kP0aLm';
    const redactor = Redactor.forVariables({ apiToken: secret });
    expect(redactor.text(`Authorization: Bearer x${secret}y`)).toBe(`Authorization: Bearer x${REDACTED}y`);
    expect(redactor.text(`${secret}${secret}`)).toBe(`${REDACTED}${REDACTED}`);
  });

  test('masks the longer of two overlapping secrets whole', () => {
    const redactor = new Redactor(['passphrase', 'passphrase-extended']);
    expect(redactor.text('key: passphrase-extended.')).toBe(`key: ${REDACTED}.`);
  });

  test('ignores empty secret values', () => {
    expect(new Redactor(['']).text('nothing to hide')).toBe('nothing to hide');
  });
});

test.describe('Redactor.forVariables', () => {
  test('treats only secret-named variables as secrets', () => {
    const redactor = Redactor.forVariables({ qrPin: '4711', evcoId: EVCO_ID, operatorId: OPERATOR_ID });
    expect(redactor.text(`PIN 4711 for ${EVCO_ID} at ${OPERATOR_ID}`)).toBe(
      `PIN ${REDACTED} for ${EVCO_ID} at ${OPERATOR_ID}`,
    );
  });

  test('recognises secret variable names', () => {
    const names = [
      'qrPin',
      'PIN',
      'clientSecret',
      'password',
      'tlsPassphrase',
      'apiToken',
      'privateKey',
      'evcoId',
      'uid',
    ];
    expect(names.filter(isSecretVariable)).toEqual([
      'qrPin',
      'PIN',
      'clientSecret',
      'password',
      'tlsPassphrase',
      'apiToken',
      'privateKey',
    ]);
  });
});

test.describe('curlCommand', () => {
  const redactor = Redactor.forVariables({ qrPin: PIN });

  function request(baseUrl: string, body: unknown = qrBody(), rawBody?: string) {
    return prepareRequest(buildScenario({ request: { body, rawBody } }), baseUrl);
  }

  test('masks the PIN and uses TLS placeholders for an https target', () => {
    const curl = curlCommand(request('https://service-qa.hubject.com'), redactor);
    expect(curl).toBe(
      [
        "curl --request POST 'https://service-qa.hubject.com/api/oicp/charging/v21/operators/DE*ABC/authorize/start' \\",
        '  --cert "$OICP_CLIENT_CERT" --key "$OICP_CLIENT_KEY" \\',
        '  --cacert "$OICP_CA_CERT" \\',
        "  --header 'Content-Type: application/json' \\",
        "  --header 'Accept: application/json' \\",
        "  --header 'User-Agent: oicp-authorize-start-conformance' \\",
        `  --data-raw '${JSON.stringify(qrBody(REDACTED))}'`,
        '',
      ].join('\n'),
    );
    expect(curl).not.toContain(`"PIN":"${PIN}"`);
    expect(curl).toContain(SESSION_WITH_PIN_DIGITS);
  });

  test('has no TLS options for a plain http target', () => {
    const curl = curlCommand(request('http://127.0.0.1:9'), redactor);
    expect(curl).toContain("curl --request POST 'http://127.0.0.1:9/api/oicp/");
    expect(curl).not.toContain('--cert');
    expect(curl).not.toContain('--cacert');
  });

  test('masks the PIN in a raw body that is not JSON', () => {
    const raw = `{"OperatorID":"DE*ABC","Identification":{"QRCodeIdentification":{"EvcoID":"${EVCO_ID}","PIN":"${PIN}"}`;
    const curl = curlCommand(request('http://127.0.0.1:9', undefined, raw), redactor);
    expect(curl).toContain(`"PIN":"${REDACTED}"}`);
    expect(curl).not.toContain(PIN);
  });

  test('masks request headers like answer headers: a credential by name, a secret in any value', () => {
    const sent = request('http://127.0.0.1:9');
    const withCredentials = {
      ...sent,
      headers: { ...sent.headers, Cookie: 'session=abc123', 'Content-Type': `application/json; note=${PIN}` },
    };
    const curl = curlCommand(withCredentials, redactor);
    expect(curl).toContain(`--header 'Cookie: ${REDACTED}'`);
    expect(curl).not.toContain('abc123');
    expect(curl).toContain(`--header 'Content-Type: application/json; note=${REDACTED}'`);
    expect(curl).not.toContain(`note=${PIN}`);
  });

  test('quotes single quotes for the shell', () => {
    const curl = curlCommand(request('http://127.0.0.1:9', undefined, "OperatorID=O'Brien"), redactor);
    expect(curl).toContain(`--data-raw 'OperatorID=O'\\''Brien'`);
  });
});

test.describe('secrets inside other text', () => {
  test('a secret quoted inside a JSON string is masked; a GUID or EvseID segment equal to a PIN is not', () => {
    const redactor = new Redactor(['1234', 'Zq8vN3kP0aLm']);
    expect(
      redactor.json({
        message: 'PIN 1234 is not valid',
        detail: 'token Zq8vN3kP0aLm rejected',
        SessionID: '3b129fb6-1234-476e-8bec-6e307c8e5d25',
        EvseID: 'DE*ABC*E1*1234',
      }),
    ).toEqual({
      message: `PIN ${REDACTED} is not valid`,
      detail: `token ${REDACTED} rejected`,
      SessionID: '3b129fb6-1234-476e-8bec-6e307c8e5d25',
      EvseID: 'DE*ABC*E1*1234',
    });
    expect(redactor.text('x 3b129fb6-1234-476e y')).toBe('x 3b129fb6-1234-476e y');
  });

  test('text masks HashedPIN values and numeric PINs of JSON that may not parse', () => {
    expect(new Redactor().text('{"HashedPIN":{"Value":"abcdefghij","Function":"Bcrypt"},"PIN":5678,')).toBe(
      `{"HashedPIN":{"Value":"${REDACTED}","Function":"Bcrypt"},"PIN":"${REDACTED}",`,
    );
  });

  test('curl sends the exact bytes of a raw JSON body (duplicate keys kept), secrets masked', () => {
    const rawBody = '{"OperatorID":"DE*ABC","OperatorID":"XX*YYY","PIN":"4711"}';
    const request = prepareRequest(
      buildScenario({ request: { operatorId: OPERATOR_ID, rawBody } }),
      'http://h',
    );
    const curl = curlCommand(request, new Redactor(['4711']));
    expect(curl).toContain(`--data-raw '{"OperatorID":"DE*ABC","OperatorID":"XX*YYY","PIN":"${REDACTED}"}'`);
  });
});

test.describe('the secrets of a scenario', () => {
  test("the secret JSON keys are exactly the request schema's writeOnly properties (plus HTTP credentials)", () => {
    const writeOnly = new Set<string>();
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) for (const item of node) visit(item);
      else if (node && typeof node === 'object') {
        const properties =
          (node as { properties?: Record<string, { writeOnly?: boolean }> }).properties ?? {};
        for (const [name, schema] of Object.entries(properties)) if (schema.writeOnly) writeOnly.add(name);
        for (const value of Object.values(node)) visit(value);
      }
    };
    const registry = schemaRegistry();
    for (const id of registry.ids.filter((id) => id.includes('/oicp/'))) visit(registry.document(id));
    expect([...writeOnly].sort()).toEqual(['HashedPIN', 'PIN']);
    expect([...SECRET_KEYS].filter((key) => !/^authorization$/i.test(key)).sort()).toEqual(
      [...writeOnly].sort(),
    );
  });

  test('every secret-bearing value of a request, also in a raw body that does not parse', () => {
    expect(
      secretValuesOfBody({
        Identification: {
          QRCodeIdentification: {
            EvcoID: 'DE-8EO-CAet5e4XY-3',
            PIN: '8426',
            HashedPIN: {
              Value: 'hashValue123',
              Function: 'Bcrypt',
              LegacyHashData: { Salt: 'pepper42', Value: 'v' },
            },
          },
        },
      }).sort(),
    ).toEqual(['8426', 'Bcrypt', 'hashValue123', 'pepper42', 'v'].sort());
    expect(secretValuesOfBody(undefined, '{"Identification":{"QRCodeIdentification":{"PIN":"7302",')).toEqual(
      ['7302'],
    );
    expect(secretValuesOfBody(undefined, '{"PIN": 5566}')).toEqual(['5566']);
  });

  test('a secret is masked in the encodings a target may echo it in', () => {
    const redactor = new Redactor(['8426', 'hashValue/+=12']);
    const samples = [
      'raw 8426 end',
      'json {\\"PIN\\":\\"8426\\"}',
      'percent %22PIN%22%3A%228426%22',
      'percent-all %38%34%32%36 lower %38%34%32%36',
      'html &quot;8426&quot; &#56;&#52;&#50;&#54; &#x38;&#x34;&#x32;&#x36;',
      'unicode-escaped \\u00228426\\u0022',
      'long hashValue/+=12 hashValue%2F%2B%3D12 hashValue%2F%2B%3D12',
    ];
    for (const sample of samples) {
      const masked = redactor.text(sample);
      expect(masked, sample).not.toMatch(/8426|%38%34|&#56;|&#x38;|hashValue/);
      expect(masked, sample).toContain(REDACTED);
    }
    // Token boundaries still hold: a PIN inside an id or a GUID segment is left alone.
    expect(redactor.text('DE*ABC*E84261 6e3078426d25 x84260')).toBe('DE*ABC*E84261 6e3078426d25 x84260');
  });

  test('headers: names and values masked; a hostile __proto__ key stays a plain property', () => {
    const redactor = new Redactor(['8426']);
    expect(redactor.headers({ 'x-echo': '{"PIN":"8426"}', '8426': 'a' })).toEqual({
      'x-echo': `{"PIN":"${REDACTED}"}`,
      [REDACTED]: 'a',
    });
    const masked = redactor.json(JSON.parse('{"__proto__":{"PIN":"8426"},"a":1}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(Object.keys(masked)).toEqual(['__proto__', 'a']);
  });

  test('a body nested thousands of levels deep is masked without overflowing the stack', () => {
    let deep: unknown = { PIN: '8426' };
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(() => new Redactor(['8426']).json(deep)).not.toThrow();
  });
});
