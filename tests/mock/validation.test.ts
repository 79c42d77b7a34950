import {
  EVCO_ID_PATTERN,
  EVSE_ID_PATTERN,
  javaPropertyName,
  OPERATOR_ID_PATTERN,
  PROVIDER_ID_PATTERN,
  SESSION_ID_PATTERN,
  UID_PATTERN,
  validateAuthorizeStart,
} from '../../mock/validation.ts';
import { expect, test } from '../support/test.ts';

const rfid = { RFIDMifareFamilyIdentification: { UID: '044A2DAA856280' } };

function fieldReferences(body: unknown): string[] {
  return validateAuthorizeStart(body).map((problem) => problem.fieldReference);
}

test.describe('ID patterns accept the OICP documentation examples', () => {
  const cases: { name: string; pattern: RegExp; valid: string[]; invalid: string[] }[] = [
    {
      name: 'OperatorID',
      pattern: OPERATOR_ID_PATTERN,
      valid: ['DE*ABC', 'DEABC', '+49*810', '49*810'],
      invalid: ['DE**ABC', 'D*ABC', 'DE*AB', '+49810', 'DE*ABCD'],
    },
    {
      name: 'EvseID',
      pattern: EVSE_ID_PATTERN,
      valid: ['DE*XYZ*ETEST1', 'DEXYZETEST1', 'DE*AB7*E840*6487', '+49*810*000*438'],
      invalid: ['DE*XYZ*TEST1', 'DE*XYZ', '+49*810', 'DE*XYZ*E'],
    },
    {
      name: 'SessionID',
      pattern: SESSION_ID_PATTERN,
      valid: ['b2688855-7f00-0002-6d8e-48d883f6abb6'],
      invalid: [
        'not-a-guid-1234',
        'b2688855-7f00-0002-6d8e-48d883f6abb',
        'b2688855_7f00_0002_6d8e_48d883f6abb6',
      ],
    },
    {
      name: 'UID',
      pattern: UID_PATTERN,
      valid: ['7568290FFF765F', 'AABBCCDD', '0011223344556677889A'],
      invalid: ['7568290fff765f', 'AABBCCD', 'AABBCCDDEE', 'AABBCCDDX'],
    },
    {
      name: 'EvcoID',
      pattern: EVCO_ID_PATTERN,
      // `DE|8EO|Aet5e4|3` passes because the official pattern's `[*|-]` also matches a literal `|`.
      valid: [
        'DE-8EO-CAet5e4XY-3',
        'DE8EOCAet5e43X1',
        'DE*8EO*Aet5e4*3',
        'DE-8EO-Aet5e4-3',
        'DE8EOAet5e43',
        'DE|8EO|Aet5e4|3',
      ],
      invalid: ['DE*8EO*Aet5e4*33', 'DE**8EO*Aet5e4*3', 'D-8EO-CAet5e4XY-3', 'DE*8EO*Aet5e4*Y'],
    },
    {
      name: 'ProviderID',
      pattern: PROVIDER_ID_PATTERN,
      valid: ['DE8EO', 'DE-8EO', 'DE*8EO', 'DE*ICE'],
      invalid: ['DE**ICE', 'DE*IC', 'D*ICE'],
    },
  ];

  for (const { name, pattern, valid, invalid } of cases) {
    test(name, () => {
      for (const value of valid) expect(pattern.test(value), `${name} ${value}`).toBe(true);
      for (const value of invalid) expect(pattern.test(value), `${name} ${value}`).toBe(false);
    });
  }
});

