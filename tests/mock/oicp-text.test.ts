import { isJsonContentType } from '../../mock/answer.ts';
import { createMockRegistry } from '../../mock/registry.ts';
import { IssuedSessionIds } from '../../mock/sessions.ts';
import { normalisedProviderId, providerIdOfEvcoId, upperCaseIdentifiers } from '../../mock/validation.ts';
import { expect, test } from '../support/test.ts';
import { answerOf, ask, GUID, rfidRequest, shippedRegistry } from './support.ts';

// Behaviour the mock takes from the OICP 2.3 CPO text (mock/README.md, "What the mock follows").

type Body = Record<string, unknown>;

const codeOf = (answer: Body) => (answer.StatusCode as Body).Code;

function withIdentification(identification: Body, extra: Body = {}): Body {
  return { OperatorID: 'DE*ABC', Identification: identification, ...extra };
}

test.describe('identifiers Hubject upper-cases (03 Data Types)', () => {
  test('a lower-case UID of a known card gets that card, as RFIDMifareFamily and as RFIDIdentification', () => {
    const mifare = ask(rfidRequest('044a2daa856280'));
    expect(mifare.status).toBe(200);
    expect(mifare.json()).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE*ICE' });
    const mixed = answerOf(rfidRequest('aaBBccDD'));
    expect(mixed).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE-8EO' });
    const rfid = answerOf(
      withIdentification({ RFIDIdentification: { UID: '0011223344556677889a', RFID: 'nfc' } }),
    );
    expect(rfid).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE*ICE' });
    // A lower-case UID of a refusing card gets that card's refusal, not the unknown card's 102.
    expect(codeOf(answerOf(rfidRequest('c0de0103')))).toBe('103');
  });

  test('a UID that is malformed in upper case too is still a 400 on the Java property path', () => {
    const response = ask(rfidRequest('abcdefgh'));
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({
      message: 'Error parsing/validating JSON.',
      validationErrors: [
        {
          fieldReference: 'identification.rfidMifareFamilyIdentification.uid',
          errorMessage: 'must match "^([0-9A-F]{8,8}|[0-9A-F]{14,14}|[0-9A-F]{20,20})$"',
        },
      ],
      extendedInfo: null,
    });
    const rfid = ask(withIdentification({ RFIDIdentification: { UID: 'aabbcc', RFID: 'nfc' } }));
    expect((rfid.json() as Body).validationErrors).toEqual([
      {
        fieldReference: 'identification.rfidIdentification.uid',
        errorMessage: 'must match "^([0-9A-F]{8,8}|[0-9A-F]{14,14}|[0-9A-F]{20,20})$"',
      },
    ]);
  });

  test('a QR code or remote EvcoID in lower case finds its contract', () => {
    const qr = answerOf(
      withIdentification({ QRCodeIdentification: { EvcoID: 'de-8eo-caet5e4xy-3', PIN: '1234' } }),
    );
    expect(qr).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE-8EO' });
    const remote = answerOf(withIdentification({ RemoteIdentification: { EvcoID: 'de*8eo*aet5e4*3' } }));
    expect(remote).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE*8EO' });
  });

  test('a Plug&Charge EvcoID is used as written (03 says nothing of converting it)', () => {
    // So a lower-case ISO EvcoID breaks its pattern (the "C" of the instance part is upper case) there only.
    const iso = ask(withIdentification({ PlugAndChargeIdentification: { EvcoID: 'de-8eo-cpnc00001-7' } }));
    expect(iso.status).toBe(400);
    expect((iso.json() as Body).validationErrors).toMatchObject([
      { fieldReference: 'identification.plugAndChargeIdentification.evcoID' },
    ]);
    const remote = answerOf(withIdentification({ RemoteIdentification: { EvcoID: 'de-8eo-cpnc00001-7' } }));
    expect(remote).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE-8EO' });
    const asWritten = answerOf(
      withIdentification({ PlugAndChargeIdentification: { EvcoID: 'DE*8EO*Aet5e4*3' } }),
    );
    expect(asWritten.AuthorizationStatus).toBe('Authorized');
    const upperCase = answerOf(
      withIdentification({ PlugAndChargeIdentification: { EvcoID: 'DE*8EO*AET5E4*3' } }),
    );
    expect(codeOf(upperCase)).toBe('105');
    const lowerCase = answerOf(
      withIdentification({ PlugAndChargeIdentification: { EvcoID: 'de*8eo*aet5e4*3' } }),
    );
    expect(codeOf(lowerCase)).toBe('105');
  });

  test('upperCaseIdentifiers converts exactly the four identifiers and leaves the body alone', () => {
    const body = withIdentification({
      RFIDMifareFamilyIdentification: { UID: 'aabbccdd' },
      RFIDIdentification: { UID: 'aabbccdd', RFID: 'nfc', EvcoID: 'de-8eo-caet5e4xy-3' },
      QRCodeIdentification: { EvcoID: 'de-8eo-caet5e4xy-3', PIN: 'abc' },
      PlugAndChargeIdentification: { EvcoID: 'de-8eo-caet5e4xy-3' },
      RemoteIdentification: { EvcoID: 42 },
    });
    const snapshot = JSON.stringify(body);
    expect(upperCaseIdentifiers(body).Identification).toEqual({
      RFIDMifareFamilyIdentification: { UID: 'AABBCCDD' },
      RFIDIdentification: { UID: 'AABBCCDD', RFID: 'nfc', EvcoID: 'de-8eo-caet5e4xy-3' },
      QRCodeIdentification: { EvcoID: 'DE-8EO-CAET5E4XY-3', PIN: 'abc' },
      PlugAndChargeIdentification: { EvcoID: 'de-8eo-caet5e4xy-3' },
      RemoteIdentification: { EvcoID: 42 },
    });
    expect(JSON.stringify(body)).toBe(snapshot);
    expect(upperCaseIdentifiers(body, { uids: false }).Identification).toMatchObject({
      RFIDMifareFamilyIdentification: { UID: 'aabbccdd' },
      QRCodeIdentification: { EvcoID: 'DE-8EO-CAET5E4XY-3' },
    });
  });
});

