import fs from 'node:fs';
import path from 'node:path';
import type { DeviationId } from '../checks/deviations.ts';
import type { TlsSettings } from '../exchange/types.ts';
import { formatLocation, InputError, type InputProblem, type SourceLocation } from '../input/errors.ts';
import { YamlSource } from '../input/yaml-file.ts';
import { dataDir } from '../paths.ts';
import { defaultBodyKind } from '../scenarios/load.ts';
import type { ExpectationKey, Matcher, ResponseBodyKind, RuleKind } from '../scenarios/types.ts';
import { type SchemaRegistry, schemaId } from '../schemas/registry.ts';
import { mockRegistryFile, mockRegistryVariables } from './mock-registry-variables.ts';
import { checkBaseUrl, checkOperationPath, DEFAULT_OPERATION_PATH } from './target-url.ts';
import { isPlainHttpLoopback, loadTlsSettings } from './tls.ts';

/** The selected target and the values the scenarios use, after environment overrides. */
export interface Profile {
  name: string;
  description: string;
  /** Where the profile came from, for messages. */
  file: string;
  /** Target origin without trailing slash, e.g. `https://service-qa.hubject.com`. */
  baseUrl: string;
  /**
   * The path before `/operators/{operatorID}/authorize/start` (OICP_OPERATION_PATH, profile `operationPath`),
   * without trailing slash: default `/api/oicp/charging/v21`; empty for a target serving the operation at
   * its root. Requests go to `operationUrl(baseUrl, operatorId, operationPath)`. Always set by loadProfile;
   * optional for profiles built by hand (undefined: Hubject's path).
   */
  operationPath?: string;
  /** True when the run must start the embedded mock itself (mock profile and no OICP_BASE_URL). */
  startEmbeddedMock: boolean;
  /** A command that starts another team's mock before the run (OICP_MOCK_COMMAND); it answers at baseUrl. */
  mockCommand?: string;
  /** The target is Hubject: Hubject-only advisories apply (Process-ID header). */
  hubject: boolean;
  timeBudgetMs: number;
  workers: number | undefined;
  variables: Record<string, string>;
  /**
   * Where each variable's value is set, for messages: the profile file and line (with the environment
   * variable it reads), or the mock registry entry that defines it.
   */
  variableOrigins?: Record<string, VariableOrigin>;
  /** The registry file of the embedded mock, for a profile of the embedded mock (`embeddedMock: true`). */
  mockRegistry?: string;
  /** The earlier run the embedded mock answers from (OICP_MOCK_REPLAY) instead of its registry. */
  mockReplay?: string;
  /**
   * Variables the profile leaves empty (`${NAME:-}`): test data this target does not offer. Scenarios that
   * need one are skipped with the reason, instead of blocking the whole run. Maps the variable to the
   * environment variable that would provide it.
   */
  unavailable: Record<string, string>;
  tls: TlsSettings;
  /**
   * Set when the profile requires a client certificate (`tls.clientCertificateRequired`) and none is given,
   * but the target is plain HTTP on this machine (a local mock): the run goes without one, and this says so
   * (for the run header's TLS line, see describeTargetTls).
   */
  withoutClientCertificate?: string;
  /** Minimum time between two requests of one worker (ms). */
  minIntervalMs: number;
  retry: RetryPolicy;
  /** How the target answers requests that break a rule it enforces, or one only our lint has. */
  invalidRequests: Record<RuleKind, InvalidRequestAnswer>;
  /** The largest answer body accepted (bytes, counted while reading, after decompression). */
  maxAnswerBytes: number;
  failFast: FailFastPolicy;
  /** Known Hubject deviations (docs/errata.md) reported as advisories instead of failures against this target. */
  hubjectDeviations: DeviationId[];
  /** Per-scenario expectation overrides (`expectations:`), applied and checked by src/config/expectation-overrides.ts. */
  expectations: ExpectationOverride[];
}

