import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import { schemasDir } from '../../src/paths.ts';
import { OICP, schemaId, schemaRegistry } from '../../src/schemas/registry.ts';
import { expect, test } from '../support/test.ts';

const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  (addFormatsModule as unknown as FormatsPlugin);

const registry = schemaRegistry();
const type = (name: string) => schemaId(`oicp/${name}.schema.json`);
const valid = (id: string, value: unknown) => registry.violations(id, value).length === 0;

function allSchemaFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? allSchemaFiles(full) : e.name.endsWith('.schema.json') ? [full] : [];
  });
}

test('every schema is valid JSON Schema 2020-12, loads into one plain ajv 2020 instance and compiles by $id', () => {
  // Deliberately default options: the schemas must not depend on ours (no unicodeRegExp: false).
  const ajv = new Ajv2020();
  addFormats(ajv);
  const files = allSchemaFiles(schemasDir);
  const ids = files.map((file) => {
    const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
    // The suite's registry does not check its schemas against the meta-schema when a process starts: here.
    expect(ajv.validateSchema(schema), `${file}: ${ajv.errorsText()}`).toBe(true);
    ajv.addSchema(schema);
    return schema.$id as string;
  });
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(typeof ajv.getSchema(id), id).toBe('function');
  expect(ids).toContain(OICP.request);
  expect(ids).toContain(OICP.response);
  expect(ids.length).toBeGreaterThanOrEqual(22);
});

// Examples listed by the official OICP 2.3 type documentation (OpenAPI schemas/*.yaml descriptions).
const OFFICIAL_EXAMPLES: Record<string, string[]> = {
  UID: ['7568290FFF765F', '1234ABCD', '044A2DAA856280'],
  EvseID: ['DE*AB7*E840*6487', 'DEAB7E8406487', '+49*810*000*438', 'DE*XYZ*ETEST1'],
  OperatorID: ['DE*A36', 'DEA36', '+49*536', 'DE*ABC'],
  EvcoID: [
    'DE-8EO-CAet5e4XY-3',
    'DE8EOCAet5e43X1',
    'DE*8EO*Aet5e4*3',
    'DE-8EO-Aet5e4-3',
    'DE8EOAet5e43',
    'DE-DCB-C12345678-X',
  ],
  ProviderID: ['DE8EO', 'DE-8EO', 'DE*8EO', 'DE-DCB', 'DE*ICE'],
  SessionID: [
    'b2688855-7f00-0002-6d8e-48d883f6abb6',
    'f98efba4-02d8-4fa0-b810-9a9d50d2c527',
    '3b129fb6-c4af-476e-8bec-6e307c8e5d25',
  ],
};

const COUNTEREXAMPLES: Record<string, unknown[]> = {
  UID: ['7568290fff765f', '1234ABC', '1234ABCDE', '0123456789ABCDEF01234', '1234ABCG', '', 1234],
  EvseID: [
    'DE*AB7*840*6487',
    'D*AB7*E840',
    '+49*81*000*438',
    '+49810000438',
    'DE*AB7*E',
    `DE*AB7*E${'1'.repeat(31)}`,
  ],
  OperatorID: ['DE*A3', 'DE**A36', '+49536', 'DEU*A36', 'DE*A36*'],
  EvcoID: ['DE-8EO-CAet5e4X-3', 'DE_8EO_Aet5e4_3', 'DE*8EO*Aet5e4*Y', 'DE8EOAet5e4', 'D-8EO-CAet5e4XY-3'],
  ProviderID: ['DE**8EO', 'DE_8EO', 'D8EO', 'DE-8EO1'],
  SessionID: [
    '3b129fb6c4af476e8bec6e307c8e5d25',
    '3b129fb6-c4af-476e-8bec-6e307c8e5d2',
    'not-a-guid-1234',
    '{3b129fb6-c4af-476e-8bec-6e307c8e5d25}',
  ],
};

for (const [name, examples] of Object.entries(OFFICIAL_EXAMPLES)) {
  test(`${name}: the official examples pass`, () => {
    for (const example of examples) expect(registry.violations(type(name), example), example).toEqual([]);
  });
  test(`${name}: counterexamples fail`, () => {
    for (const counter of COUNTEREXAMPLES[name] ?? [])
      expect(valid(type(name), counter), String(counter)).toBe(false);
  });
}

test('erratum E-03: a literal | inside the official character classes stays valid (official semantics)', () => {
  expect(valid(type('EvcoID'), 'DE|8EO|Aet5e4|3')).toBe(true);
  expect(valid(type('EvcoID'), 'DE8EOAet5e4|')).toBe(true);
  expect(valid(type('ProviderID'), 'DE|8EO')).toBe(true);
});

