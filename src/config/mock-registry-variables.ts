import fs from 'node:fs';
import path from 'node:path';
import { formatLocation, InputError, type InputProblem, type SourceLocation } from '../input/errors.ts';
import { YamlSource } from '../input/yaml-file.ts';
import { dataDir, projectRoot } from '../paths.ts';
import { type SchemaRegistry, schemaId } from '../schemas/registry.ts';

/**
 * The embedded mock's test data defines the mock profile's values for its own entries: a test card, contract,
 * operator or EVSE of data/mock/registry.yaml may carry `variable: myFleetUid` (its ID as {{myFleetUid}}) and
 * `variables: { providerId: …, pin: … }` (its other values). A profile of the embedded mock (`embeddedMock:
 * true`) takes them, so that adding a card for the mock is one edit (docs/scenarios.md, "A new test card in
 * one place"). Read here as data with our own schema of the file: the suite never imports the mock.
 */

export const DEFAULT_MOCK_REGISTRY = path.join(dataDir, 'mock', 'registry.yaml');

/** One profile value an entry of the registry defines. */
export interface RegistryVariable {
  value: string;
  /** Where the variable is named, for messages (`data/mock/registry.yaml:61:5`). */
  location: SourceLocation;
}

/**
 * The registry file of the embedded mock: `OICP_MOCK_REGISTRY` (relative to the working directory or the
 * project root), else data/mock/registry.yaml. The embedded mock is started with the same file.
 */
export function mockRegistryFile(env: Record<string, string | undefined> = process.env): string {
  const given = env.OICP_MOCK_REGISTRY?.trim();
  if (!given) return DEFAULT_MOCK_REGISTRY;
  for (const base of [process.cwd(), projectRoot]) {
    const candidate = path.resolve(base, given);
    if (fs.existsSync(candidate)) return candidate;
  }
  // Not found: reading it names the file and says so.
  return path.resolve(given);
}

interface Outcome {
  status: string;
  providerId?: string;
}
interface Entry {
  variable?: string;
  variables?: Record<string, string>;
  outcome?: Outcome;
  pin?: string;
}
interface RegistryData {
  operators: Array<Entry & { operatorId: string; evses?: Array<Entry & { evseId: string }> }>;
  rfidCards: Array<Entry & { uid: string }>;
  contracts: Array<Entry & { evcoId: string }>;
}

/** Every variable the registry's entries define, by name; a name defined twice is an error naming both places. */
export function mockRegistryVariables(
  registry: SchemaRegistry,
  file: string = DEFAULT_MOCK_REGISTRY,
): Map<string, RegistryVariable> {
  const what = `mock registry${file === DEFAULT_MOCK_REGISTRY ? '' : ' (OICP_MOCK_REGISTRY)'}`;
  const source = YamlSource.read(file, what);
  source.validate(registry, schemaId('mock-registry.schema.json'), what);
  const data = source.data as RegistryData;
  const found = new Map<string, RegistryVariable>();
  const problems: InputProblem[] = [];

  const define = (at: (string | number)[], name: string, value: string | undefined, what: string) => {
    if (value === undefined) {
      problems.push(source.problem(at, `names {{${name}}} for the ${what}, but this entry has none`));
      return;
    }
    const location = { file: source.displayPath, ...source.locate(at) };
    const first = found.get(name);
    if (first) {
      problems.push({
        ...location,
        field: source.problem(at, '').field,
        message: `{{${name}}} is defined twice (first at ${formatLocation(first.location)}): each variable names one value`,
      });
      return;
    }
    found.set(name, { value, location });
  };
  const entry = (at: (string | number)[], item: Entry, id: string, idName: string) => {
    if (item.variable !== undefined) define([...at, 'variable'], item.variable, id, idName);
    for (const [key, name] of Object.entries(item.variables ?? {})) {
      const value = key === 'providerId' ? item.outcome?.providerId : key === 'pin' ? item.pin : undefined;
      define(
        [...at, 'variables', key],
        name,
        value,
        key === 'providerId' ? 'ProviderID of its outcome' : key,
      );
    }
  };

  for (const [index, operator] of data.operators.entries()) {
    entry(['operators', index], operator, operator.operatorId, 'OperatorID');
    for (const [evseIndex, evse] of (operator.evses ?? []).entries())
      entry(['operators', index, 'evses', evseIndex], evse, evse.evseId, 'EvseID');
  }
  for (const [index, card] of data.rfidCards.entries()) entry(['rfidCards', index], card, card.uid, 'UID');
  for (const [index, contract] of data.contracts.entries())
    entry(['contracts', index], contract, contract.evcoId, 'EvcoID');
  if (problems.length > 0) throw new InputError(`Invalid ${what}; nothing was sent`, problems);
  return found;
}
