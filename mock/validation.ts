/**
 * The mock's own request validation: what we assume Hubject's server ENFORCES on an AuthorizeStart
 * body (an HTTP 400 when violated). Written by hand from the OICP facts on purpose: the suite lints
 * requests with its JSON Schema, and a mock that reused that schema would share its mistakes.
 *
 * Deliberately NOT enforced, because Hubject most likely ignores or tolerates them (the suite lints
 * them as the CPO's own problem): unknown properties (e.g. a mistyped `EvseId`), more than one
 * Identification member, RFIDIdentification in an authorization, HashedPIN instead of a clear PIN.
 * A `null` optional field is accepted, as Hubject's own model serialises absent fields as null.
 *
 * What is validated is the request as Hubject reads it (`upperCaseIdentifiers`): a lower-case UID of a known
 * card is that card, not a pattern violation.
 */

// The patterns keep the official OICP semantics, including the `|` inside character classes
// (`[*|-]`, `[\d|X]`), which matches a literal `|`; written without the `\-` / `\*` escapes so that
// they mean the same in every JavaScript regex mode.
export const OPERATOR_ID_PATTERN = /^(([A-Za-z]{2}\*?[A-Za-z0-9]{3})|(\+?[0-9]{1,3}\*[0-9]{3}))$/;
export const EVSE_ID_PATTERN =
  /^(([A-Za-z]{2}\*?[A-Za-z0-9]{3}\*?E[A-Za-z0-9*]{1,30})|(\+?[0-9]{1,3}\*[0-9]{3}\*[0-9*]{1,32}))$/;
export const SESSION_ID_PATTERN = /^[A-Za-z0-9]{8}(-[A-Za-z0-9]{4}){3}-[A-Za-z0-9]{12}$/;
// Written as OICP 2.3 CPO, 03 Data Types, UIDType writes it (`{8,8}`), so that the `must match` message quotes it.
export const UID_PATTERN = /^([0-9A-F]{8,8}|[0-9A-F]{14,14}|[0-9A-F]{20,20})$/;
export const EVCO_ID_PATTERN =
  /^(([A-Za-z]{2}-?[A-Za-z0-9]{3}-?C[A-Za-z0-9]{8}-?[\d|A-Za-z])|([A-Za-z]{2}[*|-]?[A-Za-z0-9]{3}[*|-]?[A-Za-z0-9]{6}[*|-]?[\d|X]))$/;
export const PROVIDER_ID_PATTERN = /^([A-Za-z]{2}-?[A-Za-z0-9]{3}|[A-Za-z]{2}[*|-]?[A-Za-z0-9]{3})$/;
const RFID_TYPES = ['mifareCls', 'mifareDes', 'calypso', 'nfc', 'mifareFamily'] as const;

const PARTNER_SESSION_ID_MAX_LENGTH = 250;
// OICP 2.3 CPO, 03 Data Types, QRCodeIdentificationType: PIN, field length "0-20". That the server rejects a
// longer PIN with a 400 field error (rather than refusing the authorization) is our assumption.
const PIN_MAX_LENGTH = 20;
// The older server export allows 100; the newer OpenAPI says 50. The server is what answers.
const PARTNER_PRODUCT_ID_MAX_LENGTH = 100;

/**
 * One problem of a request body. A field problem becomes an entry of the FaultBody's `validationErrors`; an
 * object-level problem (`objectLevel`) is only named in its `message` ("… Object errors: …"), the way Hubject
 * answers them (captured 2021–2022).
 */
export interface FieldValidationError {
  /**
   * The Java property path Hubject writes: lowerCamelCase names, dots, `[i]` indexes
   * (`identification.rfidMifareFamilyIdentification.uid`, like the captured
   * `operatorEvseData.evseDataRecord[0].hotlinePhoneNumber`).
   */
  fieldReference: string;
  /** Bean-Validation wording where the captures show it: `may not be null`, `must match "…"`. */
  errorMessage: string;
  objectLevel?: true;
}

/**
 * An OICP property name as a Java bean property: the first word in lower case, an acronym included
 * (`RFIDMifareFamilyIdentification` → `rfidMifareFamilyIdentification`, `UID` → `uid`, `OperatorID` →
 * `operatorID`). The captures show the rule for plain words; for acronyms it is our assumption.
 */
export function javaPropertyName(name: string): string {
  const leading = /^[A-Z]+/.exec(name)?.[0] ?? '';
  if (leading.length === name.length) return name.toLowerCase();
  if (leading.length <= 1) return name.charAt(0).toLowerCase() + name.slice(1);
  // An acronym followed by a word: its last capital starts that word.
  return leading.slice(0, -1).toLowerCase() + name.slice(leading.length - 1);
}

