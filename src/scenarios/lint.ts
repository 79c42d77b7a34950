import { prepareRequest } from '../exchange/request.ts';
import type { PreparedRequest } from '../exchange/types.ts';
import { formatLocation, type InputProblem, type SourceLocation } from '../input/errors.ts';
import { pointerSegments, type YamlSource } from '../input/yaml-file.ts';
import { isSecretVariable, REDACTED } from '../redact.ts';
import { OICP, type SchemaRegistry, type SchemaViolation, schemaId } from '../schemas/registry.ts';
import { closestAll } from '../text.ts';
import { placeholderNames, placeholdersOf, resolveScenario } from './resolve.ts';
import type { ResponseBodyKind, Scenario, ScenarioExpectation } from './types.ts';

/**
 * What the request lint reads of the profile: its values, which of them it lacks, where each is set, and
 * the target the requests go to. The loaded profile (src/config/profile.ts) has all of it; the lint, one
 * room below, names only what it reads.
 */
export interface LintProfile {
  name: string;
  file: string;
  baseUrl: string;
  operationPath?: string;
  variables: Record<string, string>;
  unavailable: Record<string, string>;
  variableOrigins?: Record<string, SourceLocation & { environment?: string[] }>;
}

/**
 * Everything about a scenario that can be judged before anything is sent (docs/scenarios.md, "Checked when
 * the run starts"): its expectations against the OICP tables and answer schemas, and its request — after the
 * profile's values are filled in — against the request schema, the right way round for `invalid: true`.
 * Every problem names the file, line and column of the key or value it is about. The runner's own lint stays
 * the last line of defence for what only the run knows.
 */

type Segments = (string | number)[];

/** The answer schema each kind of expected body is held to; `any` has none. */
const ANSWER_SCHEMAS: Record<Exclude<ResponseBodyKind, 'any'>, string> = {
  eRoamingAuthorizationStart: OICP.response,
  FaultBody: OICP.faultBody,
  OicpERoamingFault: OICP.statusFault,
};

const STATUS_CODE_TABLE = schemaId('oicp/StatusCodeCode.schema.json');

/** The codes of the OICP StatusCode table, as our schema of it lists them. */
function oicpStatusCodes(registry: SchemaRegistry): string[] {
  const table = registry.document(STATUS_CODE_TABLE).enum;
  return Array.isArray(table) ? table.filter((code): code is string => typeof code === 'string') : [];
}

/**
 * The expectations of one scenario as written (placeholders unresolved): a StatusCode from the OICP table,
 * AuthorizationStatus and StatusCode only where the expected answer carries them and never contradicting each
 * other, and field paths that exist in the expected answer's schema. `at` is the scenario's path in `source`.
 */
