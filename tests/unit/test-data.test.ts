import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { profileFile } from '../../src/config/profile.ts';
import { InputError } from '../../src/input/errors.ts';
import { loadSuiteFresh } from '../../src/run/suite.ts';
import { expect, test } from '../support/test.ts';

// Optional test data everywhere: a variable this profile does not define, but another does, skips the
// scenarios that need it (naming where to add it); a name no profile defines is a typo, with a suggestion.

const unique = `${process.pid}-${Date.now()}`;
const RICH = `fixture-rich-${unique}`;
const LEAN = `fixture-lean-${unique}`;

test.beforeAll(() => {
  fs.writeFileSync(
    profileFile(RICH),
    `name: ${RICH}\nbaseUrl: http://127.0.0.1:9\nvariables:\n  operatorId: DE*ABC\n  authorizedUid: 044A2DAA856280\n  myFleetUid: "01020304050607"\n`,
  );
  fs.writeFileSync(
    profileFile(LEAN),
    `name: ${LEAN}\nbaseUrl: http://127.0.0.1:9\nvariables:\n  operatorId: DE*ABC\n  authorizedUid: 044A2DAA856280\n`,
  );
});
test.afterAll(() => {
  fs.rmSync(profileFile(RICH), { force: true });
  fs.rmSync(profileFile(LEAN), { force: true });
});

function scenarios(uid: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-test-data-'));
  const file = path.join(dir, 'fleet.yaml');
  fs.writeFileSync(
    file,
    `feature: Fleet cards
basis: { rule: { statement: broadcast-one-authorizes } }
scenarios:
  - id: fleet-card-authorized
    title: A fleet card is authorized
    request:
      operatorId: "{{operatorId}}"
      body:
        OperatorID: "{{operatorId}}"
        Identification: { RFIDMifareFamilyIdentification: { UID: "${uid}" } }
    expect:
      status: 200
  - id: known-card-authorized
    title: A known card is authorized
    request:
      operatorId: "{{operatorId}}"
      body:
        OperatorID: "{{operatorId}}"
        Identification: { RFIDMifareFamilyIdentification: { UID: "{{authorizedUid}}" } }
    expect:
      status: 200
`,
  );
  return file;
}

test('a variable only another profile defines skips its scenarios, naming the profile file to add it to', () => {
  const suite = loadSuiteFresh({ OICP_ENV: LEAN, OICP_SCENARIOS: scenarios('{{myFleetUid}}') });
  const [fleet, known] = suite.scenarios;
  // (Other runs of this file may have their own fixture profiles: the rich one is among those named.)
  expect(fleet?.skipReason).toMatch(
    new RegExp(`^profile '${LEAN}' has no variable \\{\\{myFleetUid\\}\\} \\(defined in profile .*'${RICH}'`),
  );
  expect(fleet?.skipReason).toContain(`; add it to data/environments/${LEAN}.yaml)`);
  expect(known?.skipReason).toBeUndefined();
  // Where the profile defines it, the scenario runs.
  const rich = loadSuiteFresh({ OICP_ENV: RICH, OICP_SCENARIOS: scenarios('{{myFleetUid}}') });
  expect(rich.scenarios.every((s) => s.skipReason === undefined)).toBe(true);
});

test('a name no profile defines is a typo: a load error with the closest names, in a short message', () => {
  let error: unknown;
  try {
    loadSuiteFresh({ OICP_ENV: RICH, OICP_SCENARIOS: scenarios('{{myFleetUd}}') });
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(InputError);
  const message = (error as InputError).message;
  expect(message).toContain('nothing was sent');
  expect(message).toContain(
    `fleet-card-authorized: unknown variable {{myFleetUd}}: no profile defines it (profile '${RICH}' is in use); did you mean {{myFleetUid}}?`,
  );
  for (const line of message.split('\n')) expect(line.length).toBeLessThan(300);
});

test('a misspelt generator is named as such', () => {
  expect(() => loadSuiteFresh({ OICP_ENV: RICH, OICP_SCENARIOS: scenarios('{{$uid}}') })).toThrow(
    /unknown variable \{\{\$uid\}\}: not a generator \(\$uuid, \$timestamp\); did you mean \{\{\$uuid\}\}\?/,
  );
});