/** Where a profile value is set: a line of the profile (and the environment variable it reads), or a registry entry. */
interface VariableOrigin extends SourceLocation {
  /** The environment variables the value reads (`${NAME}`), if any. */
  environment?: string[];
}

/** `data/environments/qa.yaml:16:11 (OICP_QA_EVSE_ID)` */
function formatOrigin(origin: VariableOrigin): string {
  return `${formatLocation(origin)}${origin.environment?.length ? ` (${origin.environment.join(', ')})` : ''}`;
}
/** One expectation of one scenario as the profile sets it, with where it is written. */
export interface ExpectationOverride {
  scenario: string;
  expectation: ExpectationKey;
  /** A status (number), a body kind, an AuthorizationStatus, a StatusCode.Code, or a field matcher. */
  value: unknown;
  /** Where it is written: file, line, column and field (`expectations.<id>.<key>`). */
  at: InputProblem;
}

type OverrideValues = {
  status?: number;
  body?: ResponseBodyKind;
  authorizationStatus?: string;
  statusCode?: string;
  fields?: Record<string, Matcher>;
};

/**
 * A dead target ends the run instead of failing every scenario one time budget at a time: after this many
 * consecutive transport failures of the same kind, or fewer while the target has not answered once.
 */
export interface FailFastPolicy {
  consecutiveFailures: number;
  beforeFirstAnswer: number;
}

export interface InvalidRequestAnswer {
  status: number;
  body: ResponseBodyKind;
}

/** Hubject rejects what it enforces with HTTP 400 and a fault body, and answers lint-only breaches as usual. */
export const DEFAULT_INVALID_REQUESTS: Record<RuleKind, InvalidRequestAnswer> = {
  enforced: { status: 400, body: 'FaultBody' },
  lint: { status: 200, body: 'eRoamingAuthorizationStart' },
};

/** Bounded retry of transient answers; `attempts: 1` means none. */
export interface RetryPolicy {
  attempts: number;
  onStatus: number[];
  delayMs: number;
}

export const NO_RETRY: RetryPolicy = { attempts: 1, onStatus: [], delayMs: 0 };
const DEFAULT_RETRY_STATUSES = [408, 502, 503, 504];

/**
 * The suite's own budget for one answer, network included, set after Hubject's timeouts: OICP states no answer
 * time for AuthorizeStart (its "within 10 seconds" is written for eRoamingAuthorizeRemoteStart).
 */
export const DEFAULT_TIME_BUDGET_MS = 10_000;
/** The longest time budget accepted: beyond it a dead target holds a run for hours. */
const MAX_TIME_BUDGET_MS = 600_000;
/** The largest answer body accepted by default: an AuthorizeStart answer is well under 10 KiB. */
export const DEFAULT_MAX_ANSWER_BYTES = 1024 * 1024;

/** The embedded mock's port when OICP_MOCK_PORT names none (the run picks a free one and sets it). */
const EMBEDDED_MOCK_DEFAULT_PORT = 8787;

/** When a dead target stops the run (see FailFastPolicy). */
export const DEFAULT_FAIL_FAST: FailFastPolicy = { consecutiveFailures: 5, beforeFirstAnswer: 2 };

interface ProfileFile {
  name: string;
  description?: string;
  baseUrl: string;
  operationPath?: string;
  embeddedMock?: boolean;
  hubject?: boolean;
  timeBudgetMs?: number;
  workers?: number;
  minIntervalMs?: number;
  retry?: { attempts: number; onStatus?: number[]; delayMs?: number };
  maxAnswerBytes?: number;
  failFast?: Partial<FailFastPolicy>;
  invalidRequests?: Partial<Record<RuleKind, { status: number; body?: ResponseBodyKind }>>;
  hubjectDeviations?: DeviationId[];
  expectations?: Record<string, OverrideValues>;
  variables: Record<string, string>;
  tls?: Partial<Omit<TlsSettings, 'insecure'>> & { insecure?: boolean; clientCertificateRequired?: boolean };
}

type Env = Record<string, string | undefined>;