test.describe('accepted requests', () => {
  test('a full request with every optional field is valid', () => {
    expect(
      validateAuthorizeStart({
        OperatorID: 'DE*ABC',
        EvseID: 'DE*ABC*E1234',
        SessionID: 'b2688855-7f00-0002-6d8e-48d883f6abb6',
        CPOPartnerSessionID: 'x'.repeat(250),
        EMPPartnerSessionID: 'y'.repeat(250),
        PartnerProductID: 'p'.repeat(100),
        Identification: rfid,
      }),
    ).toEqual([]);
  });

  test('null optional fields are accepted', () => {
    expect(
      validateAuthorizeStart({
        OperatorID: 'DE*ABC',
        EvseID: null,
        SessionID: null,
        CPOPartnerSessionID: null,
        EMPPartnerSessionID: null,
        PartnerProductID: null,
        Identification: { ...rfid, QRCodeIdentification: null, RFIDIdentification: null },
      }),
    ).toEqual([]);
  });

  test('lint-only rules are not enforced', () => {
    const lintOnly = [
      { OperatorID: 'DE*ABC', EvseId: 'typo', Identification: rfid },
      {
        OperatorID: 'DE*ABC',
        Identification: { ...rfid, PlugAndChargeIdentification: { EvcoID: 'DE*8EO*Aet5e4*3' } },
      },
      { OperatorID: 'DE*ABC', Identification: { RFIDIdentification: { UID: 'AABBCCDD', RFID: 'nfc' } } },
      {
        OperatorID: 'DE*ABC',
        Identification: {
          QRCodeIdentification: {
            EvcoID: 'DE8EOAet5e43',
            HashedPIN: { Value: 'a5ghdhf73h', Function: 'Bcrypt' },
          },
        },
      },
    ];
    for (const body of lintOnly) expect(validateAuthorizeStart(body), JSON.stringify(body)).toEqual([]);
  });
});