test.describe('SessionIDs (01 Communication Paradigms, Session handling)', () => {
  const FOREIGN = 'b2688855-7f00-0002-6d8e-48d883f6abb6';

  test('a SessionID the mock did not issue gets a negative answer and nothing else is looked at', () => {
    const response = ask(
      rfidRequest('044A2DAA856280', {
        SessionID: FOREIGN,
        CPOPartnerSessionID: 'cpo-4711',
        EMPPartnerSessionID: 'emp-1',
      }),
    );
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({
      SessionID: null,
      CPOPartnerSessionID: 'cpo-4711',
      EMPPartnerSessionID: 'emp-1',
      ProviderID: null,
      AuthorizationStatus: 'NotAuthorized',
      StatusCode: { Code: '400', Description: null, AdditionalInfo: null },
      AuthorizationStopIdentifications: null,
    });
    // Before the operator's contracts, the EVSE and the identification.
    const unknownEvse = answerOf(
      rfidRequest('DEADBEEF', { OperatorID: 'DE*EVS', EvseID: 'DE*EVS*E9999999*9', SessionID: FOREIGN }),
      { operatorId: 'DE*EVS' },
    );
    expect(codeOf(unknownEvse)).toBe('400');
    const noContract = answerOf(rfidRequest('044A2DAA856280', { OperatorID: 'DE*NCT', SessionID: FOREIGN }), {
      operatorId: 'DE*NCT',
    });
    expect(codeOf(noContract)).toBe('400');
  });

  test('any well-formed SessionID counts, upper case too, but a malformed one is still a 400 validation error', () => {
    expect(
      codeOf(answerOf(rfidRequest('044A2DAA856280', { SessionID: 'ABCDEFGH-1234-5678-9ABC-DEF012345678' }))),
    ).toBe('400');
    const malformed = ask(rfidRequest('044A2DAA856280', { SessionID: 'not-a-guid-1234' }));
    expect(malformed.status).toBe(400);
    expect(malformed.json()).toEqual({
      message: 'Error parsing/validating JSON.',
      validationErrors: [
        {
          fieldReference: 'sessionID',
          errorMessage: 'must match "^[A-Za-z0-9]{8}(-[A-Za-z0-9]{4}){3}-[A-Za-z0-9]{12}$"',
        },
      ],
      extendedInfo: null,
    });
    // A body problem elsewhere wins over the SessionID: it is judged once the body is otherwise valid.
    expect(ask(rfidRequest('044A2DAA85628', { SessionID: FOREIGN })).status).toBe(400);
  });

  test('a SessionID the mock issued is processed as usual and comes back when authorized', () => {
    const sessions = new IssuedSessionIds();
    const first = answerOf(rfidRequest('044A2DAA856280'), { sessions });
    const issued = first.SessionID as string;
    expect(issued).toMatch(GUID);
    const again = answerOf(rfidRequest('AABBCCDD', { SessionID: issued, CPOPartnerSessionID: 'cpo-2' }), {
      sessions,
    });
    expect(again).toMatchObject({
      SessionID: issued,
      CPOPartnerSessionID: 'cpo-2',
      ProviderID: 'DE-8EO',
      AuthorizationStatus: 'Authorized',
    });
    // Without a SessionID every authorization gets a new one.
    expect(answerOf(rfidRequest('044A2DAA856280'), { sessions }).SessionID).not.toBe(issued);
  });

  test('a refusal under an issued SessionID deletes it (02: "Hubject deletes the corresponding SessionID")', () => {
    const sessions = new IssuedSessionIds();
    const issued = answerOf(rfidRequest('044A2DAA856280'), { sessions }).SessionID as string;
    const refused = answerOf(rfidRequest('DEADBEEF', { SessionID: issued }), { sessions });
    expect(refused).toMatchObject({ SessionID: null, AuthorizationStatus: 'NotAuthorized' });
    expect(codeOf(refused)).toBe('102');
    expect(sessions.issued(issued)).toBe(false);
    expect(codeOf(answerOf(rfidRequest('044A2DAA856280', { SessionID: issued }), { sessions }))).toBe('400');
  });

  test('each mock instance knows only the SessionIDs it issued', () => {
    const one = new IssuedSessionIds();
    const other = new IssuedSessionIds();
    const issued = answerOf(rfidRequest('044A2DAA856280'), { sessions: one }).SessionID as string;
    expect(codeOf(answerOf(rfidRequest('044A2DAA856280', { SessionID: issued }), { sessions: other }))).toBe(
      '400',
    );
    // Refusals issue nothing.
    const before = one.size;
    answerOf(rfidRequest('DEADBEEF'), { sessions: one });
    expect(one.size).toBe(before);
  });

  test('the memory is bounded: beyond its capacity the oldest SessionID is forgotten first', () => {
    const sessions = new IssuedSessionIds(2);
    const ids = [1, 2, 3].map(
      () => answerOf(rfidRequest('044A2DAA856280'), { sessions }).SessionID as string,
    );
    expect(sessions.size).toBe(2);
    expect(ids.map((id) => sessions.issued(id))).toEqual([false, true, true]);
    // Using a SessionID again makes it the newest.
    sessions.remember(ids[1] as string);
    sessions.remember('c0ffee00-0000-0000-0000-000000000000');
    expect(ids.map((id) => sessions.issued(id))).toEqual([false, true, false]);
    expect(new IssuedSessionIds().capacity).toBe(100_000);
    expect(() => new IssuedSessionIds(0)).toThrow(/positive whole capacity/);
  });
});