const ENV_REFERENCE = /\$\{([A-Z][A-Z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${NAME}` / `${NAME:-default}` with environment values; every missing variable is collected
 * so that the user sees the whole list of what to set at once.
 */
function interpolate(value: string, env: Env, onMissing: (name: string) => void): string {
  return value.replace(ENV_REFERENCE, (_match, name: string, fallback: string | undefined) => {
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    onMissing(name);
    return '';
  });
}

/** A whole number from an environment variable, within its range; anything else is a configuration error. */
export function parseIntSetting(
  value: string,
  variable: string,
  range: { min: number; max: number; unit?: string },
): number {
  const unit = range.unit ? ` ${range.unit}` : '';
  if (!/^\d+$/.test(value) || Number(value) < range.min || Number(value) > range.max) {
    throw new InputError('Invalid configuration; nothing was sent', [
      {
        file: variable,
        field: variable,
        message: `must be a whole number from ${range.min} to ${range.max}${unit}, got '${value}'`,
      },
    ]);
  }
  return Number(value);
}

export function profileFile(name: string): string {
  return path.join(dataDir, 'environments', `${name}.yaml`);
}

/**
 * The variable names each other profile of data/environments defines (name → profiles): a scenario may use
 * test data one target offers and another does not. Profiles that do not parse are left out here; they are
 * reported when selected.
 */
export function variablesOfOtherProfiles(
  registry: SchemaRegistry,
  current: string,
  env: Env = process.env,
): Map<string, string[]> {
  const names = new Map<string, string[]>();
  const dir = path.join(dataDir, 'environments');
  for (const entry of fs.readdirSync(dir)) {
    const name = entry.replace(/\.yaml$/, '');
    if (!entry.endsWith('.yaml') || name === current) continue;
    let data: ProfileFile;
    try {
      const source = YamlSource.read(path.join(dir, entry), `profile '${name}'`);
      source.validate(registry, schemaId('environment.schema.json'), `profile '${name}'`);
      data = source.data as ProfileFile;
    } catch {
      continue;
    }
    const own = Object.keys(data.variables);
    if (data.embeddedMock) {
      try {
        own.push(...mockRegistryVariables(registry, mockRegistryFile(env)).keys());
      } catch {
        // A broken registry is reported when the mock profile is selected (or the mock starts).
      }
    }
    for (const variable of new Set(own)) names.set(variable, [...(names.get(variable) ?? []), name]);
  }
  return names;
}

/** Loads `data/environments/<OICP_ENV>.yaml`, validates it, and applies the environment overrides (docs/configuration.md). */
export function loadProfile(registry: SchemaRegistry, env: Env = process.env): Profile {
  const input = readProfile(registry, env);
  const settings = resolveSettings(registry, input);
  const target = checkTarget(input, settings);
  return assembleProfile(input, settings, target);
}

/** The selected profile file, read and validated, with the environment that overrides it. */
interface ProfileInput {
  name: string;
  source: YamlSource;
  data: ProfileFile;
  env: Env;
}

/** A profile value with its `${NAME}` references replaced; `segments` say where it is written, for messages. */
type Resolve = (value: string, segments: string[]) => string;

/** The profile's `tls` block without `clientCertificateRequired`, as loadTlsSettings takes it. */
type ProfileTls = Partial<Omit<TlsSettings, 'insecure'>> & { insecure?: boolean };

/** The profile's variables, where each is set, and the ones it leaves empty (see Profile). */
interface ProfileVariables {
  variables: Record<string, string>;
  variableOrigins: Record<string, VariableOrigin>;
  unavailable: Record<string, string>;
}

/** What the environment says about the target instead of the profile. */
interface TargetOverrides {
  /** OICP_BASE_URL (trimmed, possibly empty). */
  overrideUrl: string | undefined;
  mockCommand: string | undefined;
  replay: string | undefined;
}

/** The profile with every `${NAME}` resolved and nothing missing: what the target is checked with. */
interface ResolvedSettings {
  values: ProfileVariables;
  mockRegistry: string | undefined;
  profileTls: ProfileTls;
  overrides: TargetOverrides;
  /** The embedded mock is the target (the profile's, or a replay), unless OICP_BASE_URL names another. */
  embedded: boolean;
  /** The profile's own target URL; empty when OICP_BASE_URL replaces it. */
  profileUrl: string;
  certificate: CertificateNeed;
  resolve: Resolve;
}

interface CertificateNeed {
  /** The profile requires a client certificate, none is given, and the target is not a replay. */
  lacking: boolean;
  /** The target is plain HTTP on this machine. */
  plainLocal: boolean;
}

/** The target as checked: where requests go and with which TLS material. */
interface CheckedTarget {
  operationPath: string;
  baseUrl: string;
  withoutClientCertificate: string | undefined;
  tls: TlsSettings;
}

/** The profile OICP_ENV names, read and validated against the schema and against its target. */
function readProfile(registry: SchemaRegistry, env: Env): ProfileInput {
  const name = env.OICP_ENV?.trim() || 'mock';
  if (!/^[a-z0-9-]+$/.test(name))
    throw invalidSetting('OICP_ENV', `'${name}' is not a profile name (lower-case letters, digits, '-')`);
  const source = YamlSource.read(profileFile(name), `profile '${name}' (OICP_ENV)`);
  source.validate(registry, schemaId('environment.schema.json'), `profile '${name}'`);
  const data = source.data as ProfileFile;
  refuseDeviationsElsewhere(data, source, name);
  return { name, source, data, env };
}

/** A configuration error in one environment variable. */
function invalidSetting(variable: string, message: string): InputError {
  return new InputError('Invalid configuration', [{ file: variable, field: variable, message }]);
}

function refuseDeviationsElsewhere(data: ProfileFile, source: YamlSource, name: string): void {
  // Accepting a known deviation of Hubject's turns a rule's failure into an advisory: only where the target
  // is Hubject. Anywhere else it would green a broken rule.
  if ((data.hubjectDeviations?.length ?? 0) > 0 && data.hubject !== true) {
    throw new InputError('Invalid configuration; nothing was sent', [
      {
        file: source.displayPath,
        ...source.locate(['hubjectDeviations']),
        field: 'hubjectDeviations',
        message: `known deviations of Hubject's systems are accepted only against Hubject: profile '${name}' does not say hubject: true. Remove hubjectDeviations (a mock or another hub must follow the rule), or set hubject: true if the target is Hubject`,
      },
    ]);
  }
}

