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

export interface ScenarioExpectation {
  status: number;
  body: ResponseBodyKind;
  authorizationStatus?: AuthorizationStatus;
  statusCode?: string;
  fields: Record<string, Matcher>;
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
}
