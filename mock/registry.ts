import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { isOicpStatusCode } from './status-codes.ts';
import {
  EVCO_ID_PATTERN,
  EVSE_ID_PATTERN,
  normalisedProviderId,
  OPERATOR_ID_PATTERN,
  PROVIDER_ID_PATTERN,
  UID_PATTERN,
} from './validation.ts';

const projectRoot = path.resolve(import.meta.dirname, '..');
export const DEFAULT_REGISTRY_PATH = path.join(projectRoot, 'data', 'mock', 'registry.yaml');
const REGISTRY_SCHEMA_PATH = path.join(projectRoot, 'schemas', 'mock-registry.schema.json');

/**
 * The names under which the suite's mock profile offers an entry's values to scenarios (`variable`: its ID;
 * `variables`: its other values). Data for the suite only: the mock answers the same with or without them.
 */
interface ProfileVariableNames {
  variable?: string;
  variables?: { providerId?: string; pin?: string };
}

export interface MockOutcome {
  status: 'Authorized' | 'NotAuthorized';
  /** StatusCode.Code of a NotAuthorized answer. */
  code?: string;
  /** ProviderID of an Authorized answer. */
  providerId?: string;
  /** UIDs returned as AuthorizationStopIdentifications of an Authorized answer. */
  stopUids?: string[];
}

interface MockEvse extends Pick<ProfileVariableNames, 'variable'> {
  evseId: string;
  note?: string;
  /** A refusal for every authorization at this EVSE (e.g. 700 out of service); absent: available. */
  outcome?: MockOutcome;
}

interface MockOperator extends Pick<ProfileVariableNames, 'variable'> {
  operatorId: string;
  /** Subject CN of the TLS client certificate that owns this OperatorID (defaults to the OperatorID). */
  certificateIdentity?: string;
  /**
   * The operator's EVSEs, for an operator whose EVSEs the mock knows: an EvseID it does not list is
   * refused with 603. Absent: the mock knows none of its EVSEs and accepts every well-formed EvseID.
   */
  evses?: MockEvse[];
  /**
   * The EMPs (ProviderIDs) under contract with this operator for eRoamingAuthorization, compared normalised
   * (`DE*8EO` = `DE-8EO` = `DE8EO`). An EvcoID of any other provider is refused with 210; an empty list refuses
   * every authorization with 210. Absent: under contract with every EMP.
   */
  empContracts?: string[];
}

interface MockRfidCard extends ProfileVariableNames {
  uid: string;
  note?: string;
  outcome: MockOutcome;
}

interface MockContract extends ProfileVariableNames {
  evcoId: string;
  /** Clear-text PIN of a QR code contract; without one, no QR code authorization can succeed. */
  pin?: string;
  note?: string;
  outcome: MockOutcome;
}

export interface MockRegistryData {
  operators: MockOperator[];
  rfidCards: MockRfidCard[];
  contracts: MockContract[];
}

export interface MockRegistry extends Readonly<MockRegistryData> {
  /** Where the data came from, for messages. */
  readonly source: string;
  operatorById(operatorId: string): MockOperator | undefined;
  cardByUid(uid: string): MockRfidCard | undefined;
  /** The contract under this EvcoID exactly as written (a Plug&Charge EvcoID, which Hubject does not convert). */
  contractByEvcoId(evcoId: string): MockContract | undefined;
  /**
   * The contract whose EvcoID in upper case is this one (a QR code or remote EvcoID, which Hubject upper-cases,
   * and so the authentication data it compares them with).
   */
  contractByUpperCaseEvcoId(evcoId: string): MockContract | undefined;
  /**
   * The normalised ProviderIDs of the EMPs under contract with the operator (`normalisedProviderId`), or null
   * when the operator lists none (then it is under contract with every EMP) or is unknown.
   */
  empContractsOf(operatorId: string): ReadonlySet<string> | null;
  /**
   * The EVSE an operator lists under this EvseID: `undefined` when the operator lists EVSEs but not
   * this one, `null` when the operator lists no EVSEs at all (or is unknown), so nothing can be said.
   */
  evseOf(operatorId: string, evseId: string): MockEvse | null | undefined;
  /** Whether the TLS client identity (certificate subject CN) may act for this OperatorID. */
  identityOwnsOperator(identity: string | null, operatorId: string): boolean;
}