test.describe('rejected requests name the field', () => {
  test('missing mandatory fields: Java property paths, Bean-Validation wording as captured', () => {
    expect(validateAuthorizeStart({})).toEqual([
      { fieldReference: 'operatorID', errorMessage: 'may not be null' },
      { fieldReference: 'identification', errorMessage: 'may not be null' },
    ]);
    expect(fieldReferences({ OperatorID: null, Identification: null })).toEqual([
      'operatorID',
      'identification',
    ]);
  });

  test('a body that is not an object is an object-level problem', () => {
    expect(validateAuthorizeStart([])).toEqual([
      { fieldReference: '', errorMessage: 'must be a JSON object', objectLevel: true },
    ]);
  });

  test('OICP names become Java property names: the first word in lower case, an acronym included', () => {
    expect(
      [
        'OperatorID',
        'Identification',
        'RFIDMifareFamilyIdentification',
        'QRCodeIdentification',
        'UID',
        'PIN',
        'CPOPartnerSessionID',
        'EvcoID',
        'HashedPIN',
      ].map(javaPropertyName),
    ).toEqual([
      'operatorID',
      'identification',
      'rfidMifareFamilyIdentification',
      'qrCodeIdentification',
      'uid',
      'pin',
      'cpoPartnerSessionID',
      'evcoID',
      'hashedPIN',
    ]);
  });

  test('wrong JSON types', () => {
    expect(validateAuthorizeStart({ OperatorID: 42, Identification: 'RFID' })).toEqual([
      { fieldReference: 'operatorID', errorMessage: 'must be a string, got a number' },
      { fieldReference: 'identification', errorMessage: 'must be an object, got a string' },
    ]);
    expect(
      fieldReferences({
        OperatorID: 'DE*ABC',
        EvseID: 1,
        SessionID: true,
        CPOPartnerSessionID: {},
        EMPPartnerSessionID: [],
        PartnerProductID: 5,
        Identification: { RFIDMifareFamilyIdentification: [] },
      }),
    ).toEqual([
      'evseID',
      'sessionID',
      'cpoPartnerSessionID',
      'empPartnerSessionID',
      'partnerProductID',
      'identification.rfidMifareFamilyIdentification',
    ]);
  });

  test('malformed IDs (validation sees the request as sent to it: the mock upper-cases UIDs before)', () => {
    const problems = validateAuthorizeStart({
      OperatorID: 'DE**ABC',
      EvseID: 'DE*ABC',
      SessionID: 'not-a-guid-1234',
      Identification: { RFIDMifareFamilyIdentification: { UID: '044a2daa856280' } },
    });
    expect(problems.map((problem) => problem.fieldReference)).toEqual([
      'operatorID',
      'evseID',
      'sessionID',
      'identification.rfidMifareFamilyIdentification.uid',
    ]);
    // Bean-Validation wording: the pattern, not the value (a value could be a PIN).
    expect(problems[0]?.errorMessage).toBe(`must match "${OPERATOR_ID_PATTERN.source}"`);
    expect(problems[3]?.errorMessage).toBe(`must match "${UID_PATTERN.source}"`);
  });

  test('over-long partner session and product ids', () => {
    expect(
      validateAuthorizeStart({
        OperatorID: 'DE*ABC',
        CPOPartnerSessionID: 'x'.repeat(251),
        EMPPartnerSessionID: 'y'.repeat(251),
        PartnerProductID: 'p'.repeat(101),
        Identification: rfid,
      }),
    ).toEqual([
      { fieldReference: 'cpoPartnerSessionID', errorMessage: 'size must be between 0 and 250' },
      { fieldReference: 'empPartnerSessionID', errorMessage: 'size must be between 0 and 250' },
      { fieldReference: 'partnerProductID', errorMessage: 'size must be between 0 and 100' },
    ]);
  });

  test('a QR code PIN over 20 characters (03 Data Types, QRCodeIdentificationType: PIN "0-20")', () => {
    const qr = (PIN: string) => ({
      OperatorID: 'DE*ABC',
      Identification: { QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3', PIN } },
    });
    expect(validateAuthorizeStart(qr('9'.repeat(20)))).toEqual([]);
    expect(validateAuthorizeStart(qr(''))).toEqual([]);
    expect(validateAuthorizeStart(qr('9'.repeat(21)))).toEqual([
      {
        fieldReference: 'identification.qrCodeIdentification.pin',
        errorMessage: 'size must be between 0 and 20',
      },
    ]);
    // Characters, not bytes or UTF-16 units.
    expect(validateAuthorizeStart(qr('🔑'.repeat(20)))).toEqual([]);
  });

  test('an Identification without any member', () => {
    for (const identification of [{}, { RFIDMifareFamilyIdentification: null, QRCodeIdentification: null }]) {
      const problems = validateAuthorizeStart({ OperatorID: 'DE*ABC', Identification: identification });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ fieldReference: 'identification', objectLevel: true });
      expect(problems[0]?.errorMessage).toContain('rfidMifareFamilyIdentification');
    }
  });

  test('members without their mandatory ID', () => {
    expect(
      fieldReferences({
        OperatorID: 'DE*ABC',
        Identification: {
          RFIDMifareFamilyIdentification: {},
          QRCodeIdentification: { PIN: '1234' },
          PlugAndChargeIdentification: { EvcoID: null },
          RemoteIdentification: {},
          RFIDIdentification: { RFID: 'nfc' },
        },
      }),
    ).toEqual([
      'identification.rfidMifareFamilyIdentification.uid',
      'identification.qrCodeIdentification.evcoID',
      'identification.plugAndChargeIdentification.evcoID',
      'identification.remoteIdentification.evcoID',
      'identification.rfidIdentification.uid',
    ]);
  });

  test('malformed EvcoIDs, PIN and RFID type', () => {
    const problems = validateAuthorizeStart({
      OperatorID: 'DE*ABC',
      Identification: {
        QRCodeIdentification: { EvcoID: 'DE-8EO', PIN: 1234, HashedPIN: 'abc' },
        PlugAndChargeIdentification: { EvcoID: 'x' },
        RFIDIdentification: { UID: 'AABBCCDD', RFID: 'mifare' },
      },
    });
    expect(problems).toEqual([
      {
        fieldReference: 'identification.qrCodeIdentification.evcoID',
        errorMessage: `must match "${EVCO_ID_PATTERN.source}"`,
      },
      {
        fieldReference: 'identification.qrCodeIdentification.pin',
        errorMessage: 'must be a string, got a number',
      },
      {
        fieldReference: 'identification.qrCodeIdentification.hashedPIN',
        errorMessage: 'must be an object, got a string',
      },
      {
        fieldReference: 'identification.plugAndChargeIdentification.evcoID',
        errorMessage: `must match "${EVCO_ID_PATTERN.source}"`,
      },
      {
        fieldReference: 'identification.rfidIdentification.rfid',
        errorMessage: 'must be one of mifareCls, mifareDes, calypso, nfc, mifareFamily',
      },
    ]);
  });
});
