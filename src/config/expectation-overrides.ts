import { formatLocation, InputError, type InputProblem } from '../input/errors.ts';
import { basisOf, describeExpectation, expectationKeys } from '../scenarios/basis.ts';
import { defaultBodyKind } from '../scenarios/load.ts';
import { generatorNames, placeholderNames } from '../scenarios/resolve.ts';
import type {
  AuthorizationStatus,
  ExpectationKey,
  Matcher,
  ProfileExpectation,
  ResponseBodyKind,
  Scenario,
} from '../scenarios/types.ts';
import { closestAll } from '../text.ts';
import type { ExpectationOverride, Profile } from './profile.ts';

/**
 * A profile's per-scenario expectation overrides (`expectations:` in data/environments/<profile>.yaml): what
 * this target was observed to answer where the catalogue states observed Hubject behaviour or an assumption.
 * The nightly adapts to what QA answers without editing the shared catalogue; an OICP rule is never the
 * profile's to change. Checked before anything is sent, every problem with its file, line and field.
 *
 * An applied override keeps its provenance: its basis becomes `observed` with the profile named (the
 * report, verdicts.json and the console say "observed, profile '<name>'"), and the scenario lists what the
 * catalogue expected (`fromProfile`).
 */

/**
 * Applies the profile's overrides to the selected scenarios (in place: each overridden scenario is replaced
 * by its adjusted copy) and returns how many were applied. An override of a scenario the selection does
 * not hold is checked against the whole catalogue (`catalogue`, loaded only when needed) and left out; one
 * that names no scenario at all, an expectation the scenario does not make, or one whose basis is an OICP
 * rule is an InputError.
 */
export function applyExpectationOverrides(
  scenarios: Scenario[],
  profile: Pick<Profile, 'name' | 'file' | 'expectations' | 'variables' | 'unavailable'>,
  catalogue: () => readonly Scenario[],
): number {
  if (profile.expectations.length === 0) return 0;
  const selected = new Map(scenarios.map((s, index) => [s.id, index]));
  let everything: Map<string, Scenario> | undefined;
  const fromCatalogue = (id: string): Scenario | undefined => {
    everything ??= new Map(catalogueOrNothing(catalogue).map((s) => [s.id, s]));
    return everything.get(id);
  };
  const problems: InputProblem[] = [];
  const byScenario = new Map<number, ExpectationOverride[]>();
  for (const override of profile.expectations) {
    const index = selected.get(override.scenario);
    const scenario = index === undefined ? fromCatalogue(override.scenario) : scenarios[index];
    if (!scenario) {
      const known = [...new Set([...selected.keys(), ...(everything?.keys() ?? [])])];
      const suggestions = closestAll(override.scenario, known);
      problems.push(
        problem(
          override,
          `no scenario '${override.scenario}' in the catalogue or the selection${suggestions.length > 0 ? `; did you mean ${suggestions.join(' or ')}?` : ''}`,
        ),
      );
      continue;
    }
    const wrong = overrideProblem(scenario, override, profile);
    if (wrong) {
      problems.push(problem(override, wrong));
      continue;
    }
    if (index !== undefined) byScenario.set(index, [...(byScenario.get(index) ?? []), override]);
  }
  if (problems.length > 0)
    throw new InputError(
      `The expectations of profile '${profile.name}' do not fit the catalogue; nothing was sent`,
      problems,
    );
  let applied = 0;
  for (const [index, overrides] of byScenario) {
    scenarios[index] = withOverrides(scenarios[index] as Scenario, overrides, profile.name);
    applied += overrides.length;
  }
  return applied;
}

function catalogueOrNothing(catalogue: () => readonly Scenario[]): readonly Scenario[] {
  try {
    return catalogue();
  } catch {
    // The catalogue itself does not load (it is not this run's selection): an override naming one of its
    // scenarios is then reported as unknown, which names the selection as well.
    return [];
  }
}

function problem(override: ExpectationOverride, message: string): InputProblem {
  return { ...override.at, message };
}

