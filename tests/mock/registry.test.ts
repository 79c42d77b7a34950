import os from 'node:os';
import path from 'node:path';
import {
  createMockRegistry,
  loadMockRegistry,
  MockRegistryError,
  parseMockRegistry,
} from '../../mock/registry.ts';
import { isOicpStatusCode } from '../../mock/status-codes.ts';
import { expect, test } from '../support/test.ts';

const VALID_YAML = `operators:
  - operatorId: 'DE*ABC'
rfidCards:
  - uid: 'AABBCCDD'
    outcome: { status: Authorized, providerId: 'DE*ICE' }
contracts: []
`;

function problemsOf(yamlText: string): { field: string; line?: number; message: string }[] {
  try {
    parseMockRegistry(yamlText, 'fixture.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(MockRegistryError);
    return (error as MockRegistryError).problems;
  }
  throw new Error('expected the registry to be rejected');
}

test.describe('the shipped registry', () => {
  const registry = loadMockRegistry();

  test('knows the five operators and not DE*ZZZ', () => {
    expect(registry.operators.map((operator) => operator.operatorId)).toEqual([
      'DE*ABC',
      '+49*810',
      'DE*NCT',
      'DE*OTH',
      'DE*EVS',
    ]);
    expect(registry.operatorById('DE*ZZZ')).toBeUndefined();
    expect(registry.operatorById('+49*810')?.certificateIdentity).toBe('DE*ABC');
  });

  test('maps certificates to the operators they own', () => {
    expect(registry.identityOwnsOperator('DE*ABC', 'DE*ABC')).toBe(true);
    expect(registry.identityOwnsOperator('DE*ABC', '+49*810')).toBe(true);
    expect(registry.identityOwnsOperator('DE*ABC', 'DE*OTH')).toBe(false);
    expect(registry.identityOwnsOperator('DE*OTH', 'DE*OTH')).toBe(true);
    expect(registry.identityOwnsOperator(null, 'DE*ABC')).toBe(false);
    expect(registry.identityOwnsOperator('DE*ZZZ', 'DE*ZZZ')).toBe(false);
  });

  test('holds the cards and contracts the scenarios rely on', () => {
    expect(registry.cardByUid('044A2DAA856280')?.outcome).toEqual({
      status: 'Authorized',
      providerId: 'DE*ICE',
    });
    // A card or contract refusing with 210 on its own is gone: 210 comes from the operator's contracts.
    expect(registry.cardByUid('11223344556677')).toBeUndefined();
    expect(registry.contractByEvcoId('DE8EOAet5e43')).toBeUndefined();
    expect(registry.cardByUid('AABBCCDD')?.outcome).toEqual({
      status: 'Authorized',
      providerId: 'DE-8EO',
      stopUids: ['AABBCCDD', 'AABBCCDD00112233EEFF'],
    });
    expect(registry.cardByUid('0011223344556677889A')?.outcome.providerId).toBe('DE*ICE');
    expect(registry.cardByUid('DEADBEEF')).toBeUndefined();
    expect(registry.contractByEvcoId('DE-8EO-CAet5e4XY-3')).toMatchObject({
      pin: '1234',
      outcome: { status: 'Authorized', providerId: 'DE-8EO' },
    });
    expect(registry.contractByEvcoId('DE*8EO*Aet5e4*3')?.pin).toBeUndefined();
    expect(registry.contractByEvcoId('DE*8EO*QRC001*7')).toMatchObject({
      pin: '2468',
      outcome: { status: 'Authorized', providerId: 'DE*8EO' },
    });
    expect(registry.contractByEvcoId('DE-8EO-CPNC00001-7')?.outcome).toEqual({
      status: 'Authorized',
      providerId: 'DE-8EO',
    });
  });

  test("knows the EMP contracts of DE*ABC's CPO and of DE*NCT only", () => {
    const abc = [...(registry.empContractsOf('DE*ABC') ?? [])].sort();
    expect(abc).toEqual(['DE8EO', 'DEICE', 'DENAV', 'DENRS']);
    expect([...(registry.empContractsOf('+49*810') ?? [])].sort()).toEqual(abc);
    expect(registry.empContractsOf('DE*NCT')?.size).toBe(0);
    expect(registry.empContractsOf('DE*OTH')).toBeNull();
    expect(registry.empContractsOf('DE*EVS')).toBeNull();
    expect(registry.empContractsOf('DE*ZZZ')).toBeNull();
    // Every provider of the shipped cards and contracts is under contract with DE*ABC, but DE-UNC.
    const providers = [
      ...registry.rfidCards.flatMap(({ outcome }) => (outcome.providerId ? [outcome.providerId] : [])),
      ...registry.contracts.flatMap(({ evcoId, outcome }) => [
        evcoId.slice(0, 6),
        outcome.providerId ?? 'DE*ICE',
      ]),
    ].map((providerId) => providerId.replace(/[*-]/g, '').toUpperCase());
    expect(new Set(providers)).toEqual(new Set([...abc, 'DEUNC']));
  });

  test('names the new entries for the suite: the uncontracted EvcoID and the operator without contracts', () => {
    expect(registry.contracts.find((contract) => contract.variable === 'uncontractedEvcoId')?.evcoId).toBe(
      'DE-UNC-C00000210-1',
    );
    expect(registry.operators.find((operator) => operator.variable === 'noContractOperatorId')).toMatchObject(
      {
        operatorId: 'DE*NCT',
        certificateIdentity: 'DE*ABC',
        empContracts: [],
      },
    );
  });

  test('finds QR code and remote contracts by their EvcoID in upper case', () => {
    expect(registry.contractByUpperCaseEvcoId('DE-8EO-CAET5E4XY-3')?.evcoId).toBe('DE-8EO-CAet5e4XY-3');
    expect(registry.contractByUpperCaseEvcoId('de*8eo*aet5e4*3')?.evcoId).toBe('DE*8EO*Aet5e4*3');
    expect(registry.contractByEvcoId('DE*8EO*AET5E4*3')).toBeUndefined();
  });

  test('knows the EVSEs of DE*EVS only', () => {
    expect(registry.evseOf('DE*EVS', 'DE*EVS*E1000001*1')).toMatchObject({ evseId: 'DE*EVS*E1000001*1' });
    expect(registry.evseOf('DE*EVS', 'DE*EVS*E1000001*1')?.outcome).toBeUndefined();
    expect(registry.evseOf('DE*EVS', 'DE*EVS*E7000001*1')?.outcome).toEqual({
      status: 'NotAuthorized',
      code: '700',
    });
    // Listed EVSEs are not shared between operators; DE*ABC lists none, so nothing can be said.
    expect(registry.evseOf('DE*EVS', 'DE*ABC*E1234567*1')).toBeUndefined();
    expect(registry.evseOf('DE*ABC', 'DE*ABC*E1234567*1')).toBeNull();
    expect(registry.evseOf('DE*ZZZ', 'DE*EVS*E1000001*1')).toBeNull();
  });

  test('every refusal code of the shipped data is an OICP code a test card, contract or EVSE documents', () => {
    const outcomes = [
      ...registry.rfidCards.map((card) => ({ what: card.uid, note: card.note, outcome: card.outcome })),
      ...registry.contracts.map((contract) => ({
        what: contract.evcoId,
        note: contract.note,
        outcome: contract.outcome,
      })),
      ...registry.operators.flatMap((operator) =>
        (operator.evses ?? []).map((evse) => ({ what: evse.evseId, note: evse.note, outcome: evse.outcome })),
      ),
    ];
    for (const { what, note, outcome } of outcomes) {
      expect(note, `${what} says what it is for`).toBeTruthy();
      if (outcome?.status === 'NotAuthorized') expect(isOicpStatusCode(outcome.code ?? '')).toBe(true);
    }
    const codes = new Set(outcomes.flatMap(({ outcome }) => (outcome?.code ? [outcome.code] : [])));
    expect([...codes].sort()).toEqual(
      ['103', '106', '110', '120', '121', '122', '200', '601', '602', '604', '700'].sort(),
    );
  });
});

test.describe('EVSE lists', () => {
  test('an empty list means the operator has no EVSE the mock would accept', () => {
    const registry = createMockRegistry({
      operators: [{ operatorId: 'DE*ABC', evses: [] }, { operatorId: 'DE*OTH' }],
      rfidCards: [],
      contracts: [],
    });
    expect(registry.evseOf('DE*ABC', 'DE*ABC*E1')).toBeUndefined();
    expect(registry.evseOf('DE*OTH', 'DE*OTH*E1')).toBeNull();
  });
});

test.describe('registry problems are reported with file, line and field', () => {
  test('a valid fixture loads', () => {
    expect(parseMockRegistry(VALID_YAML, 'fixture.yaml').cardByUid('AABBCCDD')).toBeDefined();
  });

  test('a missing file names the file', () => {
    const missing = path.join(os.tmpdir(), 'no-such-registry.yaml');
    expect(() => loadMockRegistry(missing)).toThrow(/no-such-registry\.yaml.*file not found/);
  });

  test('YAML syntax errors carry the position', () => {
    const problems = problemsOf('operators:\n  - operatorId: [unclosed\nrfidCards: []\n');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]?.line).toBeGreaterThan(1);
  });

  test('the error message names the file, position and field', () => {
    const text = VALID_YAML.replace("providerId: 'DE*ICE' }", "providerId: 'DE*ICE', colour: red }");
    expect(() => parseMockRegistry(text, 'fixture.yaml')).toThrow(
      'fixture.yaml:5:58 rfidCards[0].outcome.colour: is not a known field',
    );
  });

  test('schema violations', () => {
    expect(problemsOf(VALID_YAML.replace('contracts: []\n', ''))).toEqual([
      { field: 'contracts', line: 1, column: 1, message: 'is required' },
    ]);
    expect(problemsOf(VALID_YAML.replace("uid: 'AABBCCDD'", 'uid: 11223344556677'))).toEqual([
      { field: 'rfidCards[0].uid', line: 4, column: 10, message: 'must be string' },
    ]);
    expect(problemsOf(VALID_YAML.replace('status: Authorized', 'status: authorised'))).toEqual([
      {
        field: 'rfidCards[0].outcome.status',
        line: 5,
        column: 24,
        message: 'must be one of Authorized, NotAuthorized',
      },
    ]);
    expect(problemsOf(VALID_YAML.replace("  - operatorId: 'DE*ABC'", "  - operatorID: 'DE*ABC'"))).toEqual([
      { field: 'operators[0].operatorId', line: 2, column: 5, message: 'is required' },
      { field: 'operators[0].operatorID', line: 2, column: 5, message: 'is not a known field' },
    ]);
  });

  test('malformed IDs', () => {
    const text = `operators: [{ operatorId: 'DE**ABC' }]
rfidCards: [{ uid: 'aabbccdd', outcome: { status: Authorized, providerId: 'DE**ICE', stopUids: ['XYZ'] } }]
contracts: [{ evcoId: 'DE-8EO', outcome: { status: NotAuthorized, code: '101' } }]
`;
    expect(problemsOf(text).map((problem) => [problem.field, problem.message])).toEqual([
      ['operators[0].operatorId', 'is not an OperatorID: DE**ABC'],
      ['rfidCards[0].uid', 'is not a UID: aabbccdd'],
      ['rfidCards[0].outcome.providerId', 'is not a ProviderID: DE**ICE'],
      ['rfidCards[0].outcome.stopUids[0]', 'is not a UID: XYZ'],
      ['contracts[0].evcoId', 'is not an EvcoID: DE-8EO'],
    ]);
  });

  test('outcomes that do not make sense', () => {
    const text = `operators: []
rfidCards:
  - { uid: 'AABBCCDD', outcome: { status: Authorized } }
  - { uid: 'AABBCCDE', outcome: { status: NotAuthorized } }
  - { uid: 'AABBCCDF', outcome: { status: NotAuthorized, code: '000' } }
  - { uid: 'AABBCCE0', outcome: { status: NotAuthorized, code: '999', providerId: 'DE*ICE' } }
  - { uid: 'AABBCCE1', outcome: { status: Authorized, providerId: 'DE*ICE', code: '102' } }
contracts: []
`;
    expect(problemsOf(text).map((problem) => [problem.field, problem.message])).toEqual([
      ['rfidCards[0].outcome.providerId', 'is required for an Authorized outcome'],
      ['rfidCards[1].outcome.code', 'is required for a NotAuthorized outcome'],
      ['rfidCards[2].outcome.code', 'must be an OICP refusal code (not 000), got 000'],
      ['rfidCards[3].outcome.code', 'must be an OICP refusal code (not 000), got 999'],
      ['rfidCards[3].outcome.providerId', 'only belongs to an Authorized outcome'],
      ['rfidCards[4].outcome.code', 'must be 000 (or absent) for an Authorized outcome'],
    ]);
  });

  test('EVSE entries: IDs, duplicates, refusal-only outcomes, known fields', () => {
    const text = `operators:
  - operatorId: 'DE*EVS'
    evses:
      - { evseId: 'DE*EVS*1' }
      - { evseId: 'DE*EVS*E1' }
      - { evseId: 'DE*EVS*E1' }
      - { evseId: 'DE*EVS*E2', outcome: { status: Authorized, providerId: 'DE*ICE' } }
      - { evseId: 'DE*EVS*E3', outcome: { status: NotAuthorized } }
      - { evseId: 'DE*EVS*E4', outcome: { status: NotAuthorized, code: '999' } }
rfidCards: []
contracts: []
`;
    expect(problemsOf(text).map((problem) => [problem.field, problem.line, problem.message])).toEqual([
      ['operators[0].evses[0].evseId', 4, 'is not an EvseID: DE*EVS*1'],
      ['operators[0].evses[2].evseId', 6, 'duplicate evseId DE*EVS*E1'],
      [
        'operators[0].evses[3].outcome.status',
        7,
        'must be NotAuthorized: an EVSE outcome is a refusal (leave it out for an available EVSE)',
      ],
      ['operators[0].evses[4].outcome.code', 8, 'is required for a NotAuthorized outcome'],
      ['operators[0].evses[5].outcome.code', 9, 'must be an OICP refusal code (not 000), got 999'],
    ]);
    expect(
      problemsOf(
        "operators: [{ operatorId: 'DE*EVS', evses: [{ evseId: 'DE*EVS*E1', status: OutOfService }] }]\nrfidCards: []\ncontracts: []\n",
      ),
    ).toEqual([
      { field: 'operators[0].evses[0].status', line: 1, column: 68, message: 'is not a known field' },
    ]);
  });

  test('EMP contracts: ProviderIDs, the same EMP twice', () => {
    const text = `operators:
  - operatorId: 'DE*ABC'
    empContracts: ['DE*8EO', 'DE**8EO', 'DE-8EO', 'de8eo']
rfidCards: []
contracts: []
`;
    expect(problemsOf(text).map((problem) => [problem.field, problem.line, problem.message])).toEqual([
      ['operators[0].empContracts[1]', 3, 'is not a ProviderID: DE**8EO'],
      ['operators[0].empContracts[2]', 3, 'names the same EMP as DE*8EO (compared without separators)'],
      ['operators[0].empContracts[3]', 3, 'names the same EMP as DE*8EO (compared without separators)'],
    ]);
    expect(
      problemsOf(
        "operators: [{ operatorId: 'DE*ABC', empContracts: 'DE*8EO' }]\nrfidCards: []\ncontracts: []\n",
      ),
    ).toEqual([{ field: 'operators[0].empContracts', line: 1, column: 51, message: 'must be array' }]);
    const registry = parseMockRegistry(
      text.replace("'DE**8EO', 'DE-8EO', 'de8eo'", "'DE*ICE'"),
      'fixture.yaml',
    );
    expect([...(registry.empContractsOf('DE*ABC') ?? [])]).toEqual(['DE8EO', 'DEICE']);
  });

  test('EvcoIDs that differ only in case are one contract', () => {
    const text = `operators: []
rfidCards: []
contracts:
  - { evcoId: 'DE-8EO-CAet5e4XY-3', outcome: { status: NotAuthorized, code: '101' } }
  - { evcoId: 'DE-8EO-CAET5E4XY-3', outcome: { status: NotAuthorized, code: '101' } }
`;
    expect(problemsOf(text)).toEqual([
      {
        field: 'contracts[1].evcoId',
        line: 5,
        column: 15,
        message: 'differs from DE-8EO-CAet5e4XY-3 only in case (Hubject upper-cases EvcoIDs)',
      },
    ]);
  });

  test('duplicates', () => {
    const text = `operators: [{ operatorId: 'DE*ABC' }, { operatorId: 'DE*ABC' }]
rfidCards: []
contracts:
  - { evcoId: 'DE8EOAet5e43', outcome: { status: NotAuthorized, code: '210' } }
  - { evcoId: 'DE8EOAet5e43', outcome: { status: NotAuthorized, code: '210' } }
`;
    expect(problemsOf(text)).toEqual([
      { field: 'operators[1].operatorId', line: 1, column: 53, message: 'duplicate operatorId DE*ABC' },
      { field: 'contracts[1].evcoId', line: 5, column: 15, message: 'duplicate evcoId DE8EOAet5e43' },
    ]);
  });
});
