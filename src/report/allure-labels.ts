import path from 'node:path';
import type { Profile } from '../config/profile.ts';
import { projectRoot } from '../paths.ts';
import type { Scenario } from '../scenarios/types.ts';
import { sendMetadata } from './allure-metadata.ts';
import { IDENTIFICATION_MEMBERS, type OicpType, OPERATION_DOC, typeDocUrl } from './oicp-docs.ts';

export { OPERATION_DOC } from './oicp-docs.ts';

export const EPIC = 'OICP 2.3 eRoamingAuthorizeStart';

/** The tag of a scenario with expectations from the profile, and the label naming each one. */
const FROM_PROFILE_TAG = 'calibrated';
const FROM_PROFILE_LABEL = 'fromProfile';

type Env = Record<string, string | undefined>;

interface AllureLabel {
  name: string;
  value: string;
}
export interface AllureLink {
  url: string;
  name: string;
  type: string;
}
interface AllureParameter {
  name: string;
  value: string;
  /** Excluded parameters are shown but do not split the history (they change from run to run). */
  excluded: boolean;
}

/** Everything the report says about a scenario before it runs. */
export interface ScenarioMetadata {
  testCaseId: string;
  description?: string;
  labels: AllureLabel[];
  links: AllureLink[];
  parameters: AllureParameter[];
  /** OICP types already linked, so that later links (from the applied checks) are not repeated. */
  linkedTypes: OicpType[];
}

/**
 * The Allure test case of a scenario. Allure 3 files history under the test case (md5 of this id) and
 * the parameters that are not excluded, so the history follows the scenario id: renaming a scenario's
 * title, feature or file keeps its history; changing its id starts a new one.
 */
export function scenarioTestCaseId(scenarioId: string): string {
  return `oicp-2.3/eRoamingAuthorizeStart/${scenarioId}`;
}

/** The identification members a scenario sends, for grouping and filtering in the report. */
function identificationMembers(scenario: Scenario): OicpType[] {
  const body = scenario.request.body as { Identification?: Record<string, unknown> } | undefined;
  const keys = Object.keys(body?.Identification ?? {});
  return IDENTIFICATION_MEMBERS.filter((member) => keys.includes(member));
}

/** The identification type a scenario sends (`none` for a request without one). */
export function identificationType(scenario: Scenario): string {
  const members = identificationMembers(scenario);
  return members.length === 0 ? 'none' : members.join(' + ');
}

/**
 * Where the scenario's source can be browsed: `OICP_SOURCE_URL` (a repository browse URL such as
 * `https://github.com/org/repo/blob/main`), else the commit being built on GitHub Actions; always with the
 * line. Undefined when no such place is known, or for a file outside the project: a relative path or a
 * file:// link works on the author's machine only, and the report travels (the scenario's YAML is attached
 * to it instead).
 */
export function scenarioSourceUrl(
  source: { file: string; line: number },
  env: Env = process.env,
): string | undefined {
  const absolute = path.resolve(source.file);
  const relative = path.relative(projectRoot, absolute);
  const inProject = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  const base = env.OICP_SOURCE_URL?.trim() || gitHubBlobUrl(env);
  if (!inProject || !base) return undefined;
  const repoPath = relative.split(path.sep).map(encodeURIComponent).join('/');
  return `${base.replace(/\/+$/, '')}/${repoPath}#L${source.line}`;
}

function gitHubBlobUrl(env: Env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_SHA: sha } = env;
  return server && repository && sha ? `${server}/${repository}/blob/${sha}` : undefined;
}

export function typeLink(type: OicpType): AllureLink {
  return { url: typeDocUrl(type), name: `OICP type ${type}`, type: 'oicp' };
}

/** Labels, links and parameters of a scenario (pure, so that tests can read them without a run). */
export function scenarioMetadata(
  scenario: Scenario,
  profile: Profile,
  env: Env = process.env,
): ScenarioMetadata {
  const labels: AllureLabel[] = [
    { name: 'epic', value: EPIC },
    { name: 'feature', value: scenario.feature },
    ...(scenario.story ? [{ name: 'story', value: scenario.story }] : []),
    { name: 'severity', value: scenario.severity },
    { name: 'scenarioId', value: scenario.id },
    { name: 'scenarioSource', value: `${scenario.source.file}:${scenario.source.line}` },
    // Expectations the profile calibrated: findable with the tag, each named by a label.
    ...(scenario.fromProfile?.length ? [{ name: 'tag', value: FROM_PROFILE_TAG }] : []),
    ...(scenario.fromProfile ?? []).map((p) => ({
      name: FROM_PROFILE_LABEL,
      value: `${p.expectation} (profile ${p.profile})`,
    })),
  ];
  const sourceUrl = scenarioSourceUrl(scenario.source, env);
  const linkedTypes: OicpType[] = ['eRoamingAuthorizeStart', ...identificationMembers(scenario)];
  const links: AllureLink[] = [
    { url: OPERATION_DOC, name: 'OICP eRoamingAuthorizeStart', type: 'oicp' },
    ...(scenario.reference && scenario.reference !== OPERATION_DOC
      ? [{ url: scenario.reference, name: 'Scenario reference', type: 'oicp' }]
      : []),
    ...linkedTypes.map(typeLink),
    ...(sourceUrl
      ? [
          {
            url: sourceUrl,
            name: `Scenario ${scenario.id} (${scenario.source.file}:${scenario.source.line})`,
            type: 'source',
          },
        ]
      : []),
  ];
  const parameters: AllureParameter[] = [
    { name: 'identification', value: identificationType(scenario), excluded: false },
    { name: 'profile', value: profile.name, excluded: false },
    // The target's URL changes with every embedded-mock port: shown, but not part of the history key.
    { name: 'target', value: profile.baseUrl, excluded: true },
    ...(scenario.fromProfile?.length
      ? [
          {
            name: 'expectations from profile',
            value: scenario.fromProfile
              .map((p) => `${p.expected} (catalogue: ${p.catalogue.expected})`)
              .join('; '),
            // Calibrating a profile must not start a new history for the scenario.
            excluded: true,
          },
        ]
      : []),
  ];
  return {
    testCaseId: scenarioTestCaseId(scenario.id),
    description: scenario.description,
    labels,
    links,
    parameters,
    linkedTypes,
  };
}

export async function applyMetadata(metadata: ScenarioMetadata): Promise<void> {
  await sendMetadata({
    testCaseId: metadata.testCaseId,
    labels: metadata.labels,
    links: metadata.links,
    parameters: metadata.parameters.map(({ name, value, excluded }) => ({ name, value, excluded })),
    ...(metadata.description ? { description: metadata.description } : {}),
  });
}
