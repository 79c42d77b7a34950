import type { Statement } from './statements.ts';

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
/** A target the scenario needs: one that is sent a TLS client certificate, or one that is not. */
export type ScenarioRequirement = 'client-certificate' | 'no-client-certificate';

export type BasisKind = 'rule' | 'observed' | 'assumption';

/** A rule of the request schema our lint adds (`lint`), or one the target enforces (`enforced`). */
export type RuleKind = 'lint' | 'enforced';

export interface Basis {
  kind: BasisKind;
  /** The OICP passage cited (document, section, quoted words), the evidence of the observation, or what is assumed. */
  citation: string;
  /** A rule's statement of Hubject's published contract (data/oicp/statements.yaml). */
  statement?: Statement;
  /** Where the basis is written (`file`, `line`), for the catalogue's list of rules. */
  writtenAt?: { file: string; line: number };
  /** The expectation is an override of this profile (calibrated against its target), not the catalogue's. */
  profile?: string;
}

/**
 * The address of one expectation of a scenario: `status`, `body`, `authorizationStatus`, `statusCode`, or
 * `fields.<dotted path>` for a field matcher. With the scenario id it names an expectation across runs.
 */
export type ExpectationKey =
  | 'status'
  | 'body'
  | 'authorizationStatus'
  | 'statusCode'
  | 'refused'
  | `fields.${string}`;

/** The bases a scenario gives: a default for its expectations and one per expectation key. */
export interface ExpectationBases {
  /** The scenario's own default, else the file's (every expectation has a basis: a missing one is a load error). */
  default?: Basis;
  byExpectation: Partial<Record<ExpectationKey, Basis>>;
}

export interface ScenarioExpectation {
  status: number;
  body: ResponseBodyKind;
  authorizationStatus?: AuthorizationStatus;
  statusCode?: string;
  /** The answer must be a negative response of any kind: anything but an HTTP 2xx that says Authorized. */
  refused?: true;
  fields: Record<string, Matcher>;
  /** Absent only on scenarios made in code (tests): a loaded scenario states a basis for every expectation. */
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
  /** Statements the scenario exercises without resting a rule on them (data/oicp/statements.yaml ids). */
  covers?: string[];
  invalid: boolean;
  /** What the target must offer for the scenario to say anything; otherwise it is skipped with its reason. */
  requires?: ScenarioRequirement;
  request: ScenarioRequest;
  expect: ScenarioExpectation;
  source: { file: string; line: number };
  /** Set when the profile lacks test data the scenario needs: the scenario is skipped with this reason. */
  skipReason?: string;
  /** With skipReason: the settings that would enable the scenario (environment variables, profile entries). */
  enableWith?: string[];
  /** The expectations the profile overrides (src/config/expectation-overrides.ts), with what the catalogue said. */
  fromProfile?: ProfileExpectation[];
  /** OICP rules whose expectation a profile setting changed (invalidRequests): reported wherever the scenario is. */
  relaxedByProfile?: RelaxedRule[];
}

/**
 * An OICP rule a profile setting relaxed for a scenario: `invalidRequests` changing what a request breaking an
 * enforced rule must get, or `hubjectDeviations` accepting a known deviation of Hubject's. A scenario that
 * passes with one is not plainly conformant: the console, the report and the gate name it.
 */
export interface RelaxedRule {
  /** The setting, as written in the profile (`invalidRequests.enforced`, `hubjectDeviations: E-17`). */
  setting: string;
  /** What the contract asks. */
  contract: string;
  /** What the profile accepts instead. */
  accepted: string;
  profile: string;
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