export interface RegistryProblem {
  /** Dotted path, e.g. `rfidCards[2].outcome.code`; empty for the whole file. */
  field: string;
  line?: number;
  column?: number;
  message: string;
}

export class MockRegistryError extends Error {
  readonly source: string;
  readonly problems: RegistryProblem[];

  constructor(source: string, problems: RegistryProblem[]) {
    const lines = problems.map((problem) => {
      const position = problem.line === undefined ? '' : `:${problem.line}:${problem.column ?? 1}`;
      const field = problem.field ? ` ${problem.field}:` : '';
      return `  ${source}${position}${field} ${problem.message}`;
    });
    super(`Invalid mock registry ${source}\n${lines.join('\n')}`);
    this.name = 'MockRegistryError';
    this.source = source;
    this.problems = problems;
  }
}

/** Reads, validates and indexes the registry file (by default `data/mock/registry.yaml`). */
export function loadMockRegistry(file: string = DEFAULT_REGISTRY_PATH): MockRegistry {
  const source = path.relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new MockRegistryError(source, [{ field: '', message: `cannot read the file: ${reason}` }]);
  }
  return parseMockRegistry(text, source);
}

/** Parses registry YAML; `source` names the file in error messages. */
export function parseMockRegistry(text: string, source: string): MockRegistry {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new MockRegistryError(
      source,
      document.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        return { field: '', line: position.line, column: position.col, message: firstLine(error.message) };
      }),
    );
  }

  // Points at the value of a field, or at its key when the key itself is the problem (unknown field).
  const locate = (segments: (string | number)[], atKey: boolean): { line?: number; column?: number } => {
    let node: unknown = document.contents;
    for (const [index, segment] of segments.entries()) {
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && item.key.value === segment);
        next = atKey && index === segments.length - 1 ? pair?.key : pair?.value;
      } else if (isSeq(node)) {
        next = node.get(Number(segment), true);
      }
      if (next === undefined || next === null) break;
      node = next;
    }
    const range = (node as Node | null)?.range;
    if (!range) return {};
    const position = lineCounter.linePos(range[0]);
    return { line: position.line, column: position.col };
  };
  const problemAt = (segments: (string | number)[], message: string, atKey = false): RegistryProblem => ({
    field: fieldName(segments),
    ...locate(segments, atKey),
    message,
  });

  const data: unknown = document.toJS();
  const validateShape = registrySchemaValidator();
  if (!validateShape(data)) {
    const problems = (validateShape.errors ?? []).map((error) => {
      const { segments, message } = describeSchemaError(error);
      return problemAt(segments, message, error.keyword === 'additionalProperties');
    });
    throw new MockRegistryError(source, problems);
  }

  const registryData = data as MockRegistryData;
  const problems = findMeaningProblems(registryData).map(({ segments, message }) =>
    problemAt(segments, message),
  );
  if (problems.length > 0) throw new MockRegistryError(source, problems);
  return createMockRegistry(registryData, source);
}