/** The Identification members in the order the mock uses when a request carries more than one. */
const IDENTIFICATION_MEMBERS = [
  'RFIDMifareFamilyIdentification',
  'QRCodeIdentification',
  'PlugAndChargeIdentification',
  'RemoteIdentification',
  'RFIDIdentification',
] as const;

export type IdentificationMember = (typeof IDENTIFICATION_MEMBERS)[number];

type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates a parsed AuthorizeStart body; an empty list means the server would accept it. */
export function validateAuthorizeStart(body: unknown): FieldValidationError[] {
  const problems: FieldValidationError[] = [];
  if (!isJsonObject(body)) {
    problems.push({ fieldReference: '', errorMessage: 'must be a JSON object', objectLevel: true });
    return problems;
  }
  const fields = new FieldChecker(body, '', problems);
  fields.requiredString('OperatorID', OPERATOR_ID_PATTERN);
  fields.optionalString('EvseID', EVSE_ID_PATTERN);
  fields.optionalString('SessionID', SESSION_ID_PATTERN);
  fields.optionalString('CPOPartnerSessionID', undefined, PARTNER_SESSION_ID_MAX_LENGTH);
  fields.optionalString('EMPPartnerSessionID', undefined, PARTNER_SESSION_ID_MAX_LENGTH);
  fields.optionalString('PartnerProductID', undefined, PARTNER_PRODUCT_ID_MAX_LENGTH);
  const identification = fields.requiredObject('Identification');
  if (identification) validateIdentification(identification, javaPropertyName('Identification'), problems);
  return problems;
}

function validateIdentification(
  identification: JsonObject,
  path: string,
  problems: FieldValidationError[],
): void {
  const fields = new FieldChecker(identification, path, problems);
  const mifare = fields.optionalObject('RFIDMifareFamilyIdentification');
  if (mifare) fields.nested(mifare, 'RFIDMifareFamilyIdentification').requiredString('UID', UID_PATTERN);

  const qrCode = fields.optionalObject('QRCodeIdentification');
  if (qrCode) {
    const qrFields = fields.nested(qrCode, 'QRCodeIdentification');
    qrFields.requiredString('EvcoID', EVCO_ID_PATTERN);
    qrFields.optionalString('PIN', undefined, PIN_MAX_LENGTH);
    qrFields.optionalObject('HashedPIN');
  }

  for (const member of ['PlugAndChargeIdentification', 'RemoteIdentification'] as const) {
    const evcoIdentification = fields.optionalObject(member);
    if (evcoIdentification)
      fields.nested(evcoIdentification, member).requiredString('EvcoID', EVCO_ID_PATTERN);
  }

  const rfid = fields.optionalObject('RFIDIdentification');
  if (rfid) {
    const rfidFields = fields.nested(rfid, 'RFIDIdentification');
    rfidFields.requiredString('UID', UID_PATTERN);
    rfidFields.requiredEnum('RFID', RFID_TYPES);
    rfidFields.optionalString('EvcoID', EVCO_ID_PATTERN);
    rfidFields.optionalString('PrintedNumber');
    rfidFields.optionalString('ExpiryDate');
  }

  const carriesNoMember = IDENTIFICATION_MEMBERS.every(
    (member) => identification[member] === undefined || identification[member] === null,
  );
  if (carriesNoMember) {
    problems.push({
      fieldReference: path,
      errorMessage: `must contain one of ${IDENTIFICATION_MEMBERS.map(javaPropertyName).join(', ')}`,
      objectLevel: true,
    });
  }
}

/**
 * The identifiers Hubject upper-cases before it uses them (OICP 2.3 CPO, 03 Data Types: RFIDmifarefamily-,
 * RFID-, QRCode- and RemoteIdentificationType each say "Hubject will automatically convert all characters from
 * lower case to upper case"). PlugAndChargeIdentificationType says nothing of the kind, so its EvcoID is used as
 * written; so is the optional EvcoID of an RFIDIdentification.
 */
const UPPER_CASED_IDENTIFIERS = [
  { member: 'RFIDMifareFamilyIdentification', field: 'UID' },
  { member: 'RFIDIdentification', field: 'UID' },
  { member: 'QRCodeIdentification', field: 'EvcoID' },
  { member: 'RemoteIdentification', field: 'EvcoID' },
] as const satisfies readonly { member: IdentificationMember; field: string }[];

/**
 * The request as Hubject reads it, before validation and lookup: the identifiers of UPPER_CASED_IDENTIFIERS in
 * upper case (only string values; anything else is left for validation to name). `uids: false` leaves the UIDs
 * as sent (the `reject-lowercase-uid` fault). Returns a copy; the body itself is not changed.
 */