/**
 * Resolves every `${NAME}` the profile reads and the target the environment chooses; every environment
 * variable still missing is reported at once.
 */
function resolveSettings(registry: SchemaRegistry, input: ProfileInput): ResolvedSettings {
  const { name, source, data, env } = input;
  const missing: InputProblem[] = [];
  const resolve: Resolve = (value, segments) =>
    interpolate(value, env, (variable) =>
      missing.push(source.problem(segments, `needs the environment variable ${variable}`)),
    );
  const values = profileVariables(data, source, resolve);
  // The embedded mock's profile also takes the values its registry's entries name (one edit per test card).
  const mockRegistry = data.embeddedMock ? mockRegistryFile(env) : undefined;
  if (mockRegistry) addRegistryVariables(registry, mockRegistry, values, name);
  const profileTls = resolveProfileTls(data, resolve);
  const overrides = targetOverrides(env);
  const embedded = (data.embeddedMock ?? false) || overrides.replay !== undefined;
  const profileUrl = profileTargetUrl(input, overrides, embedded, resolve);
  const certificate = certificateNeed(input, profileTls, overrides, profileUrl);
  if (certificate.lacking && !certificate.plainLocal) missing.push(missingCertificate(source));
  if (missing.length > 0) {
    throw new InputError(`Profile '${name}' is incomplete: set these environment variables`, missing);
  }
  return { values, mockRegistry, profileTls, overrides, embedded, profileUrl, certificate, resolve };
}

