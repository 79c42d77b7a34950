import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError, type InputProblem } from '../../src/input/errors.ts';
import { loadSuiteFresh } from '../../src/run/suite.ts';
import { type TestPki, testPki } from '../support/pki.ts';
import { qaEnvironmentFromMockData } from '../support/qa-environment.ts';
import { expect, test } from '../support/test.ts';

// Everything that can be judged before anything is sent is judged when the run starts, each problem at the
// line and column of the key or value it is about (docs/scenarios.md, "Checked when the run starts").

function scenarioFile(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-lint-')), 'mine.yaml');
  fs.writeFileSync(file, text);
  return file;
}

function problemsOf(env: Record<string, string>): InputProblem[] {
  try {
    loadSuiteFresh(env);
  } catch (error) {
    if (error instanceof InputError) return error.problems;
    throw error;
  }
  throw new Error('expected the suite not to load');
}

/** The problems of one scenario file against the mock profile, as `line:column field: message`. */
function problems(text: string): string[] {
  const file = scenarioFile(text);
  return problemsOf({ OICP_SCENARIOS: file }).map((p) => {
    expect(p.file).toBe(file);
    return `${p.line}:${p.column} ${p.field}: ${p.message}`;
  });
}

/** One scenario: `body` and `expect` are YAML lines at their final indentation. */
/** Every expectation states a basis; written last, so that the lines the tests name stay where they are. */
const FILE_BASIS = 'basis: { rule: { statement: broadcast-one-authorizes } }\n';

function scenario(
  body: string,
  expectLines = '      status: 200\n      authorizationStatus: Authorized\n',
): string {
  return `feature: Mine
scenarios:
  - id: mine
    title: Mine
    request:
      operatorId: "{{operatorId}}"
      body:
${body}    expect:
${expectLines}${FILE_BASIS}`;
}

const CARD = `        OperatorID: "{{operatorId}}"
        Identification:
          RFIDMifareFamilyIdentification:
            UID: "{{authorizedUid}}"
`;

test('a misspelt key in a request body is a load error at the key, with the closest name', () => {
  expect(problems(scenario(CARD.replace('Identification:', 'Identfication:')))).toEqual([
    "9:9 scenarios[0].request.body.Identfication: unknown property 'Identfication'; did you mean 'Identification'?",
  ]);
});

test('a mis-indented UID is found at its line: the member left empty, the UID where no member is expected', () => {
  expect(problems(scenario(CARD.replace('            UID:', '          UID:')))).toEqual([
    '10:11 scenarios[0].request.body.Identification.RFIDMifareFamilyIdentification: is empty (null) but must be object: are the lines below it indented too little?',
    "11:11 scenarios[0].request.body.Identification.UID: unknown property 'UID' (known here: RFIDMifareFamilyIdentification, QRCodeIdentification, PlugAndChargeIdentification, RemoteIdentification)",
  ]);
});

test('a UID of the wrong form written into the scenario is found before sending, at its value', () => {
  expect(problems(scenario(CARD.replace('"{{authorizedUid}}"', '"04f1ee7c0a2b3c"')))).toEqual([
    '11:18 scenarios[0].request.body.Identification.RFIDMifareFamilyIdentification.UID: must match pattern "^([0-9A-F]{8}|[0-9A-F]{14}|[0-9A-F]{20})$"',
  ]);
});

test('a misspelt key under expect is reported at the key itself, not where the block starts', () => {
  expect(
    problems(
      scenario(CARD, '      status: 200\n      authorisationStatus: Authorized\n      statusCod: "000"\n'),
    ),
  ).toEqual([
    "14:7 scenarios[0].expect.authorisationStatus: unknown property 'authorisationStatus'; did you mean 'authorizationStatus'?",
    "15:7 scenarios[0].expect.statusCod: unknown property 'statusCod'; did you mean 'statusCode'?",
  ]);
});

test('a value that is not one of a list is named with the closest allowed one; a number where text belongs says "quote it"', () => {
  expect(
    problems(
      scenario(CARD, '      status: 200\n      authorizationStatus: Authorised\n      statusCode: 000\n'),
    ),
  ).toEqual([
    '14:28 scenarios[0].expect.authorizationStatus: must be one of ["Authorized","NotAuthorized"]; did you mean \'Authorized\'?',
    '15:19 scenarios[0].expect.statusCode: must be string: quote it ("000"), YAML reads 000 unquoted as the number 0',
  ]);
});

