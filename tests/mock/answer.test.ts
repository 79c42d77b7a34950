import { authorizeStartOperatorId, isAuthorizeStartRequest } from '../../mock/answer.ts';
import { expect, test } from '../support/test.ts';
import { answerOf, ask, authorizeStartPath, GUID, rfidRequest } from './support.ts';

const PARTNER_NOT_FOUND =
  '{"StatusCode":{"Code":"300","Description":"Partner not found","AdditionalInfo":null}}';
const UNAUTHORIZED_ACCESS =
  '{"StatusCode":{"Code":"017","Description":"Unauthorized Access","AdditionalInfo":null}}';

test.describe('routing', () => {
  test('recognises the AuthorizeStart route and URL-decodes the operatorID', () => {
    expect(authorizeStartOperatorId('/api/oicp/charging/v21/operators/%2B49*810/authorize/start')).toBe(
      '+49*810',
    );
    expect(authorizeStartOperatorId('/api/oicp/charging/v21/operators/DE%2AABC/authorize/start?x=1')).toBe(
      'DE*ABC',
    );
    expect(authorizeStartOperatorId('/api/oicp/charging/v21/operators/DE*ABC/authorize/stop')).toBeNull();
    expect(authorizeStartOperatorId('/api/oicp/charging/v21/operators/%E0%A4%A/authorize/start')).toBeNull();
    expect(isAuthorizeStartRequest('post', authorizeStartPath('DE*ABC'))).toBe(true);
    expect(isAuthorizeStartRequest('GET', authorizeStartPath('DE*ABC'))).toBe(false);
  });

  test('answers other paths and methods with 404 Not Found JSON', () => {
    for (const options of [
      { method: 'GET' },
      { path: '/api/oicp/charging/v21/operators/DE*ABC/authorize/stop' },
    ]) {
      const response = ask(rfidRequest('044A2DAA856280'), options);
      expect(response.status).toBe(404);
      expect(response.body).toBe('{"message":"Not Found"}');
      expect(response.headers['Content-Type']).toBe('application/json;charset=utf-8');
      expect(response.headers['Process-ID']).toMatch(GUID);
    }
  });

  test('accepts an operatorID sent unencoded or percent-encoded', () => {
    const raw = ask(rfidRequest('044A2DAA856280'), {
      path: '/api/oicp/charging/v21/operators/DE*ABC/authorize/start',
    });
    expect(raw.status).toBe(200);
    const encoded = ask(rfidRequest('044A2DAA856280', { OperatorID: '+49*810' }), { operatorId: '+49*810' });
    expect(encoded.status).toBe(200);
    expect((encoded.json() as Record<string, unknown>).AuthorizationStatus).toBe('Authorized');
  });
});

test.describe('error answers', () => {
  test('an unknown operator in the URL is 404 with code 300', () => {
    const response = ask(rfidRequest('044A2DAA856280', { OperatorID: 'DE*ZZZ' }), { operatorId: 'DE*ZZZ' });
    expect(response.status).toBe(404);
    expect(response.body).toBe(PARTNER_NOT_FOUND);
    expect(response.headers['Content-Type']).toBe('application/json;charset=utf-8');
  });

  test('a body that is not JSON is 400 with the message alone', () => {
    for (const body of ['{"OperatorID": "DE*ABC",', '', 'not json']) {
      const response = ask(body);
      expect(response.status).toBe(400);
      expect(response.json()).toEqual({ message: 'Error parsing/validating JSON.' });
    }
  });

  test('JSON that is not an object is 400 with the message alone', () => {
    for (const body of ['[]', '"DE*ABC"', 'null', '42']) {
      const response = ask(body);
      expect(response.status).toBe(400);
      expect(response.json()).toEqual({ message: 'Error parsing/validating JSON.' });
    }
  });

  test('a body that breaks enforced rules is 400 with one entry per field: Java property paths, Bean-Validation wording', () => {
    const response = ask({
      OperatorID: 'DE**ABC',
      Identification: { RFIDMifareFamilyIdentification: { UID: '12ab' } },
    });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({
      message: 'Error parsing/validating JSON.',
      validationErrors: [
        {
          fieldReference: 'operatorID',
          errorMessage: 'must match "^(([A-Za-z]{2}\\*?[A-Za-z0-9]{3})|(\\+?[0-9]{1,3}\\*[0-9]{3}))$"',
        },
        {
          fieldReference: 'identification.rfidMifareFamilyIdentification.uid',
          errorMessage: 'must match "^([0-9A-F]{8,8}|[0-9A-F]{14,14}|[0-9A-F]{20,20})$"',
        },
      ],
      extendedInfo: null,
    });
    expect(ask({ Identification: { RFIDMifareFamilyIdentification: {} } }).json()).toMatchObject({
      validationErrors: [
        { fieldReference: 'operatorID', errorMessage: 'may not be null' },
        {
          fieldReference: 'identification.rfidMifareFamilyIdentification.uid',
          errorMessage: 'may not be null',
        },
      ],
    });
  });

  test('an object-level error (an Identification without member) is named in the message, without validationErrors', () => {
    const response = ask({ OperatorID: 'DE*ABC', Identification: {} });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({
      message:
        'Error parsing/validating JSON. Object errors: identification: must contain one of rfidMifareFamilyIdentification, qrCodeIdentification, plugAndChargeIdentification, remoteIdentification, rfidIdentification',
    });
  });
});