/** The profile's `variables:` resolved, each with where it is written and the environment variables it reads. */
function profileVariables(data: ProfileFile, source: YamlSource, resolve: Resolve): ProfileVariables {
  const variables: Record<string, string> = {};
  const variableOrigins: Record<string, VariableOrigin> = {};
  const unavailable: Record<string, string> = {};
  for (const [key, value] of Object.entries(data.variables)) {
    variables[key] = resolve(value, ['variables', key]);
    const reads = [...value.matchAll(ENV_REFERENCE)].map((m) => m[1]).join(', ');
    variableOrigins[key] = {
      file: source.displayPath,
      ...source.locate(['variables', key]),
      ...(reads ? { environment: reads.split(', ') } : {}),
    };
    if (variables[key] === '') unavailable[key] = reads || key;
  }
  return { variables, variableOrigins, unavailable };
}

/** Adds the variables the mock registry's entries define; one defined in the profile too is an error. */
function addRegistryVariables(
  registry: SchemaRegistry,
  mockRegistry: string,
  { variables, variableOrigins }: ProfileVariables,
  name: string,
): void {
  const twice: InputProblem[] = [];
  for (const [key, defined] of mockRegistryVariables(registry, mockRegistry)) {
    if (Object.hasOwn(variables, key)) {
      twice.push({
        ...defined.location,
        field: key,
        message: `{{${key}}} is defined here and in ${formatOrigin(variableOrigins[key] as VariableOrigin)}: keep one (the registry entry, so the value lives beside the card)`,
      });
      continue;
    }
    variables[key] = defined.value;
    variableOrigins[key] = defined.location;
  }
  if (twice.length > 0)
    throw new InputError(`Profile '${name}' and its mock registry disagree; nothing was sent`, twice);
}

/** The profile's `tls` block with its file settings resolved. */
function resolveProfileTls(data: ProfileFile, resolve: Resolve): ProfileTls {
  const { clientCertificateRequired: _required, ...declaredTls } = data.tls ?? {};
  const profileTls: ProfileTls = { ...declaredTls };
  for (const key of ['clientCert', 'clientKey', 'pfx', 'passphrase', 'caCert'] as const) {
    const value = profileTls[key];
    if (value !== undefined) profileTls[key] = resolve(value, ['tls', key]);
  }
  return profileTls;
}

/** OICP_BASE_URL, OICP_MOCK_COMMAND and OICP_MOCK_REPLAY, refused in the combinations that cannot work. */
function targetOverrides(env: Env): TargetOverrides {
  const overrideUrl = env.OICP_BASE_URL?.trim();
  const mockCommand = env.OICP_MOCK_COMMAND?.trim() || undefined;
  // A replay (OICP_MOCK_REPLAY) makes the embedded mock the target, answering from an earlier run: whatever
  // the profile's target, its variables make the requests that must match the recorded ones.
  const replay = env.OICP_MOCK_REPLAY?.trim() || undefined;
  if (replay && overrideUrl) {
    throw invalidSetting(
      'OICP_MOCK_REPLAY',
      'a replay answers through the embedded mock; OICP_BASE_URL names another target: unset one of them',
    );
  }
  if (mockCommand && !overrideUrl) {
    throw invalidSetting(
      'OICP_MOCK_COMMAND',
      'set OICP_BASE_URL too: the URL where the started mock answers (e.g. http://127.0.0.1:9000)',
    );
  }
  return { overrideUrl, mockCommand, replay };
}

/** The target URL the profile gives: none under OICP_BASE_URL, the replaying mock's, or its `baseUrl`. */
function profileTargetUrl(
  { data, env }: ProfileInput,
  { overrideUrl, replay }: TargetOverrides,
  embedded: boolean,
  resolve: Resolve,
): string {
  const mockPort = env.OICP_MOCK_PORT?.trim();
  if (embedded && !overrideUrl && mockPort)
    parseIntSetting(mockPort, 'OICP_MOCK_PORT', { min: 0, max: 65535 });
  return overrideUrl
    ? ''
    : replay
      ? `http://127.0.0.1:${mockPort || EMBEDDED_MOCK_DEFAULT_PORT}`
      : resolve(data.baseUrl, ['baseUrl']);
}

