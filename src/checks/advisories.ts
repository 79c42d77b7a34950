import {
  answerObject,
  authorizationStatusOf,
  type Check,
  CheckFailure,
  requestObject,
  show,
} from './check.ts';

export const notAuthorizedWithoutSessionId: Check = {
  name: 'notAuthorizedWithoutSessionId',
  title: 'A NotAuthorized answer carries no SessionID',
  verdict: 'advisory',
  category: 'best-practice',
  source:
    'observed, not an OICP rule: Hubject answers a refused authorization with SessionID null (the integration guide; refusals captured 2021–2022 in OpenChargingCloud/WWCP_OICP, CPOClient.cs); the session of a refusal must not be used',
  appliesTo: (ex) => authorizationStatusOf(ex) === 'NotAuthorized',
  verify(ex) {
    const sessionId = answerObject(ex)?.SessionID;
    if (sessionId === undefined || sessionId === null) return;
    throw new CheckFailure(this, {
      expected: 'SessionID null or absent',
      received: `SessionID ${show(sessionId)}`,
      hint: 'do not use this SessionID for a charging process: the authorization was refused',
    });
  },
};

export const requestCarriesEvseId: Check = {
  name: 'requestCarriesEvseId',
  title: 'The request names the EVSE (EvseID)',
  verdict: 'advisory',
  category: 'best-practice',
  source:
    'Hubject integration guide, eRoamingAuthorizeStart best practice: send the EvseID, or a ChargingNotification Start with it',
  appliesTo: (ex) => !ex.scenario.invalid && requestObject(ex) !== undefined,
  verify(ex) {
    const evseId = requestObject(ex)?.EvseID;
    if (typeof evseId === 'string' && evseId !== '') return;
    throw new CheckFailure(this, {
      expected: 'an EvseID in the request',
      received: `EvseID ${show(evseId)}`,
      hint: 'when the EvseID is only known after authorization, send a ChargingNotification Start that includes it',
    });
  },
};

export const processIdCaptured: Check = {
  name: 'processIdCaptured',
  title: "Hubject's Process-ID header is present (quote it in support tickets)",
  verdict: 'advisory',
  category: 'best-practice',
  source:
    'observed, not an OICP rule: Hubject answers carry a Process-ID header (answers captured 2021–2022 in OpenChargingCloud/WWCP_OICP, CPOClient.cs), the reference of a Hubject support ticket',
  appliesTo: (ex) => ex.hubject && ex.answer !== undefined,
  verify(ex) {
    if (ex.answer?.headers['process-id']) return;
    throw new CheckFailure(this, {
      expected: 'a Process-ID response header',
      received: 'no Process-ID header',
    });
  },
};
