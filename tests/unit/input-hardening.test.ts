import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProfile } from '../../src/config/profile.ts';
import { InputError } from '../../src/input/errors.ts';
import { MAX_INPUT_FILE_BYTES } from '../../src/input/read-file.ts';
import { loadSuiteFresh } from '../../src/run/suite.ts';
import { loadScenarios } from '../../src/scenarios/load.ts';
import { checkPlaceholders, resolveScenario } from '../../src/scenarios/resolve.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { inputErrorOf } from '../support/input-error.ts';
import { expect, test } from '../support/test.ts';

// Input that could trick the loader — names of Object.prototype, alias bombs, special files, huge files,
// empty selections, header injection — stops the run before anything is sent, naming file or setting.

const registry = schemaRegistry();

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-input-'));
}

function scenarioFile(dir: string, body: string, name = 'scenarios.yaml'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}

const scenarioWith = (operatorId: string, extraRequest = '') => `feature: Tricks
basis: { rule: { statement: broadcast-one-authorizes } }
scenarios:
  - id: trick
    title: A scenario with a trick in it
    request:
      operatorId: "${operatorId}"
${extraRequest}      body:
        OperatorID: "{{operatorId}}"
        Identification: { RFIDMifareFamilyIdentification: { UID: "{{authorizedUid}}" } }
    expect:
      status: 200
`;

test.describe('template names resolve with own-property semantics only', () => {
  for (const name of ['toString', 'constructor', 'hasOwnProperty', 'valueOf', 'isPrototypeOf']) {
    test(`{{${name}}} is an unknown variable, not a property of Object.prototype`, () => {
      const dir = tempDir();
      const scenarios = loadScenarios(registry, scenarioFile(dir, scenarioWith(`{{${name}}}`)));
      const profile = loadProfile(registry, {});
      const error = inputErrorOf(() => checkPlaceholders(scenarios, profile.variables, profile.name));
      expect(error.message).toContain(`unknown variable {{${name}}}`);
      // And the last line of defence, resolving, refuses it too instead of sending "[object …]".
      expect(() => resolveScenario(scenarios[0] as never, profile.variables)).toThrow(InputError);
    });
  }
});

test.describe('files that would hang or swamp the run are refused before reading', () => {
  test('a YAML alias bomb names the file', () => {
    const dir = tempDir();
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const file = scenarioFile(dir, `${levels.join('\n')}\nfeature: bomb\n`);
    const error = inputErrorOf(() => loadScenarios(registry, file));
    expect(error.message).toContain(path.basename(file));
    expect(error.message).toMatch(/aliases .* expand to too much data/);
    expect(error.message).toContain('nothing was sent');
  });

  test('a FIFO is refused (reading it would wait forever)', () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const error = inputErrorOf(() => loadScenarios(registry, fifo));
    expect(error.message).toContain('pipe.yaml: is a named pipe (FIFO), not a file');
  });

  test('a device is refused (/dev/zero never ends)', () => {
    const error = inputErrorOf(() => loadScenarios(registry, '/dev/zero'));
    expect(error.message).toContain('/dev/zero: is a device, not a file');
  });

  test('a file over the size limit is refused with its size', () => {
    const dir = tempDir();
    const file = path.join(dir, 'huge.yaml');
    fs.writeFileSync(file, `feature: x\n# ${'x'.repeat(MAX_INPUT_FILE_BYTES)}\n`);
    const error = inputErrorOf(() => loadScenarios(registry, file));
    expect(error.message).toMatch(/huge\.yaml: is \d+ bytes, more than the limit of \d+ bytes/);
  });

  test('a certificate path naming a FIFO or a directory is a TLS configuration error', () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'client.crt');
    execFileSync('mkfifo', [fifo]);
    const error = inputErrorOf(() =>
      loadProfile(registry, {
        OICP_BASE_URL: 'https://localhost:1',
        OICP_CLIENT_CERT: fifo,
        OICP_CLIENT_KEY: dir,
      }),
    );
    expect(error.message).toContain(`OICP_CLIENT_CERT: cannot read ${fifo}: is a named pipe (FIFO)`);
    expect(error.message).toContain(`OICP_CLIENT_KEY: cannot read ${dir}: is a directory, not a file`);
  });
});

test.describe('selections and settings', () => {
  for (const selection of [',', ' , ', ',,,']) {
    test(`OICP_SCENARIOS=${JSON.stringify(selection)} names nothing and says so`, () => {
      const error = inputErrorOf(() => loadSuiteFresh({ OICP_SCENARIOS: selection }));
      expect(error.message).toContain('OICP_SCENARIOS');
      expect(error.message).toContain('names no scenario file');
    });
  }

  test('a Content-Type with a line break is refused at load time, at its line', () => {
    const dir = tempDir();
    const file = scenarioFile(
      dir,
      scenarioWith('{{operatorId}}', '      contentType: "application/json\\r\\nX-Injected: 1"\n'),
    );
    const error = inputErrorOf(() => loadScenarios(registry, file));
    expect(error.message).toMatch(/scenarios\.yaml:8:\d+ scenarios\[0\]\.request\.contentType:/);
  });
});