test('a status code outside the OICP table, or one no answer can carry, is a load error at the value', () => {
  const [notInTable] = problems(
    scenario(CARD, '      status: 200\n      authorizationStatus: NotAuthorized\n      statusCode: "999"\n'),
  );
  expect(notInTable).toMatch(
    /^15:19 scenarios\[0\]\.expect\.statusCode: "999" is not a code of the OICP StatusCode table \(schemas\/oicp\/StatusCodeCode\.schema\.json\): 000, 001, .*, 700$/,
  );
  expect(
    problems(
      scenario(CARD, '      status: 200\n      authorizationStatus: Authorized\n      statusCode: "102"\n'),
    ),
  ).toEqual([
    '15:19 scenarios[0].expect.statusCode: an Authorized answer carries StatusCode.Code "000" (OICP 2.3 eRoamingAuthorizationStart): with "102" no conformant answer can meet this scenario',
  ]);
  expect(
    problems(
      scenario(
        CARD,
        '      status: 200\n      authorizationStatus: NotAuthorized\n      statusCode: "000"\n',
      ),
    ),
  ).toEqual([
    '15:19 scenarios[0].expect.statusCode: "000" means success, which a NotAuthorized answer never carries (OICP 2.3 eRoamingAuthorizationStart): no conformant answer can meet this scenario',
  ]);
  expect(
    problems(
      scenario(
        CARD,
        '      status: 400\n      authorizationStatus: NotAuthorized\n      statusCode: "102"\n',
      ),
    ),
  ).toEqual([
    '14:28 scenarios[0].expect.authorizationStatus: only an eRoamingAuthorizationStart answer carries an AuthorizationStatus (HTTP 400 is answered with FaultBody): no answer can meet this expectation',
    '15:19 scenarios[0].expect.statusCode: a FaultBody has no StatusCode (HTTP 400 is answered with FaultBody): no answer can meet this expectation',
  ]);
});

test('every fields path must exist in the schema of the expected answer: a near miss is named, an unknown name lists the known ones', () => {
  const fields = (lines: string, status = 200) =>
    problems(scenario(CARD, `      status: ${status}\n      fields:\n${lines}`));
  expect(
    fields('        ProviderId: { equals: "DE*ICE" }\n        StatusCode.Descripton: { isNull: true }\n'),
  ).toEqual([
    "15:9 scenarios[0].expect.fields.ProviderId: 'ProviderId' is not a property of the eRoamingAuthorizationStart answer; did you mean 'ProviderID'?",
    "16:9 scenarios[0].expect.fields.StatusCode.Descripton: 'Descripton' is not a property of StatusCode in the eRoamingAuthorizationStart answer; did you mean 'Description'?",
  ]);
  expect(fields('        Tariff: { isNull: true }\n')).toEqual([
    "15:9 scenarios[0].expect.fields.Tariff: 'Tariff' is not a property of the eRoamingAuthorizationStart answer (its properties: AuthorizationStatus, StatusCode, SessionID, CPOPartnerSessionID, EMPPartnerSessionID, ProviderID, AuthorizationStopIdentifications); a matcher on a property OICP does not define tests nothing of the contract",
  ]);
  expect(fields('        SessionID.Value: { isNull: true }\n        ProviderID: { minItems: 1 }\n')).toEqual([
    "15:9 scenarios[0].expect.fields.SessionID.Value: SessionID in the eRoamingAuthorizationStart answer is null or a string: it has no 'Value'",
    '16:9 scenarios[0].expect.fields.ProviderID: minItems needs an array, but ProviderID in the eRoamingAuthorizationStart answer is null or a string',
  ]);
  expect(fields('        validationErrors.0.fieldRefrence: { isNull: false }\n', 400)).toEqual([
    "15:9 scenarios[0].expect.fields.validationErrors.0.fieldRefrence: 'fieldRefrence' is not a property of validationErrors.0 in the FaultBody answer; did you mean 'fieldReference'?",
  ]);
});

test('paths the answer schemas declare pass, array items included; with body: any nothing can be checked', () => {
  const file = scenarioFile(
    `${scenario(
      CARD,
      `      status: 200
      authorizationStatus: Authorized
      fields:
        AuthorizationStopIdentifications.0.RFIDMifareFamilyIdentification.UID: { equals: "AABBCCDD" }
        AuthorizationStopIdentifications: { minItems: 1 }
        StatusCode.Description: { matches: "^RFID" }
`,
    ).replace(FILE_BASIS, '')}
  - id: mine-any
    title: Mine, any answer
    request:
      operatorId: "{{operatorId}}"
      body:
${CARD}    expect:
      status: 503
      fields:
        Whatever.Path: { isNull: true }
${FILE_BASIS}`,
  );
  expect(loadSuiteFresh({ OICP_SCENARIOS: file }).scenarios.map((s) => s.id)).toEqual(['mine', 'mine-any']);
});