test.describe('authorized answers', () => {
  test('the integration guide card is Authorized for DE*ICE, keys in Hubject order', () => {
    const response = ask(rfidRequest('044A2DAA856280', { CPOPartnerSessionID: 'cpo-4711' }));
    expect(response.status).toBe(200);
    expect(response.headers['Content-Type']).toBe('application/json;charset=utf-8');
    expect(response.headers['Process-ID']).toMatch(GUID);
    expect(response.delayMs).toBeUndefined();
    const answer = response.json() as Record<string, unknown>;
    expect(Object.keys(answer)).toEqual([
      'SessionID',
      'CPOPartnerSessionID',
      'EMPPartnerSessionID',
      'ProviderID',
      'AuthorizationStatus',
      'StatusCode',
      'AuthorizationStopIdentifications',
    ]);
    expect(answer).toEqual({
      SessionID: expect.stringMatching(GUID),
      CPOPartnerSessionID: 'cpo-4711',
      EMPPartnerSessionID: null,
      ProviderID: 'DE*ICE',
      AuthorizationStatus: 'Authorized',
      StatusCode: { Code: '000', Description: null, AdditionalInfo: null },
      AuthorizationStopIdentifications: null,
    });
  });

  test('every answer gets a fresh SessionID and Process-ID', () => {
    const first = ask(rfidRequest('044A2DAA856280'));
    const second = ask(rfidRequest('044A2DAA856280'));
    expect((first.json() as Record<string, unknown>).SessionID).not.toBe(
      (second.json() as Record<string, unknown>).SessionID,
    );
    expect(first.headers['Process-ID']).not.toBe(second.headers['Process-ID']);
  });

  test('a card with stop UIDs lists them as RFIDMifareFamilyIdentification', () => {
    const answer = answerOf(rfidRequest('AABBCCDD', { EMPPartnerSessionID: 'emp-1' }));
    expect(answer.ProviderID).toBe('DE-8EO');
    expect(answer.EMPPartnerSessionID).toBe('emp-1');
    expect(answer.AuthorizationStopIdentifications).toEqual([
      { RFIDMifareFamilyIdentification: { UID: 'AABBCCDD' } },
      { RFIDMifareFamilyIdentification: { UID: 'AABBCCDD00112233EEFF' } },
    ]);
  });

  test('a twenty-character UID is Authorized', () => {
    const answer = answerOf(rfidRequest('0011223344556677889A'));
    expect(answer.AuthorizationStatus).toBe('Authorized');
    expect(answer.ProviderID).toBe('DE*ICE');
  });

  test('RFIDIdentification is looked up like a Mifare card', () => {
    const answer = answerOf({
      OperatorID: 'DE*ABC',
      Identification: { RFIDIdentification: { UID: '044A2DAA856280', RFID: 'mifareCls' } },
    });
    expect(answer.AuthorizationStatus).toBe('Authorized');
    expect(answer.ProviderID).toBe('DE*ICE');
  });

  test('a QR code with the right PIN is Authorized for the contract provider', () => {
    const answer = answerOf({
      OperatorID: 'DE*ABC',
      Identification: { QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3', PIN: '1234' } },
    });
    expect(answer.AuthorizationStatus).toBe('Authorized');
    expect(answer.ProviderID).toBe('DE-8EO');
    expect(answer.SessionID).toMatch(GUID);
  });

  test('Plug&Charge and remote identification are Authorized for a known EvcoID', () => {
    for (const member of ['PlugAndChargeIdentification', 'RemoteIdentification']) {
      const answer = answerOf({
        OperatorID: 'DE*ABC',
        Identification: { [member]: { EvcoID: 'DE*8EO*Aet5e4*3' } },
      });
      expect(answer.AuthorizationStatus).toBe('Authorized');
      expect(answer.ProviderID).toBe('DE*8EO');
    }
  });
});

test.describe('refused answers', () => {
  // Every refusal's Description is null, as in the captured Hubject refusals.
  const refusals: { name: string; body: Record<string, unknown>; code: string }[] = [
    {
      name: 'an unknown card',
      body: rfidRequest('DEADBEEF'),
      code: '102',
    },
    {
      name: 'a QR code with the wrong PIN',
      body: {
        OperatorID: 'DE*ABC',
        Identification: { QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3', PIN: '9999' } },
      },
      code: '101',
    },
    {
      name: 'a QR code without PIN',
      body: {
        OperatorID: 'DE*ABC',
        Identification: { QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3' } },
      },
      code: '101',
    },
    {
      name: 'a QR code with a HashedPIN instead of the PIN',
      body: {
        OperatorID: 'DE*ABC',
        Identification: {
          QRCodeIdentification: {
            EvcoID: 'DE-8EO-CAet5e4XY-3',
            HashedPIN: { Value: '$2a$10$abcdefghijklmnopqrstuv', Function: 'Bcrypt' },
          },
        },
      },
      code: '101',
    },
    {
      name: 'a QR code with an unknown EvcoID',
      body: {
        OperatorID: 'DE*ABC',
        Identification: { QRCodeIdentification: { EvcoID: 'DE-8EO-C12345678-9', PIN: '1234' } },
      },
      code: '101',
    },
    {
      name: 'a QR code for a contract without PIN',
      body: {
        OperatorID: 'DE*ABC',
        Identification: { QRCodeIdentification: { EvcoID: 'DE*8EO*Aet5e4*3', PIN: '' } },
      },
      code: '101',
    },
    {
      name: 'a QR code without PIN for a contract without PIN',
      body: { OperatorID: 'DE*ABC', Identification: { QRCodeIdentification: { EvcoID: 'DE*8EO*Aet5e4*3' } } },
      code: '101',
    },
    {
      name: 'Plug&Charge with an unknown EvcoID',
      body: {
        OperatorID: 'DE*ABC',
        Identification: { PlugAndChargeIdentification: { EvcoID: 'DE*8EO*Zzzzzz*3' } },
      },
      code: '105',
    },
    {
      name: 'remote identification with an unknown EvcoID',
      body: { OperatorID: 'DE*ABC', Identification: { RemoteIdentification: { EvcoID: 'DE*8EO*Zzzzzz*3' } } },
      code: '105',
    },
  ];

  for (const refusal of refusals) {
    test(`${refusal.name} is NotAuthorized with code ${refusal.code}`, () => {
      const response = ask({ ...refusal.body, CPOPartnerSessionID: 'cpo-1', EMPPartnerSessionID: 'emp-1' });
      expect(response.status).toBe(200);
      const answer = response.json() as Record<string, unknown>;
      expect(Object.keys(answer)).toEqual([
        'SessionID',
        'CPOPartnerSessionID',
        'EMPPartnerSessionID',
        'ProviderID',
        'AuthorizationStatus',
        'StatusCode',
        'AuthorizationStopIdentifications',
      ]);
      expect(answer).toEqual({
        SessionID: null,
        CPOPartnerSessionID: 'cpo-1',
        EMPPartnerSessionID: 'emp-1',
        ProviderID: null,
        AuthorizationStatus: 'NotAuthorized',
        StatusCode: { Code: refusal.code, Description: null, AdditionalInfo: null },
        AuthorizationStopIdentifications: null,
      });
    });
  }
});

test.describe('tolerated requests (lint-only rules)', () => {
  test('unknown properties and explicit nulls are accepted', () => {
    const answer = answerOf(
      rfidRequest('044A2DAA856280', {
        EvseId: 'DE*ABC*E1',
        EvseID: null,
        CPOPartnerSessionID: null,
        SessionID: null,
      }),
    );
    expect(answer.AuthorizationStatus).toBe('Authorized');
    expect(answer.CPOPartnerSessionID).toBeNull();
  });

  test('with several Identification members the first in OICP order decides', () => {
    const mifareBeforeQr = answerOf({
      OperatorID: 'DE*ABC',
      Identification: {
        QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3', PIN: 'wrong' },
        RFIDMifareFamilyIdentification: { UID: '044A2DAA856280' },
      },
    });
    expect(mifareBeforeQr.AuthorizationStatus).toBe('Authorized');
    expect(mifareBeforeQr.ProviderID).toBe('DE*ICE');

    const qrBeforePlugAndCharge = answerOf({
      OperatorID: 'DE*ABC',
      Identification: {
        RFIDMifareFamilyIdentification: null,
        PlugAndChargeIdentification: { EvcoID: 'DE*8EO*Aet5e4*3' },
        QRCodeIdentification: { EvcoID: 'DE-8EO-CQRTIMOUT-1', PIN: '1100' },
      },
    });
    expect(qrBeforePlugAndCharge.AuthorizationStatus).toBe('NotAuthorized');
    expect((qrBeforePlugAndCharge.StatusCode as Record<string, unknown>).Code).toBe('110');
  });

  test('without TLS a body OperatorID that differs from the URL is tolerated and the URL decides', () => {
    const differentBodyOperator = ask(rfidRequest('044A2DAA856280', { OperatorID: 'DE*OTH' }));
    expect(differentBodyOperator.status).toBe(200);
    const unknownUrlOperator = ask(rfidRequest('044A2DAA856280'), { operatorId: 'DE*ZZZ' });
    expect(unknownUrlOperator.status).toBe(404);
  });
});

test.describe('client certificate identity (TLS mode)', () => {
  test('a certificate that does not own the URL operator is 401 with code 017', () => {
    const response = ask(rfidRequest('044A2DAA856280'), { tls: true, clientIdentity: 'DE*OTH' });
    expect(response.status).toBe(401);
    expect(response.body).toBe(UNAUTHORIZED_ACCESS);
  });

  test('the URL operator is checked on its own, whatever the body says', () => {
    const response = ask(rfidRequest('044A2DAA856280', { OperatorID: 'DE*QQQ' }), {
      tls: true,
      clientIdentity: 'DE*OTH',
    });
    expect(response.status).toBe(401);
    expect(response.body).toBe(UNAUTHORIZED_ACCESS);
    // Checked before the body is read: even an unparseable body gets the 401.
    expect(ask('{', { tls: true, clientIdentity: 'DE*OTH' }).status).toBe(401);
  });

  test('without an identity nothing is owned', () => {
    expect(ask(rfidRequest('044A2DAA856280'), { tls: true, clientIdentity: null }).status).toBe(401);
  });

  test('one certificate owns both operator ids of its CPO', () => {
    for (const operatorId of ['DE*ABC', '+49*810']) {
      const response = ask(rfidRequest('044A2DAA856280', { OperatorID: operatorId }), {
        operatorId,
        tls: true,
        clientIdentity: 'DE*ABC',
      });
      expect(response.status).toBe(200);
    }
  });

  test('a body OperatorID of another registered operator is 401', () => {
    const response = ask(rfidRequest('044A2DAA856280', { OperatorID: 'DE*OTH' }), {
      tls: true,
      clientIdentity: 'DE*ABC',
    });
    expect(response.status).toBe(401);
    expect(response.body).toBe(UNAUTHORIZED_ACCESS);
  });

  test('a body OperatorID the registry does not know is left to the URL', () => {
    const response = ask(rfidRequest('044A2DAA856280', { OperatorID: 'DE*QQQ' }), {
      tls: true,
      clientIdentity: 'DE*ABC',
    });
    expect(response.status).toBe(200);
  });

  test('the certificate comes before the operator: an unknown URL operator is 401 in TLS mode, not 404', () => {
    // OICP 2.3 CPO, 01 Communication Paradigms, Security: the partner identification "is performed at the
    // beginning of every web service operation", before "Check if Partner exists".
    for (const clientIdentity of ['DE*ABC', 'DE*ZZZ', null]) {
      const response = ask(rfidRequest('044A2DAA856280', { OperatorID: 'DE*ZZZ' }), {
        operatorId: 'DE*ZZZ',
        tls: true,
        clientIdentity,
      });
      expect(response.status).toBe(401);
      expect(response.body).toBe(UNAUTHORIZED_ACCESS);
    }
    // Without client certificates the unknown operator is what the mock sees: 404 / 300.
    const plain = ask(rfidRequest('044A2DAA856280', { OperatorID: 'DE*ZZZ' }), { operatorId: 'DE*ZZZ' });
    expect(plain.status).toBe(404);
    expect(plain.body).toBe(PARTNER_NOT_FOUND);
  });

  test('without TLS the identity is not checked', () => {
    expect(ask(rfidRequest('044A2DAA856280'), { tls: false, clientIdentity: 'DE*OTH' }).status).toBe(200);
  });
});

test.describe('EVSEs of an operator whose EVSEs the registry lists (DE*EVS)', () => {
  const atEvse = (evseId: unknown, uid = '044A2DAA856280', operatorId = 'DE*EVS') =>
    answerOf(rfidRequest(uid, { OperatorID: operatorId, EvseID: evseId }), { operatorId });
  const codeOf = (answer: Record<string, unknown>) => (answer.StatusCode as Record<string, unknown>).Code;

  test('at a listed, available EVSE the identification decides', () => {
    const known = atEvse('DE*EVS*E1000001*1');
    expect(known.AuthorizationStatus).toBe('Authorized');
    expect(known.ProviderID).toBe('DE*ICE');
    const unknownCard = atEvse('DE*EVS*E1000001*1', 'DEADBEEF');
    expect(codeOf(unknownCard)).toBe('102');
  });

  test('an EvseID the operator does not list is refused with 603, whatever the card', () => {
    for (const evseId of ['DE*EVS*E9999999*9', 'DE*AB7*E840*6487', 'DE*ABC*E1234567*1']) {
      const answer = atEvse(evseId);
      expect(answer).toMatchObject({
        SessionID: null,
        ProviderID: null,
        AuthorizationStatus: 'NotAuthorized',
        StatusCode: { Code: '603', Description: null, AdditionalInfo: null },
      });
    }
    // IDs are compared exactly as written: the compact form of a listed EVSE is another ID.
    expect(codeOf(atEvse('DEEVSE10000011'))).toBe('603');
  });

  test('a listed EVSE with a refusal refuses every authorization at it with its code', () => {
    const states: [string, string][] = [
      ['DE*EVS*E6010001*1', '601'],
      ['DE*EVS*E6020001*1', '602'],
      ['DE*EVS*E6040001*1', '604'],
      ['DE*EVS*E7000001*1', '700'],
    ];
    for (const [evseId, code] of states) {
      const answer = atEvse(evseId);
      expect(answer.AuthorizationStatus).toBe('NotAuthorized');
      expect(answer.StatusCode).toEqual({ Code: code, Description: null, AdditionalInfo: null });
      // The EVSE is judged before the identification: an unknown card gets the EVSE's code too.
      expect(codeOf(atEvse(evseId, 'DEADBEEF'))).toBe(code);
    }
  });

  test('without EvseID (absent or null) the identification alone decides', () => {
    expect(atEvse(undefined).AuthorizationStatus).toBe('Authorized');
    expect(atEvse(null).AuthorizationStatus).toBe('Authorized');
  });

  test('an operator without an EVSE list accepts every well-formed EvseID', () => {
    for (const evseId of ['DE*AB7*E840*6487', 'DE*EVS*E7000001*1', '+49*810*000*438']) {
      expect(atEvse(evseId, '044A2DAA856280', 'DE*ABC').AuthorizationStatus).toBe('Authorized');
    }
  });

  test("the URL's operator decides which EVSE list applies", () => {
    const urlWithoutList = answerOf(
      rfidRequest('044A2DAA856280', { OperatorID: 'DE*EVS', EvseID: 'DE*EVS*E9999999*9' }),
    );
    expect(urlWithoutList.AuthorizationStatus).toBe('Authorized');
    const urlWithList = answerOf(rfidRequest('044A2DAA856280', { EvseID: 'DE*ABC*E1234567*1' }), {
      operatorId: 'DE*EVS',
    });
    expect(codeOf(urlWithList)).toBe('603');
  });

  test('an EVSE refusal is an outcome like any other for the faults', () => {
    const everything = answerOf(
      rfidRequest('044A2DAA856280', { OperatorID: 'DE*EVS', EvseID: 'DE*EVS*E7000001*1' }),
      {
        operatorId: 'DE*EVS',
        fault: 'authorize-everything',
      },
    );
    expect(everything.AuthorizationStatus).toBe('Authorized');
    const wrongCode = answerOf(rfidRequest('044A2DAA856280', { OperatorID: 'DE*EVS', EvseID: 'DE*EVS*E9' }), {
      operatorId: 'DE*EVS',
      fault: 'wrong-refusal-code',
    });
    expect(codeOf(wrongCode)).toBe('106');
  });
});

test.describe('refusal codes of the shipped test cards and contracts', () => {
  const cases: {
    name: string;
    identification: Record<string, unknown>;
    code: string;
  }[] = [
    {
      name: 'an unreadable card',
      identification: { RFIDMifareFamilyIdentification: { UID: 'C0DE0103' } },
      code: '103',
    },
    {
      name: 'a card no EMP answers positively for',
      identification: { RFIDMifareFamilyIdentification: { UID: 'C0DE0106' } },
      code: '106',
    },
    {
      name: 'a QR code contract whose app times out (right PIN)',
      identification: { QRCodeIdentification: { EvcoID: 'DE-8EO-CQRTIMOUT-1', PIN: '1100' } },
      code: '110',
    },
    {
      name: 'a Plug&Charge contract with an invalid underlying EvcoID',
      identification: { PlugAndChargeIdentification: { EvcoID: 'DE-8EO-CPNC00120-0' } },
      code: '120',
    },
    {
      name: 'a Plug&Charge contract with an invalid certificate',
      identification: { PlugAndChargeIdentification: { EvcoID: 'DE-8EO-CPNC00121-1' } },
      code: '121',
    },
    {
      name: 'a Plug&Charge contract whose check times out',
      identification: { PlugAndChargeIdentification: { EvcoID: 'DE-8EO-CPNC00122-2' } },
      code: '122',
    },
    {
      name: 'a locked contract',
      identification: { PlugAndChargeIdentification: { EvcoID: 'DE-8EO-CLOCKED01-5' } },
      code: '200',
    },
    // An EMP that cannot be reached is dealt with as if it answered NotAuthorized (02, eRoamingAuthorizeStart):
    // no 310 / 320; 106 is our choice of code.
    {
      name: 'a contract of an EMP that does not respond',
      identification: { PlugAndChargeIdentification: { EvcoID: 'DE-NRS-C00000310-0' } },
      code: '106',
    },
    {
      name: 'a contract of an EMP whose service is not available',
      identification: { PlugAndChargeIdentification: { EvcoID: 'DE-NAV-C00000320-0' } },
      code: '106',
    },
  ];

  for (const { name, identification, code } of cases) {
    test(`${name} is NotAuthorized with code ${code}`, () => {
      const answer = answerOf({
        OperatorID: 'DE*ABC',
        EvseID: 'DE*ABC*E1234567*1',
        Identification: identification,
      });
      expect(answer).toMatchObject({
        SessionID: null,
        ProviderID: null,
        AuthorizationStatus: 'NotAuthorized',
        StatusCode: { Code: code, Description: null, AdditionalInfo: null },
        AuthorizationStopIdentifications: null,
      });
    });
  }

  test('the QR code time-out contract still needs its PIN', () => {
    const answer = answerOf({
      OperatorID: 'DE*ABC',
      Identification: { QRCodeIdentification: { EvcoID: 'DE-8EO-CQRTIMOUT-1', PIN: '0001' } },
    });
    expect((answer.StatusCode as Record<string, unknown>).Code).toBe('101');
  });

  test('the DIN QR code contract and the ISO Plug&Charge contract are Authorized', () => {
    const qr = answerOf({
      OperatorID: 'DE*ABC',
      Identification: { QRCodeIdentification: { EvcoID: 'DE*8EO*QRC001*7', PIN: '2468' } },
    });
    expect(qr).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE*8EO' });
    const pnc = answerOf({
      OperatorID: 'DE*ABC',
      Identification: { PlugAndChargeIdentification: { EvcoID: 'DE-8EO-CPNC00001-7' } },
    });
    expect(pnc).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE-8EO' });
  });
});