export function expectationProblems(
  expect: ScenarioExpectation,
  at: Segments,
  source: YamlSource,
  registry: SchemaRegistry,
  bodyWritten: boolean,
): InputProblem[] {
  const problems: InputProblem[] = [];
  const problem = (segments: Segments, message: string, atKey = false) =>
    problems.push(source.problem([...at, 'expect', ...segments], message, { atKey }));
  const kind = expect.body;
  const bodyWhy = bodyWritten ? `expect.body is ${kind}` : `HTTP ${expect.status} is answered with ${kind}`;

  if (expect.statusCode !== undefined) {
    const codes = oicpStatusCodes(registry);
    if (!codes.includes(expect.statusCode))
      problem(
        ['statusCode'],
        `"${expect.statusCode}" is not a code of the OICP StatusCode table (schemas/oicp/StatusCodeCode.schema.json): ${codes.join(', ')}`,
      );
    else if (kind === 'FaultBody')
      problem(
        ['statusCode'],
        `a FaultBody has no StatusCode (${bodyWhy}): no answer can meet this expectation`,
      );
  }
  if (expect.authorizationStatus !== undefined && kind !== 'eRoamingAuthorizationStart' && kind !== 'any') {
    problem(
      ['authorizationStatus'],
      `only an eRoamingAuthorizationStart answer carries an AuthorizationStatus (${bodyWhy}): no answer can meet this expectation`,
    );
  }
  // OICP 2.3 eRoamingAuthorizationStart: Authorized comes with 000, a refusal with any other code.
  if (
    expect.authorizationStatus === 'Authorized' &&
    expect.statusCode !== undefined &&
    expect.statusCode !== '000'
  )
    problem(
      ['statusCode'],
      `an Authorized answer carries StatusCode.Code "000" (OICP 2.3 eRoamingAuthorizationStart): with "${expect.statusCode}" no conformant answer can meet this scenario`,
    );
  if (expect.authorizationStatus === 'NotAuthorized' && expect.statusCode === '000')
    problem(
      ['statusCode'],
      `"000" means success, which a NotAuthorized answer never carries (OICP 2.3 eRoamingAuthorizationStart): no conformant answer can meet this scenario`,
    );

  if (kind === 'any') return problems;
  const schema = ANSWER_SCHEMAS[kind];
  for (const [path, matcher] of Object.entries(expect.fields)) {
    const message = fieldPathProblem(registry, schema, kind, path, Object.keys(matcher)[0] ?? '');
    if (message) problem(['fields', path], message, true);
  }
  return problems;
}

/**
 * A field matcher whose path is not in the answer's schema would test nothing the contract defines: a typo
 * (`StatusCode.Descripton`) with `isNull: true` would even pass against every target. Answers may carry
 * properties OICP does not define (they are tolerated and reported by answerPropertiesKnown), but a scenario
 * holds the target to the contract, so every step of a path must be declared.
 */
function fieldPathProblem(
  registry: SchemaRegistry,
  schema: string,
  kind: string,
  path: string,
  operator: string,
): string | undefined {
  const segments = path.split('.');
  const found = registry.followPath(schema, segments);
  const parent = (index: number) =>
    index === 0 ? `the ${kind} answer` : `${segments.slice(0, index).join('.')} in the ${kind} answer`;
  if (found.unknownAt !== undefined) {
    const name = segments[found.unknownAt] as string;
    const known = found.known ?? [];
    const close = closestAll(name, known);
    const where = parent(found.unknownAt);
    if (close.length > 0)
      return `'${name}' is not a property of ${where}; did you mean ${close.map((c) => `'${c}'`).join(' or ')}?`;
    return `'${name}' is not a property of ${where} (its properties: ${known.join(', ')}); a matcher on a property OICP does not define tests nothing of the contract`;
  }
  if (found.leavesAt !== undefined) {
    const into = segments.slice(0, found.leavesAt).join('.');
    return `${into} in the ${kind} answer is ${describeTypes(found.types)}: it has no '${segments[found.leavesAt]}'`;
  }
  const types = found.types;
  if (operator === 'minItems' && types.length > 0 && !types.includes('array'))
    return `minItems needs an array, but ${path} in the ${kind} answer is ${describeTypes(types)}`;
  if (operator === 'matches' && types.length > 0 && !types.includes('string'))
    return `matches needs a string, but ${path} in the ${kind} answer is ${describeTypes(types)}`;
  return undefined;
}

function describeTypes(types: readonly string[]): string {
  if (types.length === 0) return 'a value without properties';
  return types.map((t) => (t === 'null' ? 'null' : `${/^[aeiou]/.test(t) ? 'an' : 'a'} ${t}`)).join(' or ');
}

/** Where each loaded scenario was written: its file's YAML and its path there (set by the loader). */
/**
 * What is wrong with a request as it will be sent: a body that is not JSON, a Content-Type other than JSON
 * (the OpenAPI's request body is application/json), and every violation of the request schema. One judgement
 * for the load-time lint and the runner's last look before sending.
 */
