import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Profile } from '../config/profile.ts';
import { operationUrl } from '../exchange/request.ts';
import { projectRoot } from '../paths.ts';

const require = createRequire(import.meta.url);

function readVersion(packageJson: string): string {
  try {
    return (JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The suite's own version (package.json), as the report states it. */
function suiteVersion(): string {
  return readVersion(path.join(projectRoot, 'package.json'));
}

function playwrightVersion(): string {
  return readVersion(require.resolve('@playwright/test/package.json'));
}

function targetKind(profile: Profile, env: Record<string, string | undefined>): string {
  if (profile.startEmbeddedMock) return 'embedded mock, started by the run';
  if (profile.mockCommand) return 'mock started by OICP_MOCK_COMMAND';
  if (env.OICP_BASE_URL?.trim()) return 'target set by OICP_BASE_URL';
  return profile.description;
}

/**
 * The Allure report's environment table: what was tested, with what, and when. Only values that are
 * safe to publish (no OperatorID, cards, certificates or secrets: those stay in the redacted evidence).
 */
export function reportEnvironment(
  profile: Profile,
  runStart: Date = new Date(),
  env: Record<string, string | undefined> = process.env,
): Record<string, string> {
  return {
    target: profile.baseUrl,
    profile: `${profile.name} (${targetKind(profile, env)})`,
    'OICP version': '2.3',
    endpoint: `eRoamingAuthorizeStart v2.1, POST ${new URL(operationUrl(profile.baseUrl, '{operatorID}', profile.operationPath)).pathname.replace('%7BoperatorID%7D', '{operatorID}')}`,
    'time budget': `${profile.timeBudgetMs} ms`,
    suite: `oicp-authorize-start-conformance ${suiteVersion()}`,
    node: process.version,
    playwright: playwrightVersion(),
    'run start': runStart.toISOString(),
  };
}
