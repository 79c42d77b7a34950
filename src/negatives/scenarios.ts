import path from 'node:path';
import { DEFAULT_INVALID_REQUESTS, type InvalidRequestAnswer, type Profile } from '../config/profile.ts';
import { YamlSource } from '../input/yaml-file.ts';
import { dataDir } from '../paths.ts';
import { type RequestDefect, requestDefectBasis } from '../scenarios/defect-basis.ts';
import { resolveScenario } from '../scenarios/resolve.ts';
import { loadStatements, type Statements } from '../scenarios/statements.ts';
import type { Basis, Scenario } from '../scenarios/types.ts';
import { type SchemaRegistry, schemaId } from '../schemas/registry.ts';
import { type BaseRequest, NegativeCaseDeriver, type NegativeVariant } from './derive.ts';

const BASE_REQUESTS_FILE = path.join(dataDir, 'negatives', 'base-requests.yaml');
const GENERATED_FEATURE = 'Negative cases derived from the request schema';
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

function toScenario(variant: NegativeVariant, profile: Profile, statements: Statements): Scenario {
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
      basis: { default: basisOfVariant(variant, profile, statements), byExpectation: {} },
    },
    source: { file: SCHEMA_FILE, line: 1 },
    ...relaxedBy(variant, answer, profile),
  };
}

/**
 * A request breaking an enforced rule gets what Hubject's contract says (HTTP 400, FaultBody); a profile that
 * expects something else there relaxes that rule for the scenario, which says so wherever it is reported.
 */
function relaxedBy(
  variant: Pick<NegativeVariant, 'kind'>,
  answer: InvalidRequestAnswer,
  profile: Profile,
): Pick<Scenario, 'relaxedByProfile'> {
  const contract = DEFAULT_INVALID_REQUESTS.enforced;
  if (variant.kind !== 'enforced') return {};
  if (answer.status === contract.status && answer.body === contract.body) return {};
  return {
    relaxedByProfile: [
      {
        setting: 'invalidRequests.enforced',
        contract: `HTTP ${contract.status} with a ${contract.body}`,
        accepted: `HTTP ${answer.status} with ${answer.body === 'any' ? 'any body' : `a ${answer.body}`}`,
        profile: profile.name,
      },
    ],
  };
}

/**
 * A variant's defect, as far as the target's answer goes: a lint-only rule, a value of another JSON type, or a
 * field rule Hubject's server validates. Its basis comes from the same source as a hand-written scenario's
 * (`requestDefect`), so the same defect never gets opposite verdicts.
 */
export function defectOfVariant(variant: Pick<NegativeVariant, 'kind' | 'keyword'>): RequestDefect {
  if (variant.kind === 'lint') return 'lint';
  return variant.keyword === 'type' ? 'type' : 'validation';
}

function basisOfVariant(variant: NegativeVariant, profile: Profile, statements: Statements): Basis {
  const basis = requestDefectBasis(defectOfVariant(variant), statements);
  return {
    ...basis,
    citation: `${variant.rule}: ${basis.citation} (profile '${profile.name}' invalidRequests.${variant.kind})`,
  };
}

/** One scenario per rule of the request schema, made from the base requests with the profile's values. */
export function generatedNegativeScenarios(registry: SchemaRegistry, profile: Profile): Scenario[] {
  const variants = new NegativeCaseDeriver(registry).derive(loadBaseRequests(registry, profile));
  const statements = loadStatements(registry);
  return variants.map((variant) => toScenario(variant, profile, statements));
}