export function requestViolations(request: PreparedRequest, registry: SchemaRegistry): SchemaViolation[] {
  const contentType = request.headers['Content-Type'] ?? '';
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase();
  const wrongType: SchemaViolation[] =
    mediaType === 'application/json'
      ? []
      : [
          {
            path: '',
            keyword: 'contentType',
            message: `Content-Type ${JSON.stringify(contentType)} is not application/json (OICP 2.3 OpenAPI: the request body is application/json)`,
          } as SchemaViolation,
        ];
  if (request.bodyJson === undefined)
    return [...wrongType, { path: '', message: 'the body is not JSON', keyword: 'type' } as SchemaViolation];
  return [...wrongType, ...registry.violations(OICP.request, request.bodyJson)];
}

export type ScenarioLocator = (scenario: Scenario) => { source: YamlSource; at: Segments } | undefined;

/** Violations about which keys an object has: a value standing in for missing test data cannot cause them. */
const KEY_KEYWORDS = new Set([
  'required',
  'additionalProperties',
  'minProperties',
  'maxProperties',
  'false schema',
]);

/** Stands for a value the profile does not offer: the scenario is skipped, and no violation under it counts. */
const MISSING = '\u0000missing test data\u0000';

/**
 * The request of every scenario, with the profile's values (and generated values) filled in, linted against
 * eRoamingAuthorizeStart the way the runner will: a scenario without `invalid: true` must send a valid
 * request, one with it an invalid request. A scenario skipped for missing test data is linted as far as it
 * can be: a violation under a value the profile does not offer is not counted, and such a scenario marked
 * invalid is not called valid. A violation caused by a profile value names the value and where it is set.
 */
export function requestProblems(
  scenarios: readonly Scenario[],
  profile: LintProfile,
  registry: SchemaRegistry,
  locate: ScenarioLocator,
): InputProblem[] {
  const problems: InputProblem[] = [];
  // A bad profile value breaks every request that carries it: said once, at the value, when it is many.
  const byProfileValue = new Map<string, { name: string; message: string; places: InputProblem[] }>();
  for (const scenario of scenarios) {
    const where = locate(scenario);
    if (!where) continue;
    const { source, at } = where;
    const unresolvable = new Set(
      placeholdersOf(scenario).filter(
        (name) =>
          !name.startsWith('$') &&
          (!Object.hasOwn(profile.variables, name) || Object.hasOwn(profile.unavailable, name)),
      ),
    );
    const resolved = resolveScenario(scenario, profile.variables, {
      standIn: (name) => (unresolvable.has(name) ? MISSING : undefined),
    });
    const prepared = prepareRequest(resolved, profile.baseUrl, profile.operationPath);
    const { bodyJson } = prepared;
    const requestAt = [...at, 'request', scenario.request.rawBody === undefined ? 'body' : 'rawBody'];
    const violations = requestViolations(prepared, registry);
    const counted = explained(
      violations.filter((v) => KEY_KEYWORDS.has(v.keyword) || !containsMissing(valueAt(bodyJson, v.path))),
    );
    const incomplete = unresolvable.size > 0;
    if (scenario.invalid) {
      if (counted.length === 0 && !incomplete)
        problems.push(
          source.problem(
            [...at, 'invalid'],
            'says invalid: true, but its request is valid against eRoamingAuthorizeStart (schemas/oicp/eRoamingAuthorizeStart.schema.json): the negative case would test nothing; break the request, or remove invalid: true',
            { atKey: true },
          ),
        );
      continue;
    }
    if (counted.length === 0) continue;
    const templateOf = (path: string) =>
      valueAt(scenario.request.rawBody === undefined ? scenario.request.body : undefined, path);
    const annotate = (message: string, violation: SchemaViolation) =>
      `${message}${fromProfile(templateOf(violation.path), profile)}`;
    const own: SchemaViolation[] = [];
    for (const violation of counted) {
      const name = profileVariableOf(templateOf(violation.path), profile);
      if (name === undefined || KEY_KEYWORDS.has(violation.keyword)) {
        own.push(violation);
        continue;
      }
      const key = `${name}\u0000${violation.message}`;
      const group = byProfileValue.get(key) ?? { name, message: violation.message, places: [] };
      group.places.push(
        source.problem(
          [...requestAt, ...pointerSegments(violation.path)],
          annotate(violation.message, violation),
        ),
      );
      byProfileValue.set(key, group);
    }
    problems.push(
      ...(scenario.request.rawBody === undefined
        ? source.schemaProblems(own, requestAt, annotate)
        : own.map((v) => source.problem(requestAt, `${v.path || '(root)'}: ${annotate(v.message, v)}`))
      ).sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)),
    );
  }
  for (const { name, message, places } of byProfileValue.values()) {
    const [first] = places;
    if (places.length <= 2 || !first) {
      problems.push(...places);
      continue;
    }
    const origin = profile.variableOrigins?.[name];
    problems.push({
      file: origin?.file ?? profile.file,
      ...(origin?.line === undefined ? {} : { line: origin.line, column: origin.column }),
      field: `variables.${name}`,
      message: `${shownValue(name, profile)}${origin?.environment?.length ? ` (from ${origin.environment.join(', ')})` : ''} ${message}: ${places.length} scenario requests carry it, e.g. ${formatLocation(first)} ${first.field}`,
    });
  }
  return problems;
}

