import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProfile } from '../../src/config/profile.ts';
import { prepareRequest } from '../../src/exchange/request.ts';
import { defectOfVariant, generatedNegativeScenarios } from '../../src/negatives/scenarios.ts';
import { loadSuiteFresh } from '../../src/run/suite.ts';
import { basisOf } from '../../src/scenarios/basis.ts';
import { requestDefectBasis } from '../../src/scenarios/defect-basis.ts';
import { requestViolations } from '../../src/scenarios/lint.ts';
import { loadScenarios } from '../../src/scenarios/load.ts';
import { checkPlaceholders, resolveScenario } from '../../src/scenarios/resolve.ts';
import { loadStatements } from '../../src/scenarios/statements.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { inputErrorOf } from '../support/input-error.ts';
import { expect, test } from '../support/test.ts';
import { buildScenario, rfidRequestBody } from './helpers/exchange.ts';

const registry = schemaRegistry();

function scenarioFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-fidelity-'));
  const file = path.join(dir, 'scenarios.yaml');
  fs.writeFileSync(file, text);
  return file;
}

const CARD = 'Identification: { RFIDMifareFamilyIdentification: { UID: "{{authorizedUid}}" } }';

test('a placeholder may write its value in lower or upper case; an unknown filter is a load error naming the scenario', () => {
  const scenario = buildScenario({
    request: { body: { OperatorID: '{{operatorId | lower}}', Identification: '{{ authorizedUid|upper }}' } },
  });
  const resolved = resolveScenario(scenario, { operatorId: 'DE*ABC', authorizedUid: '044a2daa856280' });
  expect(resolved.request.body).toEqual({ OperatorID: 'de*abc', Identification: '044A2DAA856280' });
  const typo = buildScenario({ request: { body: { OperatorID: '{{operatorId | lowercase}}' } } });
  const error = inputErrorOf(() => checkPlaceholders([typo], { operatorId: 'DE*ABC' }, 'mock'));
  expect(error.problems[0]?.message).toBe(
    "unknown filter '| lowercase' in a placeholder (filters: lower, upper)",
  );
  expect(error.problems[0]?.field).toBe(typo.id);
});

test('a scenario that needs a client certificate is skipped with its reason against a target without one; its opposite runs', () => {
  const file = scenarioFile(`feature: Certificates
basis: { rule: { statement: certificate-operator-mismatch-017 } }
scenarios:
  - id: needs-certificate
    title: Needs mutual TLS
    requires: client-certificate
    request:
      operatorId: "{{unknownOperatorId}}"
      body: { OperatorID: "{{unknownOperatorId}}", ${CARD} }
    expect: { status: 401, statusCode: "017" }
  - id: needs-no-certificate
    title: Needs plain HTTP
    requires: no-client-certificate
    request:
      operatorId: "{{unknownOperatorId}}"
      body: { OperatorID: "{{unknownOperatorId}}", ${CARD} }
    expect: { status: 404, statusCode: "300" }
`);
  const { scenarios } = loadSuiteFresh({ OICP_SCENARIOS: file });
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  expect(byId.get('needs-certificate')?.skipReason).toContain('needs a target reached over mutual TLS');
  expect(byId.get('needs-certificate')?.skipReason).toContain('OICP_CLIENT_CERT');
  expect(byId.get('needs-no-certificate')?.skipReason).toBeUndefined();
});

test('covers names statements of the statements file: an unknown one is a load error at its line, with the closest id', () => {
  const file = scenarioFile(`feature: Covers
basis: { rule: { statement: broadcast-one-authorizes } }
scenarios:
  - id: covering
    title: Covers a statement
    covers: [uid-upper-cased, uid-upper-case]
    request:
      operatorId: "{{operatorId}}"
      body: { OperatorID: "{{operatorId}}", ${CARD} }
    expect: { status: 200 }
`);
  const error = inputErrorOf(() => loadScenarios(registry, file));
  expect(error.problems).toHaveLength(1);
  expect(error.problems[0]).toMatchObject({ line: 6, field: 'scenarios[0].covers[1]' });
  expect(error.problems[0]?.message).toContain("'uid-upper-case' (did you mean 'uid-upper-cased'?)");
});

test('the request lint refuses a Content-Type other than JSON, and a PIN over 20 characters (OICP 2.3 CPO, 03: "0-20")', () => {
  const asText = prepareRequest(
    buildScenario({ request: { contentType: 'text/plain; charset=utf-8' } }),
    'http://127.0.0.1:9',
  );
  expect(requestViolations(asText, registry).map((v) => v.message)).toEqual([
    'Content-Type "text/plain; charset=utf-8" is not application/json (OICP 2.3 OpenAPI: the request body is application/json)',
  ]);
  const withCharset = prepareRequest(
    buildScenario({ request: { contentType: 'application/json; charset=utf-8' } }),
    'http://127.0.0.1:9',
  );
  expect(requestViolations(withCharset, registry)).toEqual([]);
  const qr = (pin: string) =>
    prepareRequest(
      buildScenario({
        request: {
          body: rfidRequestBody({
            Identification: { QRCodeIdentification: { EvcoID: 'DE*8EO*QRC001*7', PIN: pin } },
          }),
        },
      }),
      'http://127.0.0.1:9',
    );
  expect(requestViolations(qr('1'.repeat(20)), registry)).toEqual([]);
  expect(requestViolations(qr('1'.repeat(21)), registry).map((v) => v.keyword)).toContain('maxLength');
});

test('the same request defect gets the same basis, hand-written or generated: a wrong JSON type is an assumption, a field rule a rule', () => {
  const statements = loadStatements(registry);
  const profile = loadProfile(registry, {});
  const generated = generatedNegativeScenarios(registry, profile);
  const typeCase = generated.find((s) => / instead of a string/.test(s.description ?? ''));
  const patternCase = generated.find((s) => s.story?.endsWith(': pattern') && s.tags.includes('enforced'));
  expect(basisOf(typeCase as never, 'status').kind).toBe(requestDefectBasis('type', statements).kind);
  expect(basisOf(typeCase as never, 'status').kind).toBe('assumption');
  expect(basisOf(patternCase as never, 'status').statement?.id).toBe('export-400-fault-body');
  expect(defectOfVariant({ kind: 'lint', keyword: 'type' })).toBe('lint');
  expect(defectOfVariant({ kind: 'enforced', keyword: 'type' })).toBe('type');
  expect(defectOfVariant({ kind: 'enforced', keyword: 'maxLength' })).toBe('validation');
  // A hand-written scenario says requestDefect: type and gets the basis of the generated case.
  const file = scenarioFile(`feature: Types
basis: { requestDefect: type }
scenarios:
  - id: operator-number
    title: An OperatorID sent as a number
    invalid: true
    request:
      operatorId: "{{operatorId}}"
      body: { OperatorID: 49810, ${CARD} }
    expect: { status: 400 }
`);
  const [handWritten] = loadScenarios(registry, file);
  expect(basisOf(handWritten as never, 'status')).toMatchObject({
    kind: 'assumption',
    citation: requestDefectBasis('type', statements).citation,
  });
});
