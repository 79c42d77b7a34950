import fs from 'node:fs';
import { parse } from 'yaml';
import { loadProfile } from '../../src/config/profile.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';

/**
 * The environment that feeds the QA profile with the embedded mock's test data: every OICP_QA_* variable
 * of data/environments/qa.yaml gets the mock profile's value of the same profile variable. New QA variables
 * follow automatically.
 */
export function qaEnvironmentFromMockData(): Record<string, string> {
  const mockValues = loadProfile(schemaRegistry(), {}).variables;
  const qa = parse(fs.readFileSync('data/environments/qa.yaml', 'utf8')) as {
    variables: Record<string, string>;
  };
  const env: Record<string, string> = { OICP_ENV: 'qa' };
  for (const [name, value] of Object.entries(qa.variables)) {
    const variable = /\$\{([A-Z0-9_]+)/.exec(value)?.[1];
    if (variable && mockValues[name] !== undefined) env[variable] = mockValues[name];
  }
  return env;
}
