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
    'implied, not stated as a rule of the answer: on a refusal Hubject "deletes the corresponding SessionID" and the answer carries the SessionID "in case of successful authorization" (OICP 2.3 CPO, 02 Services and Operations); refusals captured 2021–2022 carry SessionID null (OpenChargingCloud/WWCP_OICP, CPOClient.cs). The session of a refusal must not be used',
  statements: ['refusal-session-deleted', 'flow-invalidate-session'],
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
    'a recommendation, not a rule: OICP 2.3 CPO, 02 Services and Operations, eRoamingAuthorizeStart best practices ("we recommend to include the EVSE ID"); Hubject integration guide: without it, send a ChargingNotification Start with the EvseID',
  statements: ['evse-id-recommended', 'guide-charging-notification'],
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
