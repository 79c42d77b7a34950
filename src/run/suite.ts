import { applyExpectationOverrides } from '../config/expectation-overrides.ts';
import { loadProfile, type Profile, variablesOfOtherProfiles } from '../config/profile.ts';
import { InputError } from '../input/errors.ts';
import { generatedNegativeScenarios } from '../negatives/scenarios.ts';
import { REQUEST_PROBLEMS_TITLE, requestProblems } from '../scenarios/lint.ts';
import { DEFAULT_SCENARIOS, loadScenarios, scenarioWrittenAt } from '../scenarios/load.ts';
import { checkPlaceholders, placeholdersOf } from '../scenarios/resolve.ts';
import type { Scenario } from '../scenarios/types.ts';
import { type SchemaRegistry, schemaRegistry } from '../schemas/registry.ts';

/** What a run is made of once loaded: the schemas, the profile and the selected scenarios (not Playwright's Suite). */
export interface LoadedSuite {
  schemas: SchemaRegistry;
  profile: Profile;
  scenarios: Scenario[];
}

/** The word in OICP_SCENARIOS that selects the negative cases generated from the request schema. */
const GENERATED_SELECTION = 'generated';

/**
 * What OICP_SCENARIOS selects: scenario files (file, folder, glob; comma-separated) and/or the generated
 * negative cases (`generated`). Unset: every scenario file and the generated cases.
 */
export function parseSelection(selection: string | undefined): {
  files: string | undefined;
  generated: boolean;
} {
  const parts = (selection ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0 && selection?.trim()) {
    // `OICP_SCENARIOS=','` names nothing: running nothing (or everything) silently would mislead.
    throw new InputError('Invalid configuration; nothing was sent', [
      {
        file: 'OICP_SCENARIOS',
        field: 'OICP_SCENARIOS',
        message: `'${selection}' names no scenario file: give files, folders or globs (comma-separated) and/or '${GENERATED_SELECTION}', or unset it to run everything`,
      },
    ]);
  }
  if (parts.length === 0) return { files: undefined, generated: true };
  const files = parts.filter((p) => p !== GENERATED_SELECTION);
  return { files: files.length > 0 ? files.join(',') : '', generated: files.length < parts.length };
}

let loaded: LoadedSuite | undefined;

/**
 * Everything a run needs before the first request: schemas, the profile, every selected scenario and
 * its variables. Throws an InputError (file, line, field) if anything is wrong, so that nothing is sent.
 * Loaded once per process, i.e. once per Playwright worker.
 */
export function loadSuite(env: Record<string, string | undefined> = process.env): LoadedSuite {
  loaded ??= loadSuiteFresh(env);
  return loaded;
}

/** The same, without the per-process cache (tests, tools). */
export function loadSuiteFresh(env: Record<string, string | undefined>): LoadedSuite {
  const schemas = schemaRegistry();
  const profile = loadProfile(schemas, env);
  const selection = parseSelection(env.OICP_SCENARIOS);
  const scenarios =
    selection.files === '' ? [] : loadScenarios(schemas, selection.files ?? DEFAULT_SCENARIOS);
  const elsewhere = variablesOfOtherProfiles(schemas, profile.name, env);
  checkPlaceholders(scenarios, profile.variables, profile.name, new Set(elsewhere.keys()));
  for (const scenario of scenarios) {
    const missing = unmetRequirement(scenario, profile) ?? missingTestData(scenario, profile, elsewhere);
    if (missing) {
      scenario.skipReason = missing.reason;
      scenario.enableWith = missing.settings;
    }
  }
  // Every request as it will be sent, before anything is: a mistake in a body is found here, with its line.
  const lint = requestProblems(scenarios, profile, schemas, scenarioWrittenAt);
  if (lint.length > 0) throw new InputError(REQUEST_PROBLEMS_TITLE, lint);
  if (selection.generated) scenarios.push(...generatedNegativeScenarios(schemas, profile));
  // The profile's calibrated expectations, checked against the whole catalogue (not only this selection).
  applyExpectationOverrides(scenarios, profile, () => [
    ...loadScenarios(schemas, DEFAULT_SCENARIOS),
    ...generatedNegativeScenarios(schemas, profile),
  ]);
  return { schemas, profile, scenarios };
}

/**
 * Why a scenario that needs a target with (or without) a TLS client certificate cannot say anything against
 * this one: the comparison of certificate and OperatorID (OICP 2.3, 01 Communication Paradigms, Security) needs
 * a certificate; the partner check behind it is only reached without one.
 */
function unmetRequirement(
  scenario: Scenario,
  profile: Profile,
): { reason: string; settings: string[] } | undefined {
  const hasCertificate = Boolean(profile.tls.clientCert || profile.tls.pfx);
  if (scenario.requires === 'client-certificate' && !hasCertificate)
    return {
      reason:
        'needs a target reached over mutual TLS: the profile sends no client certificate (OICP_CLIENT_CERT and OICP_CLIENT_KEY, or OICP_CLIENT_PFX), so the target cannot compare the OperatorID with one',
      settings: [],
    };
  if (scenario.requires === 'no-client-certificate' && hasCertificate)
    return {
      reason:
        'needs a target reached without a client certificate: with one, Hubject compares the OperatorID with the certificate first and answers 017 before any other check',
      settings: [],
    };
  return undefined;
}

/**
 * Why a scenario cannot run against this profile, if it cannot, and what would enable it: test data the
 * profile leaves empty (`${NAME:-}`: the environment variables to set), or a variable only other profiles
 * define (the profile file to add it to). Undefined when every placeholder resolves.
 */
function missingTestData(
  scenario: Scenario,
  profile: Profile,
  elsewhere: ReadonlyMap<string, string[]>,
): { reason: string; settings: string[] } | undefined {
  const used = placeholdersOf(scenario);
  const empty = used.filter((name) => Object.hasOwn(profile.unavailable, name));
  const undefinedHere = used.filter((name) => !Object.hasOwn(profile.variables, name) && elsewhere.has(name));
  if (empty.length === 0 && undefinedHere.length === 0) return undefined;
  const variablesToSet = [
    ...new Set(empty.flatMap((name) => (profile.unavailable[name] ?? name).split(/,\s*/))),
  ];
  const reasons: string[] = [];
  if (empty.length > 0)
    reasons.push(
      `no test data for ${empty.map((m) => `{{${m}}}`).join(', ')} (set ${variablesToSet.join(', ')})`,
    );
  if (undefinedHere.length > 0) {
    const definedIn = [...new Set(undefinedHere.flatMap((m) => elsewhere.get(m) ?? []))];
    reasons.push(
      `no variable ${undefinedHere.map((m) => `{{${m}}}`).join(', ')} (defined in profile ${definedIn.map((p) => `'${p}'`).join(', ')}; add it to ${profile.file})`,
    );
  }
  return {
    reason: `profile '${profile.name}' has ${reasons.join(', and ')}`,
    settings: [...variablesToSet, ...undefinedHere.map((name) => `{{${name}}} in ${profile.file}`)],
  };
}