/** Whether a client certificate the profile requires is lacking, and whether the target could carry one. */
function certificateNeed(
  { data, env }: ProfileInput,
  profileTls: ProfileTls,
  { overrideUrl, replay }: TargetOverrides,
  profileUrl: string,
): CertificateNeed {
  const lacking =
    Boolean(data.tls?.clientCertificateRequired) && !hasClientCertificate(env, profileTls) && !replay;
  // A plain-HTTP target on this machine (a local mock standing in for QA) has no TLS to carry a certificate.
  const plainLocal = isPlainHttpLoopback(overrideUrl || profileUrl);
  return { lacking, plainLocal };
}

function hasClientCertificate(env: Env, profileTls: ProfileTls): boolean {
  return (
    Boolean(env.OICP_CLIENT_PFX?.trim() || profileTls.pfx) ||
    Boolean(
      (env.OICP_CLIENT_CERT?.trim() || profileTls.clientCert) &&
        (env.OICP_CLIENT_KEY?.trim() || profileTls.clientKey),
    )
  );
}

function missingCertificate(source: YamlSource): InputProblem {
  return {
    ...source.problem(['tls', 'clientCertificateRequired'], ''),
    message:
      'needs your client certificate: OICP_CLIENT_CERT and OICP_CLIENT_KEY (PEM files), or OICP_CLIENT_PFX (and OICP_CLIENT_PASSPHRASE)',
  };
}

/** The operation path, the base URL and the TLS material, each checked. */
function checkTarget({ name, source, data, env }: ProfileInput, settings: ResolvedSettings): CheckedTarget {
  const { overrideUrl, replay } = settings.overrides;
  const embeddedMock = settings.embedded && !overrideUrl;
  const operationPath = loadOperationPath(data, source, env, embeddedMock, settings.resolve);
  const baseUrl = overrideUrl
    ? checkBaseUrl(overrideUrl, env, { file: 'OICP_BASE_URL', field: 'OICP_BASE_URL' }, operationPath)
    : checkBaseUrl(
        settings.profileUrl,
        env,
        { ...source.problem(['baseUrl'], ''), field: 'baseUrl' },
        operationPath,
      );
  const withoutClientCertificate =
    settings.certificate.lacking && settings.certificate.plainLocal
      ? `profile '${name}' requires a client certificate (tls.clientCertificateRequired), but ${new URL(baseUrl).origin} is plain HTTP on this machine: running without one`
      : undefined;

  // The replaying mock is plain HTTP on this machine: no client certificate goes to it.
  const tls = replay
    ? { insecure: false }
    : loadTlsSettings(settings.profileTls, env, baseUrl, source.displayPath);
  return { operationPath, baseUrl, withoutClientCertificate, tls };
}

/** The profile the run uses, from the checked target and the profile's own policies. */
function assembleProfile(
  { source, data, env }: ProfileInput,
  { values, mockRegistry, overrides, embedded }: ResolvedSettings,
  { operationPath, baseUrl, withoutClientCertificate, tls }: CheckedTarget,
): Profile {
  const { overrideUrl, mockCommand, replay } = overrides;
  return {
    name: data.name,
    description: data.description ?? '',
    file: source.displayPath,
    baseUrl,
    operationPath,
    startEmbeddedMock: embedded && !overrideUrl,
    mockCommand,
    hubject: data.hubject ?? false,
    timeBudgetMs: timeBudget(data, env),
    // A replay spares no shared system: no pause between requests, every core.
    workers: replay ? undefined : data.workers,
    variables: values.variables,
    variableOrigins: values.variableOrigins,
    ...(mockRegistry ? { mockRegistry } : {}),
    ...(replay ? { mockReplay: replay } : {}),
    unavailable: values.unavailable,
    tls,
    ...(withoutClientCertificate ? { withoutClientCertificate } : {}),
    minIntervalMs: replay ? 0 : (data.minIntervalMs ?? 0),
    retry: retryPolicy(data.retry),
    invalidRequests: {
      enforced: invalidAnswer('enforced', data.invalidRequests?.enforced),
      lint: invalidAnswer('lint', data.invalidRequests?.lint),
    },
    maxAnswerBytes: data.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES,
    failFast: { ...DEFAULT_FAIL_FAST, ...data.failFast },
    hubjectDeviations: data.hubjectDeviations ?? [],
    expectations: expectationOverrides(data.expectations, source),
  };
}

