/**
 * Where the OICP 2.3 documentation of the operation and of each type lives, so that a report reader
 * goes from a verdict to the text it rests on in one click.
 *
 * The rendered CPO documentation (Redoc) anchors operations, not types; the types are documented in the
 * OpenAPI sources the rendering is built from, one file per type.
 */
export const OPERATION_DOC =
  'https://hubject.github.io/oicp-cpo-2.3-api-doc/#tag/eRoamingAuthorization/operation/eRoamingAuthorizeStart_v2.1';

export const TYPE_DOC_BASE = 'https://github.com/hubject/oicp-cpo-2.3-api-doc/blob/master/src/schemas/';

/** OICP 2.3 types of the eRoamingAuthorizeStart exchange that have their own documentation file. */
export const OICP_TYPES = [
  'eRoamingAuthorizeStart',
  'eRoamingAuthorizationStart',
  'Identification',
  'RFIDMifareFamilyIdentification',
  'QRCodeIdentification',
  'PlugAndChargeIdentification',
  'RemoteIdentification',
  'RFIDIdentification',
  'StatusCode',
  'SessionID',
  'ProviderID',
  'EvseID',
  'OperatorID',
  'EvcoID',
  'UID',
] as const;

export type OicpType = (typeof OICP_TYPES)[number];

export function typeDocUrl(type: OicpType): string {
  return `${TYPE_DOC_BASE}${type}.yaml`;
}

/**
 * The OICP types each check of the registry rests on. Checks of HTTP, transport and timing rest on the
 * operation itself (linked on every scenario) and list no type. A test keeps this table complete.
 */
export const CHECK_TYPES: Readonly<Record<string, readonly OicpType[]>> = {
  answeredWithinBudget: [],
  answerBodyComplete: [],
  httpStatusAsExpected: [],
  contentTypeIsJsonUtf8: [],
  bodyIsJson: [],
  bodyMatchesSchema: ['eRoamingAuthorizationStart', 'StatusCode'],
  authorizationStatusAsExpected: ['eRoamingAuthorizationStart'],
  statusCodeAsExpected: ['StatusCode'],
  refusedAsExpected: ['eRoamingAuthorizationStart'],
  fieldsAsExpected: ['eRoamingAuthorizationStart'],
  authorizedHasSessionId: ['SessionID'],
  authorizedHasProviderId: ['ProviderID'],
  authorizedHasSuccessCode: ['StatusCode'],
  notAuthorizedHasErrorCode: ['StatusCode'],
  statusCodeInOicpTable: ['StatusCode'],
  statusTextWithinLimits: ['StatusCode'],
  cpoPartnerSessionIdEchoed: ['eRoamingAuthorizeStart', 'eRoamingAuthorizationStart'],
  cpoPartnerSessionIdNotInvented: ['eRoamingAuthorizeStart', 'eRoamingAuthorizationStart'],
  stopIdentificationsWellFormed: ['Identification'],
  answerPropertiesKnown: ['eRoamingAuthorizationStart'],
  notAuthorizedWithoutSessionId: ['SessionID'],
  requestCarriesEvseId: ['EvseID'],
  processIdCaptured: [],
};

/** The identification members of an OICP Identification, in the order the OICP lists them. */
export const IDENTIFICATION_MEMBERS = [
  'RFIDMifareFamilyIdentification',
  'QRCodeIdentification',
  'PlugAndChargeIdentification',
  'RemoteIdentification',
  'RFIDIdentification',
] as const satisfies readonly OicpType[];

/** The types the checks named here rest on, each once, in first-seen order. */
export function typesOfChecks(checkNames: Iterable<string>): OicpType[] {
  const types = new Set<OicpType>();
  for (const name of checkNames) for (const type of CHECK_TYPES[name] ?? []) types.add(type);
  return [...types];
}
