import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FaultName } from '../../mock/faults.ts';
import { expect, test } from '../support/test.ts';
import { ask, rfidRequest } from './support.ts';

// The mock and the suite judge independently; here they must agree. A normal mock answer that the
// suite's OICP schemas reject (or a schema fault they accept) means one of the two is wrong.
const oicpSchemasDir = path.resolve(import.meta.dirname, '..', '..', 'schemas', 'oicp');
const SCHEMA_BASE = 'https://oicp-conformance.example/schemas/oicp/';

function oicpValidator(schemaFile: string) {
  // The OICP patterns use escapes that unicode mode rejects.
  const ajv = new Ajv2020({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv);
  for (const file of fs.readdirSync(oicpSchemasDir).filter((name) => name.endsWith('.json'))) {
    ajv.addSchema(JSON.parse(fs.readFileSync(path.join(oicpSchemasDir, file), 'utf8')));
  }
  const validate = ajv.getSchema(`${SCHEMA_BASE}${schemaFile}`);
  if (!validate) throw new Error(`schema ${schemaFile} not found in ${oicpSchemasDir}`);
  return (data: unknown) =>
    validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** Compiled on first use: Playwright's main process loads this file only to list its tests. */
function lazily(schemaFile: string): (data: unknown) => string[] {
  let problems: ((data: unknown) => string[]) | undefined;
  return (data) => {
    problems ??= oicpValidator(schemaFile);
    return problems(data);
  };
}

const answerProblems = lazily('eRoamingAuthorizationStart.schema.json');
const faultBodyProblems = lazily('FaultBody.schema.json');
const eRoamingFaultProblems = lazily('OicpERoamingFault.schema.json');

const requests: Record<string, Record<string, unknown>> = {
  'authorized card': rfidRequest('044A2DAA856280', { CPOPartnerSessionID: 'cpo-1' }),
  'authorized card with stop UIDs': rfidRequest('AABBCCDD'),
  'unknown card': rfidRequest('DEADBEEF'),
  'card in lower case': rfidRequest('044a2daa856280'),
  'SessionID the mock did not issue': rfidRequest('044A2DAA856280', {
    SessionID: 'b2688855-7f00-0002-6d8e-48d883f6abb6',
  }),
  'EvcoID of an EMP not under contract': {
    OperatorID: 'DE*ABC',
    Identification: { PlugAndChargeIdentification: { EvcoID: 'DE-UNC-C00000210-1' } },
  },
  'QR code': {
    OperatorID: 'DE*ABC',
    Identification: { QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3', PIN: '1234' } },
  },
  'QR code, wrong PIN': {
    OperatorID: 'DE*ABC',
    Identification: { QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3', PIN: '0' } },
  },
  'Plug&Charge, unknown EvcoID': {
    OperatorID: 'DE*ABC',
    Identification: { PlugAndChargeIdentification: { EvcoID: 'DE*8EO*Zzzzzz*3' } },
  },
  'Plug&Charge, invalid certificate': {
    OperatorID: 'DE*ABC',
    Identification: { PlugAndChargeIdentification: { EvcoID: 'DE-8EO-CPNC00121-1' } },
  },
};

// Requests whose answer depends on the URL's operator (DE*EVS lists its EVSEs).
const evseRequests: Record<string, Record<string, unknown>> = {
  'EVSE unknown to its operator': rfidRequest('044A2DAA856280', {
    OperatorID: 'DE*EVS',
    EvseID: 'DE*EVS*E9999999*9',
  }),
  'EVSE out of service': rfidRequest('044A2DAA856280', { OperatorID: 'DE*EVS', EvseID: 'DE*EVS*E7000001*1' }),
  'available EVSE': rfidRequest('044A2DAA856280', { OperatorID: 'DE*EVS', EvseID: 'DE*EVS*E1000001*1' }),
};

test.describe("normal mock answers satisfy the suite's OICP schemas", () => {
  for (const [name, request] of Object.entries(requests)) {
    test(name, () => {
      const response = ask(request);
      expect(response.status).toBe(200);
      expect(answerProblems(response.json())).toEqual([]);
    });
  }

  for (const [name, request] of Object.entries(evseRequests)) {
    test(name, () => {
      const response = ask(request, { operatorId: 'DE*EVS' });
      expect(response.status).toBe(200);
      expect(answerProblems(response.json())).toEqual([]);
    });
  }

  test('error bodies', () => {
    const invalidJson = ask('{');
    expect(faultBodyProblems(invalidJson.json())).toEqual([]);
    const invalidRequest = ask({ OperatorID: 'DE**ABC', Identification: {} });
    expect(faultBodyProblems(invalidRequest.json())).toEqual([]);
    const unknownOperator = ask(rfidRequest('044A2DAA856280'), { operatorId: 'DE*ZZZ' });
    expect(eRoamingFaultProblems(unknownOperator.json())).toEqual([]);
    const foreignOperator = ask(rfidRequest('044A2DAA856280'), { tls: true, clientIdentity: 'DE*OTH' });
    expect(eRoamingFaultProblems(foreignOperator.json())).toEqual([]);
    // The http-500 fault sends the body Hubject sent with a 500: a StatusCode, not the FaultBody of its export (E-17).
    expect(eRoamingFaultProblems(ask(rfidRequest('044A2DAA856280'), { fault: 'http-500' }).json())).toEqual(
      [],
    );
    const notJson = ask(rfidRequest('044A2DAA856280'), { contentType: 'text/plain' });
    expect(notJson.status).toBe(415);
    expect(faultBodyProblems(notJson.json())).toEqual([]);
    const longPin = ask({
      OperatorID: 'DE*ABC',
      Identification: { QRCodeIdentification: { EvcoID: 'DE-8EO-CAet5e4XY-3', PIN: '1'.repeat(21) } },
    });
    expect(faultBodyProblems(longPin.json())).toEqual([]);
    const objectLevel = ask({ OperatorID: 'DE*ABC', Identification: {} });
    expect(faultBodyProblems(objectLevel.json())).toEqual([]);
    expect(objectLevel.json()).not.toHaveProperty('validationErrors');
  });
});

test('the acknowledgement fault sends a body that is no eRoamingAuthorizationStart', () => {
  const response = ask(requests['authorized card'], { fault: 'acknowledgement-instead-of-answer' });
  expect(answerProblems(response.json())).not.toEqual([]);
  // And a well-formed eRoamingAcknowledgement, where the suite has that schema.
  if (fs.existsSync(path.join(oicpSchemasDir, 'eRoamingAcknowledgement.schema.json'))) {
    expect(oicpValidator('eRoamingAcknowledgement.schema.json')(response.json())).toEqual([]);
  }
});

test.describe("schema faults break the suite's answer schema", () => {
  const schemaFaults: FaultName[] = [
    'numeric-status-code',
    'lowercase-authorization-status',
    'missing-status-code',
    'malformed-provider-id',
    'malformed-stop-identification',
  ];
  for (const fault of schemaFaults) {
    test(fault, () => {
      const response = ask(requests['authorized card'], { fault });
      expect(answerProblems(response.json())).not.toEqual([]);
    });
  }
});