/** OICP_TIME_BUDGET_MS, else the profile's `timeBudgetMs`, else the default. */
function timeBudget(data: ProfileFile, env: Env): number {
  const budget = env.OICP_TIME_BUDGET_MS?.trim();
  return budget
    ? parseIntSetting(budget, 'OICP_TIME_BUDGET_MS', { min: 100, max: MAX_TIME_BUDGET_MS, unit: 'ms' })
    : (data.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS);
}

function retryPolicy(written: ProfileFile['retry']): RetryPolicy {
  return written
    ? {
        attempts: written.attempts,
        onStatus: written.onStatus ?? DEFAULT_RETRY_STATUSES,
        delayMs: written.delayMs ?? 1_000,
      }
    : NO_RETRY;
}

/**
 * The operation path: OICP_OPERATION_PATH, else the profile's `operationPath`, else Hubject's. The embedded
 * mock (started by the run, or replaying) answers at Hubject's path only: another one named in the
 * environment is a configuration error there, and a profile's is not used.
 */
function loadOperationPath(
  data: ProfileFile,
  source: YamlSource,
  env: Env,
  embeddedMock: boolean,
  resolve: Resolve,
): string {
  const fromEnv = env.OICP_OPERATION_PATH?.trim();
  const where = { file: 'OICP_OPERATION_PATH', field: 'OICP_OPERATION_PATH' };
  if (fromEnv) {
    const checked = checkOperationPath(fromEnv, where);
    if (embeddedMock && checked !== DEFAULT_OPERATION_PATH)
      throw new InputError('Invalid configuration; nothing was sent', [
        {
          ...where,
          message: `the embedded mock answers at ${DEFAULT_OPERATION_PATH} only: unset OICP_OPERATION_PATH, or set OICP_BASE_URL to the target it belongs to`,
        },
      ]);
    return checked;
  }
  if (embeddedMock || data.operationPath === undefined) return DEFAULT_OPERATION_PATH;
  const written = resolve(data.operationPath, ['operationPath']);
  return checkOperationPath(written, { ...source.problem(['operationPath'], ''), field: 'operationPath' });
}

/** The profile's `expectations:`, one entry per overridden expectation, each with its place in the file. */
function expectationOverrides(
  written: Record<string, OverrideValues> | undefined,
  source: YamlSource,
): ExpectationOverride[] {
  const overrides: ExpectationOverride[] = [];
  for (const [scenario, values] of Object.entries(written ?? {})) {
    for (const [key, value] of Object.entries(values)) {
      if (key !== 'fields') {
        overrides.push({
          scenario,
          expectation: key as ExpectationKey,
          value,
          at: source.problem(['expectations', scenario, key], ''),
        });
        continue;
      }
      for (const [path, matcher] of Object.entries(value as Record<string, Matcher>))
        overrides.push({
          scenario,
          expectation: `fields.${path}`,
          value: matcher,
          at: source.problem(['expectations', scenario, 'fields', path], ''),
        });
    }
  }
  return overrides;
}

function invalidAnswer(
  kind: RuleKind,
  given: { status: number; body?: ResponseBodyKind } | undefined,
): InvalidRequestAnswer {
  if (!given) return DEFAULT_INVALID_REQUESTS[kind];
  return { status: given.status, body: given.body ?? defaultBodyKind(given.status) };
}