test('erratum E-01: string limits are maxLength (PartnerSessionID 250, ProductID 50, Description 200)', () => {
  expect(valid(type('PartnerSessionID'), 'x'.repeat(250))).toBe(true);
  expect(valid(type('PartnerSessionID'), 'x'.repeat(251))).toBe(false);
  expect(valid(type('ProductID'), 'p'.repeat(50))).toBe(true);
  expect(valid(type('ProductID'), 'p'.repeat(51))).toBe(false);
  expect(valid(type('StatusCode'), { Code: '000', Description: 'd'.repeat(200) })).toBe(true);
  expect(valid(type('StatusCode'), { Code: '000', Description: 'd'.repeat(201) })).toBe(false);
  expect(valid(type('StatusCode'), { Code: '000', AdditionalInfo: 'a'.repeat(1001) })).toBe(false);
});

test('erratum E-02: StatusCode.Code is limited to the OICP code table', () => {
  for (const code of ['000', '102', '210', '300', '017', '700'])
    expect(valid(type('StatusCodeCode'), code), code).toBe(true);
  for (const code of ['999', '0', '00', 0, 102, '1020'])
    expect(valid(type('StatusCodeCode'), code), String(code)).toBe(false);
});

const GUIDE_REQUEST = {
  EvseID: 'DE*ABC*E1234567*1',
  Identification: { RFIDMifareFamilyIdentification: { UID: '044A2DAA856280' } },
  OperatorID: 'DE*ABC',
};

const GUIDE_ANSWER = {
  SessionID: '3b129fb6-c4af-476e-8bec-6e307c8e5d25',
  CPOPartnerSessionID: null,
  EMPPartnerSessionID: null,
  ProviderID: 'DE*ICE',
  AuthorizationStatus: 'Authorized',
  StatusCode: { Code: '000', Description: null, AdditionalInfo: null },
  AuthorizationStopIdentifications: null,
};

test("the integration guide's example answer (with nulls) is a valid eRoamingAuthorizationStart", () => {
  expect(registry.violations(OICP.response, GUIDE_ANSWER)).toEqual([]);
});

test("the integration guide's example request is a valid eRoamingAuthorizeStart", () => {
  expect(registry.violations(OICP.request, GUIDE_REQUEST)).toEqual([]);
});

test('a refusal as Hubject sends it (HTTP 200, nulls, code 102) is valid', () => {
  const refusal = {
    ...GUIDE_ANSWER,
    SessionID: null,
    ProviderID: null,
    AuthorizationStatus: 'NotAuthorized',
  };
  expect(
    registry.violations(OICP.response, {
      ...refusal,
      StatusCode: {
        Code: '102',
        Description: 'RFID Authentication failed – invalid UID',
        AdditionalInfo: null,
      },
    }),
  ).toEqual([]);
});

test('answer: crafted violations are rejected at the right place', () => {
  const cases: Array<[string, unknown, string]> = [
    ['lower-case status', { ...GUIDE_ANSWER, AuthorizationStatus: 'authorized' }, '/AuthorizationStatus'],
    ['numeric code', { ...GUIDE_ANSWER, StatusCode: { Code: 0 } }, '/StatusCode/Code'],
    ['unknown code', { ...GUIDE_ANSWER, StatusCode: { Code: '999' } }, '/StatusCode/Code'],
    ['missing StatusCode', { ...GUIDE_ANSWER, StatusCode: undefined }, ''],
    ['malformed SessionID', { ...GUIDE_ANSWER, SessionID: 'not-a-guid' }, '/SessionID'],
    ['malformed ProviderID', { ...GUIDE_ANSWER, ProviderID: 'DE**ICE' }, '/ProviderID'],
    [
      'long Description',
      { ...GUIDE_ANSWER, StatusCode: { Code: '000', Description: 'x'.repeat(201) } },
      '/StatusCode/Description',
    ],
    [
      'CPOPartnerSessionID over 250',
      { ...GUIDE_ANSWER, CPOPartnerSessionID: 'c'.repeat(251) },
      '/CPOPartnerSessionID',
    ],
    [
      'stop identification without member',
      { ...GUIDE_ANSWER, AuthorizationStopIdentifications: [{ UID: 'AABBCCDD' }] },
      '/AuthorizationStopIdentifications/0',
    ],
    [
      'stop identification all null',
      { ...GUIDE_ANSWER, AuthorizationStopIdentifications: [{ RFIDMifareFamilyIdentification: null }] },
      '/AuthorizationStopIdentifications/0',
    ],
  ];
  for (const [name, answer, where] of cases) {
    const body = JSON.parse(JSON.stringify(answer));
    const violations = registry.violations(OICP.response, body);
    expect(violations.length, name).toBeGreaterThan(0);
    expect(
      violations.some((v) => v.path === where || v.path.startsWith(`${where}/`)),
      `${name}: ${JSON.stringify(violations)}`,
    ).toBe(true);
  }
});

