/**
 * Hubject's known deviations from OICP rules, as errata with evidence (docs/errata.md E-15 …). A check that
 * recognises one marks its failure with the erratum id; a profile that targets Hubject lists the ids it
 * accepts (`hubjectDeviations`) and then the finding is an advisory "Hubject deviation E-nn" instead of a
 * failure — the CPO cannot change it. Against a mock it stays a failure: a mock should be better than the
 * original.
 */
export const HUBJECT_DEVIATIONS = {
  'E-15': {
    title: 'error answers declared as charset=ISO-8859-1',
    evidence:
      'Hubject answers captured 2022 (OpenChargingCloud/WWCP_OICP, WWCP_OICPv2.3 CPOClient.cs / EMPClient.cs): HTTP 403, 404 and 500 with Content-Type application/json;charset=ISO-8859-1',
  },
  'E-16': {
    title: 'codes 401, 404 and 500 of the status-code page in StatusCode.Code',
    evidence:
      "Hubject integration guide, OICP status code page (January 2024): lists 401 'Call not authorized', 404 'Data not found' and 500 'Processing error' besides the OICP code table; the descriptions of the HTTP responses of Hubject's authorization API export",
  },
  'E-17': {
    title: 'HTTP 500 with a StatusCode body (OicpERoamingFault) instead of a FaultBody',
    evidence:
      'Hubject answer captured 2022 (WWCP_OICP): HTTP 500 {"StatusCode": {"Code": "001", …}}; Hubject\'s authorization API export documents 500 \'Processing error\' with a FaultBody',
  },
} as const;

export type DeviationId = keyof typeof HUBJECT_DEVIATIONS;

export const DEVIATION_IDS = Object.keys(HUBJECT_DEVIATIONS) as DeviationId[];
