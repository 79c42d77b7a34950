import { loadProfile, type Profile } from '../config/profile.ts';
import { generatedNegativeScenarios } from '../negatives/scenarios.ts';
import { loadScenarios } from '../scenarios/load.ts';
import { checkPlaceholders, placeholdersOf } from '../scenarios/resolve.ts';
import type { Scenario } from '../scenarios/types.ts';
import { type SchemaRegistry, schemaRegistry } from '../schemas/registry.ts';

export interface Suite {
  schemas: SchemaRegistry;
  profile: Profile;
  scenarios: Scenario[];
}

/** The word in OICP_SCENARIOS that selects the negative cases generated from the request schema. */
export const GENERATED_SELECTION = 'generated';

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
  if (parts.length === 0) return { files: undefined, generated: true };
  const files = parts.filter((p) => p !== GENERATED_SELECTION);
  return { files: files.length > 0 ? files.join(',') : '', generated: files.length < parts.length };
}

/**
 * The test data a scenario needs that the profile leaves empty on purpose (`${NAME:-}`): its variables, and
 * the settings (environment variables) that would provide them. A scenario with any is skipped.
 */
export function missingTestData(
  scenario: Scenario,
  profile: Profile,
): { variables: string[]; settings: string[] } {
  const variables = placeholdersOf(scenario).filter((name) => Object.hasOwn(profile.unavailable, name));
  const settings = variables.flatMap((name) => (profile.unavailable[name] ?? name).split(/,\s*/));
  return { variables, settings: [...new Set(settings)] };
}

let loaded: Suite | undefined;

/**
 * Everything a run needs before the first request: schemas, the profile, every selected scenario and
 * its variables. Throws an InputError (file, line, field) if anything is wrong, so that nothing is sent.
 * Loaded once per process, i.e. once per Playwright worker.
 */
export function loadSuite(env: Record<string, string | undefined> = process.env): Suite {
  loaded ??= loadSuiteFresh(env);
  return loaded;
}

/** The same, without the per-process cache (tests, tools). */
export function loadSuiteFresh(env: Record<string, string | undefined>): Suite {
  const schemas = schemaRegistry();
  const profile = loadProfile(schemas, env);
  const selection = parseSelection(env.OICP_SCENARIOS);
  const scenarios = selection.files === '' ? [] : loadScenarios(schemas, selection.files);
  checkPlaceholders(scenarios, profile.variables, profile.name);
  for (const scenario of scenarios) {
    const { variables, settings } = missingTestData(scenario, profile);
    if (variables.length > 0) {
      scenario.skipReason = `profile '${profile.name}' has no test data for ${variables.map((m) => `{{${m}}}`).join(', ')} (set ${settings.join(', ')})`;
    }
  }
  if (selection.generated) scenarios.push(...generatedNegativeScenarios(schemas, profile));
  return { schemas, profile, scenarios };
}