test('answer: stop identifications as Hubject may serialise them (other members null) are valid', () => {
  const answer = {
    ...GUIDE_ANSWER,
    AuthorizationStopIdentifications: [
      {
        RFIDMifareFamilyIdentification: { UID: 'AABBCCDD' },
        QRCodeIdentification: null,
        PlugAndChargeIdentification: null,
        RemoteIdentification: null,
        RFIDIdentification: null,
      },
      {
        RFIDIdentification: {
          UID: '1234ABCD',
          RFID: 'mifareCls',
          EvcoID: null,
          PrintedNumber: null,
          ExpiryDate: '2021-01-23T14:21:36.954Z',
        },
      },
    ],
  };
  expect(registry.violations(OICP.response, answer)).toEqual([]);
});

test('erratum E-12: answers tolerate unknown properties at every depth, and each one is named by its path', () => {
  const extended = {
    ...GUIDE_ANSWER,
    SomethingNew: 1,
    StatusCode: { Code: '000', Description: null, AdditionalInfo: null, Severity: 'info' },
    AuthorizationStopIdentifications: [
      {
        RFIDMifareFamilyIdentification: { UID: 'AABBCCDD', Label: 'fleet' },
        QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3', PIN: null, HashedPIN: null, Origin: 'app' },
        FutureIdentification: { Token: 'x' },
      },
    ],
  };
  expect(registry.answerViolations(OICP.response, extended)).toEqual([]);
  expect(registry.unknownProperties(OICP.response, extended).sort()).toEqual(
    [
      'AuthorizationStopIdentifications[0].FutureIdentification',
      'AuthorizationStopIdentifications[0].QRCodeIdentification.Origin',
      'AuthorizationStopIdentifications[0].RFIDMifareFamilyIdentification.Label',
      'SomethingNew',
      'StatusCode.Severity',
    ].sort(),
  );
  // Tolerance never relaxes what OICP does say: a bad UID inside the same entry still fails.
  const badUid = structuredClone(extended);
  (badUid.AuthorizationStopIdentifications[0] as Record<string, unknown>).RFIDMifareFamilyIdentification = {
    UID: 'aabbccdd',
    Label: 'fleet',
  };
  expect(registry.answerViolations(OICP.response, badUid).map((v) => v.path)).toContain(
    '/AuthorizationStopIdentifications/0/RFIDMifareFamilyIdentification/UID',
  );
  expect(registry.unknownProperties(OICP.response, GUIDE_ANSWER)).toEqual([]);
  expect(
    registry.unknownProperties(OICP.faultBody, {
      message: 'Error parsing/validating JSON.',
      validationErrors: [
        { fieldReference: 'identification', errorMessage: 'may not be null', code: 'NotNull' },
      ],
      extendedInfo: null,
      timestamp: 1,
    }),
  ).toEqual(['validationErrors[0].code', 'timestamp']);
});

test('erratum E-11: requests stay strict, an unknown property inside an identification is a lint violation', () => {
  const request = {
    ...GUIDE_REQUEST,
    Identification: { RFIDMifareFamilyIdentification: { UID: '044A2DAA856280', Label: 'fleet' } },
  };
  expect(registry.violations(OICP.request, request).map((v) => v.message)).toContain(
    "unknown property 'Label'",
  );
});