/** Indexes already-validated registry data. */
export function createMockRegistry(data: MockRegistryData, source = 'in-memory registry'): MockRegistry {
  const operators = new Map(data.operators.map((operator) => [operator.operatorId, operator]));
  const cards = new Map(data.rfidCards.map((card) => [card.uid, card]));
  const contracts = new Map(data.contracts.map((contract) => [contract.evcoId, contract]));
  const contractsInUpperCase = new Map(
    data.contracts.map((contract) => [contract.evcoId.toUpperCase(), contract]),
  );
  const empContracts = new Map(
    data.operators
      .filter((operator) => operator.empContracts !== undefined)
      .map((operator) => [
        operator.operatorId,
        new Set((operator.empContracts ?? []).map(normalisedProviderId)) as ReadonlySet<string>,
      ]),
  );
  const evses = new Map(
    data.operators
      .filter((operator) => operator.evses !== undefined)
      .map((operator) => [
        operator.operatorId,
        new Map((operator.evses ?? []).map((evse) => [evse.evseId, evse])),
      ]),
  );
  return {
    source,
    operators: data.operators,
    rfidCards: data.rfidCards,
    contracts: data.contracts,
    operatorById: (operatorId) => operators.get(operatorId),
    cardByUid: (uid) => cards.get(uid),
    contractByEvcoId: (evcoId) => contracts.get(evcoId),
    contractByUpperCaseEvcoId: (evcoId) => contractsInUpperCase.get(evcoId.toUpperCase()),
    empContractsOf: (operatorId) => empContracts.get(operatorId) ?? null,
    evseOf(operatorId, evseId) {
      const listed = evses.get(operatorId);
      return listed ? listed.get(evseId) : null;
    },
    identityOwnsOperator(identity, operatorId) {
      const operator = operators.get(operatorId);
      if (!operator || identity === null) return false;
      return (operator.certificateIdentity ?? operator.operatorId) === identity;
    },
  };
}

let compiledSchemaValidator: ReturnType<Ajv2020['compile']> | undefined;