/** The profile variable a request value is made of alone (`"{{evseId}}"`), if it is one of the profile's. */
function profileVariableOf(template: unknown, profile: LintProfile): string | undefined {
  if (typeof template !== 'string') return undefined;
  const name = /^\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}$/.exec(template)?.[1];
  return name !== undefined && Object.hasOwn(profile.variables, name) ? name : undefined;
}

/** `{{evseId}} = "DE-ABC-1"`; a secret value (a PIN) is never shown. */
function shownValue(name: string, profile: LintProfile): string {
  return `{{${name}}} = ${isSecretVariable(name) ? REDACTED : JSON.stringify(profile.variables[name])}`;
}

/** The title of the load error that lists request problems. */
export const REQUEST_PROBLEMS_TITLE =
  'Scenario requests are not what the scenarios say (lint against schemas/oicp/eRoamingAuthorizeStart.schema.json): fix the request, or mark a deliberately invalid one invalid: true; nothing was sent';

/** Too many or too few members because of an unknown one: the unknown member says it, once. */
function explained(violations: SchemaViolation[]): SchemaViolation[] {
  const withUnknown = new Set(
    violations.filter((v) => v.keyword === 'additionalProperties').map((v) => v.path),
  );
  return violations.filter(
    (v) => !((v.keyword === 'maxProperties' || v.keyword === 'minProperties') && withUnknown.has(v.path)),
  );
}

/** `; {{evseId}} is "X" from profile 'qa' (data/environments/qa.yaml)` when a profile value is the cause. */
function fromProfile(template: unknown, profile: LintProfile): string {
  if (typeof template !== 'string') return '';
  const names = placeholderNames(template);
  const own = names.filter((name) => Object.hasOwn(profile.variables, name));
  if (own.length === 0) return '';
  const values = own.map((name) => shownValue(name, profile)).join(', ');
  const origins = [
    ...new Set(
      own.map((name) => {
        const origin = profile.variableOrigins?.[name];
        if (!origin) return profile.file;
        return `${formatLocation(origin)}${origin.environment?.length ? ` (${origin.environment.join(', ')})` : ''}`;
      }),
    ),
  ];
  return `; ${values} (profile '${profile.name}', ${origins.join(', ')})`;
}

function valueAt(value: unknown, pointer: string): unknown {
  let current = value;
  if (!pointer) return current;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function containsMissing(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(MISSING);
  if (Array.isArray(value)) return value.some(containsMissing);
  if (value && typeof value === 'object') return Object.values(value).some(containsMissing);
  return false;
}