/** Why this override cannot apply to this scenario, or undefined when it can. */
function overrideProblem(
  scenario: Scenario,
  override: ExpectationOverride,
  profile: Pick<Profile, 'variables' | 'unavailable'>,
): string | undefined {
  const key = override.expectation;
  const made = expectationKeys(scenario);
  if (!made.includes(key)) {
    return `scenario '${scenario.id}' makes no ${key} expectation (it expects: ${made.join(', ')}); an override replaces an expectation of the catalogue, it does not add one`;
  }
  const basis = basisOf(scenario, key);
  if (basis.kind === 'rule') {
    const where = `${scenario.source.file}:${scenario.source.line}`;
    return basis.stated
      ? `scenario '${scenario.id}' (${where}) states ${key} as an OICP rule (${basis.citation}): a profile can only calibrate observed behaviour and assumptions, never a rule`
      : `scenario '${scenario.id}' (${where}) states no basis for ${key}, so it is the scenario's own rule: change the scenario, or give the expectation an observed or assumption basis there`;
  }
  for (const name of placeholderNames(JSON.stringify(override.value))) {
    if (generatorNames.includes(name)) continue;
    if (!Object.hasOwn(profile.variables, name))
      return `unknown variable {{${name}}}: the profile defines no such variable`;
    if (Object.hasOwn(profile.unavailable, name))
      return `{{${name}}} is empty in this profile (set ${profile.unavailable[name]})`;
  }
  return undefined;
}

/** The scenario with the overrides in place of the catalogue's expectations, each with its provenance. */
function withOverrides(scenario: Scenario, overrides: ExpectationOverride[], profileName: string): Scenario {
  const expect = { ...scenario.expect, fields: { ...scenario.expect.fields } };
  const byExpectation = { ...(scenario.expect.basis?.byExpectation ?? {}) };
  const fromProfile: ProfileExpectation[] = [];
  const overridesBody = overrides.some((o) => o.expectation === 'body');
  const record = (key: ExpectationKey, source: string, note = '') => {
    const catalogue = basisOf(scenario, key);
    const adjusted = { expect: { ...expect, basis: scenario.expect.basis } };
    fromProfile.push({
      expectation: key,
      expected: describeExpectation(adjusted, key),
      catalogue: {
        expected: describeExpectation(scenario, key),
        basis: catalogue.kind,
        citation: catalogue.citation,
      },
      profile: profileName,
      source,
    });
    byExpectation[key] = {
      kind: catalogue.kind === 'rule' ? 'rule' : 'observed',
      citation: `profile '${profileName}' (${source})${note}: calibrated against its target; the catalogue expected ${describeExpectation(scenario, key)} (${catalogue.kind}: ${catalogue.citation})`,
      profile: profileName,
    };
  };
  for (const override of overrides) {
    const source = formatLocation(override.at);
    const key = override.expectation;
    if (key === 'status') {
      expect.status = override.value as number;
      // A body that followed the old status (a 400's FaultBody) follows the new one: the body expectation
      // was about an answer of the old status.
      const followed = scenario.expect.body === defaultBodyKind(scenario.expect.status);
      if (!overridesBody && followed && defaultBodyKind(expect.status) !== expect.body) {
        expect.body = defaultBodyKind(expect.status);
        if (expectationKeys(scenario).includes('body') && expect.body !== 'any')
          record('body', source, `, following its status ${expect.status}`);
      }
    } else if (key === 'body') expect.body = override.value as ResponseBodyKind;
    else if (key === 'authorizationStatus')
      expect.authorizationStatus = override.value as AuthorizationStatus;
    else if (key === 'statusCode') expect.statusCode = override.value as string;
    else expect.fields[key.slice('fields.'.length)] = override.value as Matcher;
    record(key, source);
  }
  return {
    ...scenario,
    expect: {
      ...expect,
      basis: {
        ...(scenario.expect.basis?.default ? { default: scenario.expect.basis.default } : {}),
        byExpectation,
      },
    },
    fromProfile,
  };
}

/** The report's words for a scenario's expectations from the profile (an attachment of the scenario). */
export function describeProfileExpectations(scenario: Pick<Scenario, 'fromProfile'>): string {
  return (scenario.fromProfile ?? [])
    .map((p) =>
      [
        `${p.expectation}: expects ${p.expected}`,
        `  from profile '${p.profile}' (${p.source}), calibrated against its target`,
        `  the catalogue expects ${p.catalogue.expected} (${p.catalogue.basis}: ${p.catalogue.citation})`,
      ].join('\n'),
    )
    .join('\n\n');
}