function registrySchemaValidator(): ReturnType<Ajv2020['compile']> {
  if (compiledSchemaValidator) return compiledSchemaValidator;
  let schema: unknown;
  try {
    schema = JSON.parse(fs.readFileSync(REGISTRY_SCHEMA_PATH, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot load the mock registry schema ${REGISTRY_SCHEMA_PATH}: ${String(error)}`);
  }
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  compiledSchemaValidator = ajv.compile(schema as object);
  return compiledSchemaValidator;
}

function describeSchemaError(error: ErrorObject): { segments: (string | number)[]; message: string } {
  const segments: (string | number)[] = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
  if (error.keyword === 'required') {
    return { segments: [...segments, String(error.params.missingProperty)], message: 'is required' };
  }
  if (error.keyword === 'additionalProperties') {
    return {
      segments: [...segments, String(error.params.additionalProperty)],
      message: 'is not a known field',
    };
  }
  if (error.keyword === 'enum') {
    return { segments, message: `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}` };
  }
  return { segments, message: error.message ?? error.keyword };
}

/** Rules the schema cannot express: ID formats, duplicates, and outcomes that make sense. */
function findMeaningProblems(data: MockRegistryData): { segments: (string | number)[]; message: string }[] {
  const problems: { segments: (string | number)[]; message: string }[] = [];
  const checkUnique = (list: string, key: string, values: string[]) => {
    const seen = new Set<string>();
    values.forEach((value, index) => {
      if (seen.has(value))
        problems.push({ segments: [list, index, key], message: `duplicate ${key} ${value}` });
      seen.add(value);
    });
  };
  const checkOutcome = (segments: (string | number)[], outcome: MockOutcome) => {
    if (outcome.status === 'Authorized') {
      if (outcome.providerId === undefined) {
        problems.push({
          segments: [...segments, 'providerId'],
          message: 'is required for an Authorized outcome',
        });
      } else if (!PROVIDER_ID_PATTERN.test(outcome.providerId)) {
        problems.push({
          segments: [...segments, 'providerId'],
          message: `is not a ProviderID: ${outcome.providerId}`,
        });
      }
      if (outcome.code !== undefined && outcome.code !== '000') {
        problems.push({
          segments: [...segments, 'code'],
          message: 'must be 000 (or absent) for an Authorized outcome',
        });
      }
      (outcome.stopUids ?? []).forEach((uid, index) => {
        if (!UID_PATTERN.test(uid)) {
          problems.push({ segments: [...segments, 'stopUids', index], message: `is not a UID: ${uid}` });
        }
      });
      return;
    }
    if (outcome.code === undefined) {
      problems.push({ segments: [...segments, 'code'], message: 'is required for a NotAuthorized outcome' });
    } else if (outcome.code === '000' || !isOicpStatusCode(outcome.code)) {
      problems.push({
        segments: [...segments, 'code'],
        message: `must be an OICP refusal code (not 000), got ${outcome.code}`,
      });
    }
    for (const key of ['providerId', 'stopUids'] as const) {
      if (outcome[key] !== undefined) {
        problems.push({ segments: [...segments, key], message: 'only belongs to an Authorized outcome' });
      }
    }
  };

  data.operators.forEach((operator, index) => {
    if (!OPERATOR_ID_PATTERN.test(operator.operatorId)) {
      problems.push({
        segments: ['operators', index, 'operatorId'],
        message: `is not an OperatorID: ${operator.operatorId}`,
      });
    }
  });
  checkUnique(
    'operators',
    'operatorId',
    data.operators.map((operator) => operator.operatorId),
  );

  data.operators.forEach((operator, operatorIndex) => {
    const seen = new Map<string, string>();
    (operator.empContracts ?? []).forEach((providerId, index) => {
      const segments = ['operators', operatorIndex, 'empContracts', index];
      if (!PROVIDER_ID_PATTERN.test(providerId)) {
        problems.push({ segments, message: `is not a ProviderID: ${providerId}` });
        return;
      }
      const normalised = normalisedProviderId(providerId);
      const earlier = seen.get(normalised);
      if (earlier !== undefined) {
        problems.push({
          segments,
          message: `names the same EMP as ${earlier} (compared without separators)`,
        });
        return;
      }
      seen.set(normalised, providerId);
    });
  });

  data.operators.forEach((operator, operatorIndex) => {
    const seen = new Set<string>();
    (operator.evses ?? []).forEach((evse, index) => {
      const segments = ['operators', operatorIndex, 'evses', index];
      if (!EVSE_ID_PATTERN.test(evse.evseId)) {
        problems.push({ segments: [...segments, 'evseId'], message: `is not an EvseID: ${evse.evseId}` });
      }
      if (seen.has(evse.evseId)) {
        problems.push({ segments: [...segments, 'evseId'], message: `duplicate evseId ${evse.evseId}` });
      }
      seen.add(evse.evseId);
      if (evse.outcome === undefined) return;
      // An EVSE can only stand in the way of an authorization; the identification authorizes.
      if (evse.outcome.status === 'Authorized') {
        problems.push({
          segments: [...segments, 'outcome', 'status'],
          message: 'must be NotAuthorized: an EVSE outcome is a refusal (leave it out for an available EVSE)',
        });
        return;
      }
      checkOutcome([...segments, 'outcome'], evse.outcome);
    });
  });

  data.rfidCards.forEach((card, index) => {
    if (!UID_PATTERN.test(card.uid)) {
      problems.push({ segments: ['rfidCards', index, 'uid'], message: `is not a UID: ${card.uid}` });
    }
    checkOutcome(['rfidCards', index, 'outcome'], card.outcome);
  });
  checkUnique(
    'rfidCards',
    'uid',
    data.rfidCards.map((card) => card.uid),
  );

  data.contracts.forEach((contract, index) => {
    if (!EVCO_ID_PATTERN.test(contract.evcoId)) {
      problems.push({
        segments: ['contracts', index, 'evcoId'],
        message: `is not an EvcoID: ${contract.evcoId}`,
      });
    }
    checkOutcome(['contracts', index, 'outcome'], contract.outcome);
  });
  checkUnique(
    'contracts',
    'evcoId',
    data.contracts.map((contract) => contract.evcoId),
  );
  // Hubject upper-cases QR code and remote EvcoIDs: two EvcoIDs that differ only in case would be one contract.
  const inUpperCase = new Map<string, string>();
  data.contracts.forEach((contract, index) => {
    const key = contract.evcoId.toUpperCase();
    const earlier = inUpperCase.get(key);
    if (earlier !== undefined && earlier !== contract.evcoId) {
      problems.push({
        segments: ['contracts', index, 'evcoId'],
        message: `differs from ${earlier} only in case (Hubject upper-cases EvcoIDs)`,
      });
    }
    if (earlier === undefined) inUpperCase.set(key, contract.evcoId);
  });

  return problems;
}

/** `['rfidCards', 2, 'outcome', 'code']` → `rfidCards[2].outcome.code` */
function fieldName(segments: (string | number)[]): string {
  return segments
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${segment}`,
    )
    .join('');
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
