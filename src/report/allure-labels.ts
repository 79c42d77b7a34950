import * as allure from 'allure-js-commons';
import type { Profile } from '../config/profile.ts';
import type { Scenario } from '../scenarios/types.ts';

export const EPIC = 'OICP 2.3 eRoamingAuthorizeStart';
export const OPERATION_DOC =
  'https://hubject.github.io/oicp-cpo-2.3-api-doc/#tag/eRoamingAuthorization/operation/eRoamingAuthorizeStart_v2.1';

const IDENTIFICATION_MEMBERS = [
  'RFIDMifareFamilyIdentification',
  'QRCodeIdentification',
  'PlugAndChargeIdentification',
  'RemoteIdentification',
  'RFIDIdentification',
];

/** The identification type a scenario sends, for grouping and filtering in the report. */
export function identificationType(scenario: Scenario): string {
  const body = scenario.request.body as { Identification?: Record<string, unknown> } | undefined;
  const members = Object.keys(body?.Identification ?? {}).filter((key) =>
    IDENTIFICATION_MEMBERS.includes(key),
  );
  return members.length === 0 ? 'none' : members.join(' + ');
}

/** Allure labels, links and parameters of a scenario (epic/feature/story, severity, tags, ids, target). */
export async function labelScenario(scenario: Scenario, profile: Profile): Promise<void> {
  await allure.epic(EPIC);
  await allure.feature(scenario.feature);
  if (scenario.story) await allure.story(scenario.story);
  await allure.severity(scenario.severity);
  await allure.label('scenarioId', scenario.id);
  await allure.label('targetProfile', profile.name);
  if (scenario.description) await allure.description(scenario.description);
  await allure.parameter('identification', identificationType(scenario));
  await allure.parameter('target', profile.baseUrl);
  await allure.link(scenario.reference ?? OPERATION_DOC, 'OICP documentation', 'oicp');
  await allure.label('scenarioSource', `${scenario.source.file}:${scenario.source.line}`);
}
