/**
 * The OICP 2.3 StatusCode table, as the mock's own copy: the suite keeps its own, so a mistake in
 * one of them shows up as a disagreement instead of being shared. Texts follow the OICP table
 * without its trailing full stop, as Hubject's answers write them ("Partner not found").
 */
const OICP_STATUS_TEXTS: Readonly<Record<string, string>> = {
  '000': 'Success',
  '001': 'Hubject system error',
  '002': 'Hubject database error',
  '009': 'Data transaction error',
  '017': 'Unauthorized Access',
  '018': 'Inconsistent EvseID',
  '019': 'Inconsistent EvcoID',
  '021': 'System error',
  '022': 'Data error',
  '101': 'QR Code Authentication failed – Invalid Credentials',
  '102': 'RFID Authentication failed – invalid UID',
  '103': 'RFID Authentication failed – card not readable',
  '105': 'PLC Authentication failed - invalid EvcoID',
  '106': 'No positive authentication response',
  '110': 'QR Code App Authentication failed – time out error',
  '120': 'PLC (ISO/ IEC 15118) Authentication failed – invalid underlying EvcoID',
  '121': 'PLC (ISO/ IEC 15118) Authentication failed – invalid certificate',
  '122': 'PLC (ISO/ IEC 15118) Authentication failed – time out error',
  '200': 'EvcoID locked',
  '210': 'No valid contract',
  '300': 'Partner not found',
  '310': 'Partner did not respond',
  '320': 'Service not available',
  '400': 'Session is invalid',
  '501': 'Communication to EVSE failed',
  '510': 'No EV connected to EVSE',
  '601': 'EVSE already reserved',
  '602': 'EVSE already in use/ wrong token',
  '603': 'Unknown EVSE ID',
  '604': 'EVSE ID is not Hubject compatible',
  '700': 'EVSE out of service',
};

export function isOicpStatusCode(code: string): boolean {
  return Object.hasOwn(OICP_STATUS_TEXTS, code);
}

export function statusText(code: string): string | null {
  return OICP_STATUS_TEXTS[code] ?? null;
}