test('invalid: true on a request that is valid is a load error at invalid, so a negative case cannot turn positive', () => {
  const text = scenario(CARD, '      status: 400\n').replace(
    '    title: Mine\n',
    '    title: Mine\n    invalid: true\n',
  );
  expect(problems(text)).toEqual([
    '5:5 scenarios[0].invalid: says invalid: true, but its request is valid against eRoamingAuthorizeStart (schemas/oicp/eRoamingAuthorizeStart.schema.json): the negative case would test nothing; break the request, or remove invalid: true',
  ]);
});

test('a JSON raw body is linted too, at the raw body', () => {
  const text = `feature: Mine
scenarios:
  - id: mine
    title: Mine
    request:
      operatorId: "{{operatorId}}"
      rawBody: '{"OperatorID": "{{operatorId}}", "Identification": {}}'
    expect:
      status: 200
${FILE_BASIS}`;
  expect(problems(text)).toEqual([
    '7:16 scenarios[0].request.rawBody: /Identification: must NOT have fewer than 1 properties',
  ]);
});

test('a PIN written unquoted is never echoed in the message', () => {
  const text = scenario(`        OperatorID: "{{operatorId}}"
        Identification:
          QRCodeIdentification: { EvcoID: "{{qrEvcoId}}", PIN: 987654 }
`);
  const found = problems(text);
  expect(found).toEqual([
    '10:64 scenarios[0].request.body.Identification.QRCodeIdentification.PIN: must be string: quote the value, YAML reads it unquoted as a number',
  ]);
  expect(found.join('\n')).not.toContain('987654');
});

test.describe('with the QA profile', () => {
  let pki: TestPki;
  test.beforeAll(() => {
    pki = testPki();
  });
  const qa = (extra: Record<string, string>) => ({
    ...qaEnvironmentFromMockData(),
    OICP_CLIENT_PFX: pki.pfx,
    OICP_CLIENT_PASSPHRASE: pki.passphrase,
    ...extra,
  });

  test('a profile value of the wrong form is reported once, at the profile line, with the setting it comes from', () => {
    const found = problemsOf(
      qa({ OICP_QA_EVSE_ID: 'DE-ABC-1', OICP_SCENARIOS: 'tests/fixtures/scenarios/batch.yaml' }),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: 'data/environments/qa.yaml', field: 'variables.evseId' });
    expect(found[0]?.line).toBeGreaterThan(1);
    expect(found[0]?.message).toMatch(
      /^\{\{evseId\}\} = "DE-ABC-1" \(from OICP_QA_EVSE_ID\) must match pattern ".*": \d+ scenario requests carry it, e.g. tests\/fixtures\/scenarios\/batch\.yaml:\d+:\d+ scenarios\[0\]\.request\.body\.EvseID$/,
    );
  });

  test('one or two requests broken by a profile value are reported at the scenario, naming the value and where it is set', () => {
    const file = scenarioFile(
      scenario(`        OperatorID: "{{operatorId}}"
        EvseID: "{{evseId}}"
        Identification: { RFIDMifareFamilyIdentification: { UID: "{{authorizedUid}}" } }
`),
    );
    expect(problemsOf(qa({ OICP_QA_EVSE_ID: 'DE-ABC-1', OICP_SCENARIOS: file }))).toEqual([
      expect.objectContaining({
        file,
        line: 9,
        column: 17,
        message: expect.stringMatching(
          /^must match pattern ".*"; \{\{evseId\}\} = "DE-ABC-1" \(profile 'qa', data\/environments\/qa\.yaml:\d+:\d+ \(OICP_QA_EVSE_ID\)\)$/,
        ),
      }),
    ]);
  });

  test('a scenario skipped for missing test data is linted as far as it can be: not for the missing value', () => {
    const env: Record<string, string> = qa({});
    delete env.OICP_QA_UNREADABLE_UID;
    const body = (extra: string) => `        OperatorID: "{{operatorId}}"
        Identification: { RFIDMifareFamilyIdentification: { UID: "{{unreadableUid}}" } }
${extra}`;
    const skipped = scenarioFile(scenario(body('')));
    const suite = loadSuiteFresh({ ...env, OICP_SCENARIOS: skipped });
    expect(suite.scenarios[0]?.skipReason).toContain('OICP_QA_UNREADABLE_UID');
    // A mistake beside the missing value is still found.
    const typo = scenarioFile(scenario(body('        EvseId: "{{evseId}}"\n')));
    expect(problemsOf({ ...env, OICP_SCENARIOS: typo }).map((p) => p.message)).toEqual([
      "unknown property 'EvseId'; did you mean 'EvseID'?",
    ]);
  });
});
