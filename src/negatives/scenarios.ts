import path from 'node:path';
import type { Profile } from '../config/profile.ts';
import { YamlSource } from '../input/yaml-file.ts';
import { dataDir } from '../paths.ts';
import { resolveScenario } from '../scenarios/resolve.ts';
import type { Basis, Scenario } from '../scenarios/types.ts';
import { type SchemaRegistry, schemaId } from '../schemas/registry.ts';
import { type BaseRequest, NegativeCaseDeriver, type NegativeVariant } from './derive.ts';

export const BASE_REQUESTS_FILE = path.join(dataDir, 'negatives', 'base-requests.yaml');
export const GENERATED_FEATURE = 'Negative cases derived from the request schema';
const SCHEMA_FILE = 'schemas/oicp/eRoamingAuthorizeStart.schema.json';
const SCHEMA_DOC =
  'https://hubject.github.io/oicp-cpo-2.3-api-doc/#tag/eRoamingAuthorization/operation/eRoamingAuthorizeStart_v2.1';

/** The base requests, validated and with the profile's values filled in. */
export function loadBaseRequests(
  registry: SchemaRegistry,
  profile: Profile,
  file = BASE_REQUESTS_FILE,
): BaseRequest[] {
  const source = YamlSource.read(file, 'negative-case base requests');
  source.validate(registry, schemaId('negative-bases.schema.json'), 'negative-case base requests');
  const { bases } = source.data as { bases: BaseRequest[] };
  // A base needing test data the target does not offer yields no variants there.
  const usable = (base: BaseRequest) =>
    !Object.keys(profile.unavailable).some((name) => JSON.stringify(base.body).includes(`{{${name}}}`));
  return bases.flatMap((base, index) => {
    if (!usable(base)) return [];
    const asScenario: Scenario = {
      id: base.name,
      title: base.name,
      feature: GENERATED_FEATURE,
      severity: 'normal',
      tags: [],
      invalid: false,
      request: { operatorId: '', body: base.body },
      expect: { status: 200, body: 'any', fields: {} },
      source: { file: source.displayPath, line: source.locate(['bases', index]).line ?? 1 },
    };
    return [{ name: base.name, body: resolveScenario(asScenario, profile.variables).request.body }];
  });
}

function toScenario(variant: NegativeVariant, profile: Profile): Scenario {
  const answer = profile.invalidRequests[variant.kind];
  const outcome =
    variant.kind === 'enforced'
      ? `rejected with HTTP ${answer.status}`
      : `answered with HTTP ${answer.status} (a lint-only rule: the target does not enforce it)`;
  return {
    id: variant.id,
    // The title stays short; the full mutation (with the pattern it breaks) is in the description.
    title: `${variant.mutation.split(', which breaks')[0]} (${variant.keyword}): ${outcome}`,
    feature: GENERATED_FEATURE,
    story: variant.rule,
    description: `Rule ${variant.rule} (${variant.kind}) of ${SCHEMA_FILE}, broken in a copy of the valid base request '${variant.base}': ${variant.mutation}. Our request schema must reject it before it is sent; the target must answer it the way profile '${profile.name}' says it answers ${variant.kind === 'enforced' ? 'requests breaking an enforced rule' : 'requests breaking a lint-only rule'}.`,
    severity: 'normal',
    tags: ['negative', 'generated', variant.kind],
    reference: SCHEMA_DOC,
    invalid: true,
    request: { operatorId: variant.operatorId, body: variant.body },
    expect: {
      status: answer.status,
      body: answer.body,
      fields: {},
      basis: { default: basisOfVariant(variant, profile), byExpectation: {} },
    },
    source: { file: SCHEMA_FILE, line: 1 },
  };
}

/**
 * A broken enforced rule is a broken OICP type rule, which Hubject rejects (its authorization API export:
 * HTTP 400 "Validation error" with a FaultBody). That a lint-only rule is not enforced is our assumption
 * (docs/errata.md, "Lint rules versus server rules").
 */
function basisOfVariant(variant: NegativeVariant, profile: Profile): Basis {
  if (variant.kind === 'enforced' && / instead of a string$/.test(variant.mutation)) {
    return {
      kind: 'assumption',
      citation: `${variant.rule}: OICP types the field as a string; whether Hubject's JSON binding rejects a number or converts it to a string (as Java JSON binders do by default) is not documented`,
    };
  }
  return variant.kind === 'enforced'
    ? {
        kind: 'rule',
        citation: `OICP 2.3 eRoamingAuthorizeStart, rule ${variant.rule}; a request breaking it is rejected (Hubject's authorization API export: HTTP 400 "Validation error" with a FaultBody; profile '${profile.name}' invalidRequests.enforced)`,
      }
    : {
        kind: 'assumption',
        citation: `${variant.rule} is a lint-only rule of ours: Hubject is not known to enforce it, so the request is answered as usual (docs/errata.md, "Lint rules versus server rules"; profile '${profile.name}' invalidRequests.lint)`,
      };
}

/** One scenario per rule of the request schema, made from the base requests with the profile's values. */
export function generatedNegativeScenarios(registry: SchemaRegistry, profile: Profile): Scenario[] {
  const variants = new NegativeCaseDeriver(registry).derive(loadBaseRequests(registry, profile));
  return variants.map((variant) => toScenario(variant, profile));
}
