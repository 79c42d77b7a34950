import { loadProfile, type Profile } from '../config/profile.ts';
import { loadScenarios } from '../scenarios/load.ts';
import { checkPlaceholders } from '../scenarios/resolve.ts';
import type { Scenario } from '../scenarios/types.ts';
import { type SchemaRegistry, schemaRegistry } from '../schemas/registry.ts';

export interface Suite {
  schemas: SchemaRegistry;
  profile: Profile;
  scenarios: Scenario[];
}

let loaded: Suite | undefined;

/**
 * Everything a run needs before the first request: schemas, the profile, every selected scenario and
 * its variables. Throws an InputError (file, line, field) if anything is wrong, so that nothing is sent.
 * Loaded once per process, i.e. once per Playwright worker.
 */
export function loadSuite(env: Record<string, string | undefined> = process.env): Suite {
  if (loaded) return loaded;
  const schemas = schemaRegistry();
  const profile = loadProfile(schemas, env);
  const scenarios = loadScenarios(schemas, env.OICP_SCENARIOS);
  checkPlaceholders(scenarios, profile.variables, profile.name);
  loaded = { schemas, profile, scenarios };
  return loaded;
}