export function upperCaseIdentifiers(body: JsonObject, options: { uids?: boolean } = {}): JsonObject {
  const identification = body.Identification;
  if (!isJsonObject(identification)) return body;
  const converted: JsonObject = { ...identification };
  for (const { member, field } of UPPER_CASED_IDENTIFIERS) {
    if (field === 'UID' && options.uids === false) continue;
    const value = converted[member];
    if (!isJsonObject(value) || typeof value[field] !== 'string') continue;
    converted[member] = { ...value, [field]: (value[field] as string).toUpperCase() };
  }
  return { ...body, Identification: converted };
}

/**
 * A ProviderID reduced to what identifies the provider: upper case, without the optional separator
 * (`DE*8EO`, `DE-8EO`, `de8eo` → `DE8EO`). The ProviderID pattern's `[*|-]` also allows a literal `|`, which is
 * dropped as well.
 */
export function normalisedProviderId(providerId: string): string {
  return providerId.replace(/[*|-]/g, '').toUpperCase();
}

/**
 * The ProviderID an EvcoID names: its country code and provider part, the first 2 + 3 characters without the
 * separator (OICP 2.3 CPO, 03 Data Types, ProviderIDType: the ProviderID "including the preceding country code,
 * which is part of EvcoID"). Normalised as `normalisedProviderId`; null for a string that is not an EvcoID.
 */
export function providerIdOfEvcoId(evcoId: string): string | null {
  if (!EVCO_ID_PATTERN.test(evcoId)) return null;
  const match = /^([A-Za-z]{2})[*|-]?([A-Za-z0-9]{3})/.exec(evcoId);
  return match ? normalisedProviderId(`${match[1]}${match[2]}`) : null;
}

/** The member the mock authorizes with: the first non-null one in IDENTIFICATION_MEMBERS order. */
export function firstIdentificationMember(
  identification: JsonObject,
): { member: IdentificationMember; value: JsonObject } | null {
  for (const member of IDENTIFICATION_MEMBERS) {
    const value = identification[member];
    if (isJsonObject(value)) return { member, value };
  }
  return null;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** Collects the problems of one JSON object's fields under a dotted path prefix. */
class FieldChecker {
  constructor(
    private readonly object: JsonObject,
    private readonly path: string,
    private readonly problems: FieldValidationError[],
  ) {}

  nested(object: JsonObject, key: string): FieldChecker {
    return new FieldChecker(object, this.reference(key), this.problems);
  }

  requiredString(key: string, pattern?: RegExp, maxLength?: number): void {
    if (this.missing(key)) return;
    this.checkString(key, pattern, maxLength);
  }

  optionalString(key: string, pattern?: RegExp, maxLength?: number): void {
    if (this.object[key] === undefined || this.object[key] === null) return;
    this.checkString(key, pattern, maxLength);
  }

  requiredEnum(key: string, allowed: readonly string[]): void {
    if (this.missing(key)) return;
    const value = this.object[key];
    if (typeof value !== 'string' || !allowed.includes(value)) {
      this.report(key, `must be one of ${allowed.join(', ')}`);
    }
  }

  requiredObject(key: string): JsonObject | null {
    if (this.missing(key)) return null;
    return this.objectAt(key);
  }

  optionalObject(key: string): JsonObject | null {
    if (this.object[key] === undefined || this.object[key] === null) return null;
    return this.objectAt(key);
  }

  private objectAt(key: string): JsonObject | null {
    const value = this.object[key];
    if (isJsonObject(value)) return value;
    this.report(key, `must be an object, got ${describeType(value)}`);
    return null;
  }

  private missing(key: string): boolean {
    if (this.object[key] !== undefined && this.object[key] !== null) return false;
    this.report(key, 'may not be null');
    return true;
  }

  private checkString(key: string, pattern?: RegExp, maxLength?: number): void {
    const value = this.object[key];
    if (typeof value !== 'string') {
      this.report(key, `must be a string, got ${describeType(value)}`);
      return;
    }
    if (pattern && !pattern.test(value)) {
      this.report(key, `must match "${pattern.source}"`);
    }
    const length = [...value].length;
    if (maxLength !== undefined && length > maxLength) {
      this.report(key, `size must be between 0 and ${maxLength}`);
    }
  }

  private report(key: string, errorMessage: string): void {
    this.problems.push({ fieldReference: this.reference(key), errorMessage });
  }

  private reference(key: string): string {
    const property = javaPropertyName(key);
    return this.path ? `${this.path}.${property}` : property;
  }
}