test('request lint: the rules stricter than the server are enforced', () => {
  const withIdentification = (identification: unknown) => ({
    ...GUIDE_REQUEST,
    Identification: identification,
  });
  const cases: Array<[string, unknown]> = [
    ['unknown property EvseId', { ...GUIDE_REQUEST, EvseId: 'DE*ABC*E1' }],
    [
      'two identification members',
      withIdentification({
        RFIDMifareFamilyIdentification: { UID: '1234ABCD' },
        PlugAndChargeIdentification: { EvcoID: 'DE*8EO*Aet5e4*3' },
      }),
    ],
    ['no identification member', withIdentification({})],
    [
      'RFIDIdentification in authorization',
      withIdentification({ RFIDIdentification: { UID: '1234ABCD', RFID: 'mifareCls' } }),
    ],
    [
      'QR code with HashedPIN',
      withIdentification({
        QRCodeIdentification: {
          EvcoID: 'DE-8EO-CAet5e4XY-3',
          HashedPIN: { Value: 'a5ghdhf73h', Function: 'Bcrypt' },
        },
      }),
    ],
    [
      'QR code with HashedPIN and PIN',
      withIdentification({
        QRCodeIdentification: {
          EvcoID: 'DE-8EO-CAet5e4XY-3',
          PIN: '1234',
          HashedPIN: { Value: 'a5ghdhf73h', Function: 'Bcrypt' },
        },
      }),
    ],
    ['QR code without PIN', withIdentification({ QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3' } })],
    [
      'QR code with null PIN',
      withIdentification({ QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3', PIN: null } }),
    ],
    ['missing OperatorID', { Identification: GUIDE_REQUEST.Identification }],
    ['missing Identification', { OperatorID: 'DE*ABC' }],
    ['lower-case UID', withIdentification({ RFIDMifareFamilyIdentification: { UID: '044a2daa856280' } })],
    ['PartnerProductID over 50', { ...GUIDE_REQUEST, PartnerProductID: 'p'.repeat(51) }],
    ['OperatorID as number', { ...GUIDE_REQUEST, OperatorID: 49 }],
    ['a JSON array', [GUIDE_REQUEST]],
  ];
  for (const [name, body] of cases) expect(valid(OICP.request, body), name).toBe(false);
});

test('request lint: the official variants of a valid request pass', () => {
  const ok: unknown[] = [
    {
      ...GUIDE_REQUEST,
      Identification: { QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3', PIN: '1234' } },
    },
    {
      ...GUIDE_REQUEST,
      Identification: {
        QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3', PIN: '1234', HashedPIN: null },
      },
    },
    { ...GUIDE_REQUEST, Identification: { PlugAndChargeIdentification: { EvcoID: 'DE*8EO*Aet5e4*3' } } },
    { ...GUIDE_REQUEST, Identification: { RemoteIdentification: { EvcoID: 'DE*8EO*Aet5e4*3' } } },
    {
      ...GUIDE_REQUEST,
      CPOPartnerSessionID: '1234XYZ',
      EMPPartnerSessionID: null,
      PartnerProductID: 'AC1',
      SessionID: 'f98efba4-02d8-4fa0-b810-9a9d50d2c527',
    },
    { OperatorID: '+49*810', EvseID: '+49*810*000*438', Identification: GUIDE_REQUEST.Identification },
    { OperatorID: 'DE*ABC', Identification: GUIDE_REQUEST.Identification },
  ];
  for (const body of ok) expect(registry.violations(OICP.request, body), JSON.stringify(body)).toEqual([]);
});

test('fault bodies: every FaultBody shape Hubject was seen to send passes; a 400 body that says nothing does not', () => {
  for (const body of [
    {
      message: 'Error parsing/validating JSON.',
      validationErrors: [
        {
          fieldReference: 'operatorEvseData.evseDataRecord[0].hotlinePhoneNumber',
          errorMessage: 'must match "^\\+[0-9]{5,15}$"',
        },
      ],
    },
    {
      message: 'Error parsing/validating JSON.',
      validationErrors: [{ fieldReference: 'identification', errorMessage: 'may not be null' }],
      extendedInfo: null,
    },
    { message: 'Error parsing/validating JSON. Object errors: identification: must not be empty' },
  ])
    expect(registry.answerViolations(OICP.faultBody, body), JSON.stringify(body)).toEqual([]);
  expect(registry.answerViolations(OICP.faultBody, { StatusCode: { Code: '022' } }).length).toBeGreaterThan(
    0,
  );
  expect(
    registry.answerViolations(OICP.faultBody, { message: null, validationErrors: [] }).length,
  ).toBeGreaterThan(0);
});

test('fault bodies: the 400 fault body and the 401/404 StatusCode body as Hubject sends them', () => {
  expect(
    registry.violations(OICP.faultBody, {
      message: 'Validation failed',
      validationErrors: [{ fieldReference: 'Identification', errorMessage: 'must not be null' }],
      extendedInfo: null,
    }),
  ).toEqual([]);
  expect(
    registry.violations(OICP.statusFault, {
      StatusCode: { Code: '017', Description: 'Unauthorized Access', AdditionalInfo: null },
    }),
  ).toEqual([]);
  expect(
    registry.violations(OICP.statusFault, { StatusCode: { Code: '300', Description: 'Partner not found' } }),
  ).toEqual([]);
  expect(valid(OICP.faultBody, {})).toBe(false);
  expect(valid(OICP.faultBody, { validationErrors: [] })).toBe(false);
  expect(valid(OICP.faultBody, { message: 42 })).toBe(false);
  expect(valid(OICP.statusFault, { message: 'Partner not found' })).toBe(false);
  expect(valid(OICP.statusFault, { StatusCode: { Code: '999' } })).toBe(false);
});
