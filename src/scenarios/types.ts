export type Severity = 'blocker' | 'critical' | 'normal' | 'minor' | 'trivial';
export type AuthorizationStatus = 'Authorized' | 'NotAuthorized';
/** Which schema the answer must match (the name of a schema under schemas/oicp/), or `any`. */
export type ResponseBodyKind = 'eRoamingAuthorizationStart' | 'FaultBody' | 'OicpERoamingFault' | 'any';

export type Matcher = { equals: unknown } | { matches: string } | { isNull: boolean } | { minItems: number };

export interface ScenarioRequest {
  /** The operatorID path parameter. */
  operatorId: string;
  body?: unknown;
  rawBody?: string;
  contentType?: string;
}

/**
 * Where an expectation comes from. Only an unmet `rule` fails a scenario; an unmet `observed` or
 * `assumption` is reported as "not confirmed by this target" (docs/scenarios.md, "Where an expectation
 * comes from").
 */
export type BasisKind = 'rule' | 'observed' | 'assumption';

export interface Basis {
  kind: BasisKind;
  /** The OICP rule cited, the evidence of the observation (source, date), or what is assumed. */
  citation: string;
  /** The expectation is an override of this profile (calibrated against its target), not the catalogue's. */
  profile?: string;
}

/**
 * The address of one expectation of a scenario: `status`, `body`, `authorizationStatus`, `statusCode`, or
 * `fields.<dotted path>` for a field matcher. With the scenario id it names an expectation across runs.
 */
export type ExpectationKey = 'status' | 'body' | 'authorizationStatus' | 'statusCode' | `fields.${string}`;

/** The bases a scenario gives: a default for its expectations and one per expectation key. */
export interface ExpectationBases {
  /** The scenario's own default, else the file's; absent: an expectation without basis is a rule. */
  default?: Basis;
  byExpectation: Partial<Record<ExpectationKey, Basis>>;
}

export interface ScenarioExpectation {
  status: number;
  body: ResponseBodyKind;
  authorizationStatus?: AuthorizationStatus;
  statusCode?: string;
  fields: Record<string, Matcher>;
  /** Absent: every expectation is a rule of the scenario (a user's scenario is the user's own contract). */
  basis?: ExpectationBases;
}

/** One scenario as written in a YAML file, with where it was written. */
export interface Scenario {
  id: string;
  title: string;
  feature: string;
  story?: string;
  description?: string;
  severity: Severity;
  tags: string[];
  reference?: string;
  invalid: boolean;
  request: ScenarioRequest;
  expect: ScenarioExpectation;
  source: { file: string; line: number };
  /** Set when the profile lacks test data the scenario needs: the scenario is skipped with this reason. */
  skipReason?: string;
  /** With skipReason: the settings that would enable the scenario (environment variables, profile entries). */
  enableWith?: string[];
  /** The expectations the profile overrides (src/calibration/overrides.ts), with what the catalogue said. */
  fromProfile?: ProfileExpectation[];
}

/** An expectation that comes from the profile instead of the catalogue. */
export interface ProfileExpectation {
  expectation: ExpectationKey;
  /** What the profile expects, in words (`StatusCode.Code "106"`). */
  expected: string;
  /** What the catalogue expected, and on what basis. */
  catalogue: { expected: string; basis: BasisKind; citation: string };
  profile: string;
  /** `file:line` of the override in the profile. */
  source: string;
}