test.describe("210 at the level of the operator's EMP contracts (the eRoamingAuthorization diagram)", () => {
  const evcoMembers = ['QRCodeIdentification', 'PlugAndChargeIdentification', 'RemoteIdentification'];

  test('an EvcoID of an EMP not under contract with the operator is refused with 210, whatever its contract says', () => {
    expect(shippedRegistry().contractByEvcoId('DE-UNC-C00000210-1')?.outcome.status).toBe('Authorized');
    for (const operatorId of ['DE*ABC', '+49*810']) {
      for (const member of evcoMembers) {
        // A Plug&Charge EvcoID is not upper-cased, and the ISO pattern wants a capital C: lower case is a 400 there.
        const evcoIds = ['DE-UNC-C00000210-1', 'DE*UNC*ZZZZZZ*9', 'de*unc*zzzzzz*9'];
        if (member !== 'PlugAndChargeIdentification') evcoIds.push('de-unc-c00000210-1');
        for (const evcoId of evcoIds) {
          const answer = answerOf(
            { OperatorID: operatorId, Identification: { [member]: { EvcoID: evcoId, PIN: '1234' } } },
            { operatorId },
          );
          expect(answer, `${operatorId} ${member} ${evcoId}`).toMatchObject({
            SessionID: null,
            ProviderID: null,
            AuthorizationStatus: 'NotAuthorized',
            StatusCode: { Code: '210', Description: null, AdditionalInfo: null },
          });
        }
      }
    }
  });

  test('an operator without an empContracts list is under contract with every EMP', () => {
    const pnc = answerOf(
      {
        OperatorID: 'DE*OTH',
        Identification: { PlugAndChargeIdentification: { EvcoID: 'DE-UNC-C00000210-1' } },
      },
      { operatorId: 'DE*OTH' },
    );
    expect(pnc).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE-UNC' });
    const unknown = answerOf(
      {
        OperatorID: 'DE*OTH',
        Identification: { PlugAndChargeIdentification: { EvcoID: 'DE*UNC*ZZZZZZ*9' } },
      },
      { operatorId: 'DE*OTH' },
    );
    expect(codeOf(unknown)).toBe('105');
  });

  test('EMPs are compared without separators and case: DE*8EO under contract covers DE-8EO and DE8EO EvcoIDs', () => {
    for (const evcoId of ['DE-8EO-CPNC00001-7', 'DE*8EO*Aet5e4*3']) {
      const answer = answerOf(withIdentification({ PlugAndChargeIdentification: { EvcoID: evcoId } }));
      expect(answer.AuthorizationStatus, evcoId).toBe('Authorized');
    }
    // Known to no contract, but its EMP is under contract: the EMP's refusal, not 210.
    const compact = answerOf(
      withIdentification({ PlugAndChargeIdentification: { EvcoID: 'DE8EOCZZZZZZZZ9' } }),
    );
    expect(codeOf(compact)).toBe('105');
    expect(providerIdOfEvcoId('DE-8EO-CAet5e4XY-3')).toBe('DE8EO');
    expect(providerIdOfEvcoId('de*8eo*Aet5e4*3')).toBe('DE8EO');
    expect(providerIdOfEvcoId('DE8EOAet5e43')).toBe('DE8EO');
    expect(providerIdOfEvcoId('DE|8EO|Aet5e4|3')).toBe('DE8EO');
    expect(providerIdOfEvcoId('DE-8EO')).toBeNull();
    expect(['DE*8EO', 'DE-8EO', 'de8eo'].map(normalisedProviderId)).toEqual(['DE8EO', 'DE8EO', 'DE8EO']);
  });

  test('an operator under contract with no EMP refuses every identification with 210', () => {
    const operatorId = 'DE*NCT';
    const identifications: Body[] = [
      { RFIDMifareFamilyIdentification: { UID: '044A2DAA856280' } },
      { RFIDIdentification: { UID: 'DEADBEEF', RFID: 'mifareCls' } },
      { QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3', PIN: '1234' } },
      { PlugAndChargeIdentification: { EvcoID: 'DE*8EO*Aet5e4*3' } },
      { RemoteIdentification: { EvcoID: 'DE-NRS-C00000310-0' } },
    ];
    for (const identification of identifications) {
      const answer = answerOf({ OperatorID: operatorId, Identification: identification }, { operatorId });
      expect(codeOf(answer), JSON.stringify(identification)).toBe('210');
    }
  });

  test("a card only an EMP outside the operator's contracts would authorize is unknown to the EMPs asked (102)", () => {
    const own = createMockRegistry({
      operators: [
        { operatorId: 'DE*ABC', empContracts: ['DE-8EO'] },
        { operatorId: 'DE*OTH', empContracts: ['DE*ICE'] },
        {
          operatorId: 'DE*EVS',
          empContracts: [],
          evses: [{ evseId: 'DE*EVS*E7000001*1', outcome: { status: 'NotAuthorized', code: '700' } }],
        },
      ],
      rfidCards: [
        { uid: '044A2DAA856280', outcome: { status: 'Authorized', providerId: 'DE*ICE' } },
        { uid: 'C0DE0103', outcome: { status: 'NotAuthorized', code: '103' } },
      ],
      contracts: [],
    });
    const at = (operatorId: string, uid: string, extra: Body = {}) =>
      answerOf(rfidRequest(uid, { OperatorID: operatorId, ...extra }), { operatorId, registry: own });
    expect(codeOf(at('DE*ABC', '044A2DAA856280'))).toBe('102');
    expect(at('DE*OTH', '044A2DAA856280')).toMatchObject({
      AuthorizationStatus: 'Authorized',
      ProviderID: 'DE*ICE',
    });
    expect(codeOf(at('DE*ABC', 'C0DE0103'))).toBe('103');
    // The contract check comes before the EVSE (an assumption of ours, which the diagram has no step for).
    expect(codeOf(at('DE*EVS', '044A2DAA856280', { EvseID: 'DE*EVS*E7000001*1' }))).toBe('210');
  });
});

test.describe('QR code PIN length (03 Data Types, QRCodeIdentificationType: PIN "0-20")', () => {
  test('a PIN of more than 20 characters is a 400 field error; 20 are fine', () => {
    const tooLong = ask(
      withIdentification({ QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3', PIN: '1'.repeat(21) } }),
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.json()).toEqual({
      message: 'Error parsing/validating JSON.',
      validationErrors: [
        {
          fieldReference: 'identification.qrCodeIdentification.pin',
          errorMessage: 'size must be between 0 and 20',
        },
      ],
      extendedInfo: null,
    });
    const longest = ask(
      withIdentification({ QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3', PIN: '1'.repeat(20) } }),
    );
    expect(longest.status).toBe(200);
    expect(codeOf(longest.json() as Body)).toBe('101');
  });
});

test.describe('request Content-Type', () => {
  test('a body labelled other than JSON is 415 with a FaultBody naming the content type', () => {
    for (const contentType of [
      'text/plain',
      'application/xml',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
    ]) {
      const response = ask(rfidRequest('044A2DAA856280'), { contentType });
      expect(response.status, contentType).toBe(415);
      expect(response.headers['Content-Type']).toBe('application/json;charset=utf-8');
      expect(response.headers['Process-ID']).toMatch(GUID);
      expect(response.json()).toEqual({ message: `Content type '${contentType}' not supported` });
    }
    const none = ask(rfidRequest('044A2DAA856280'), { contentType: null });
    expect(none.status).toBe(415);
    expect(none.json()).toEqual({ message: "Content type '' not supported" });
  });

  test('JSON in any spelling is accepted', () => {
    for (const contentType of [
      'application/json',
      'Application/JSON; charset=UTF-8',
      'application/vnd.oicp+json',
    ]) {
      expect(ask(rfidRequest('044A2DAA856280'), { contentType }).status, contentType).toBe(200);
    }
    expect(isJsonContentType(undefined)).toBe(false);
    expect(isJsonContentType('application/jsonx')).toBe(false);
    expect(isJsonContentType('text/json')).toBe(false);
  });

  test('the Content-Type is judged after the certificate and before the operator and the body', () => {
    expect(ask('{', { contentType: 'text/plain', operatorId: 'DE*ZZZ' }).status).toBe(415);
    expect(ask('{', { contentType: 'text/plain' }).status).toBe(415);
    expect(ask('{', { contentType: 'text/plain', tls: true, clientIdentity: 'DE*OTH' }).status).toBe(401);
  });
});
