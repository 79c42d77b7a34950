import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { InputError } from '../../src/input/errors.ts';
import { projectRoot } from '../../src/paths.ts';
import { checkSelection, grepTitle } from '../../src/run/selection.ts';
import { loadScenarios } from '../../src/scenarios/load.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { expect, test } from '../support/test.ts';

// The suite refuses a --grep that selects nothing before Playwright starts (src/run/selection.ts, tested in
// this process in tests/unit/selection.test.ts): here Playwright itself, as a process, lists what each pattern
// selects, and the suite's reading must agree with it.

const FIXTURE = 'tests/fixtures/scenarios/rfid.yaml';
const scenarios = loadScenarios(schemaRegistry(), FIXTURE);

test("the suite's reading of --grep agrees with Playwright's own, tags and case included", async () => {
  const run = promisify(execFile);
  const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-list-'));
  const listed = async (pattern: string): Promise<number> => {
    const { stdout } = await run(
      process.execPath,
      [
        path.join(projectRoot, 'node_modules', '@playwright', 'test', 'cli.js'),
        'test',
        '--config',
        path.join(projectRoot, 'playwright.config.ts'),
        '--list',
        '--reporter=list',
        '--grep',
        pattern,
      ],
      {
        cwd: projectRoot,
        env: {
          // The parent Playwright's own variables would confuse the child.
          ...Object.fromEntries(
            Object.entries(process.env).filter(([key]) => !key.startsWith('TEST_') && !key.startsWith('PW_')),
          ),
          OICP_SCENARIOS: FIXTURE,
          OICP_REPORTS_DIR: reports,
          OICP_SETTINGS_FILE: 'none',
          OICP_BASE_URL: 'http://127.0.0.1:9',
          // Playwright refuses the suite's configuration unless the conformance CLI named the run.
          OICP_RUN_ID: 'selection-test',
        },
      },
    ).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    return Number(/Total: (\d+) tests?/.exec(stdout)?.[1] ?? Number.NaN);
  };
  const matches = (pattern: string, scenario: (typeof scenarios)[number]) => {
    const literal = /^\/(.*)\/([gi]*)$/.exec(pattern);
    const expression = literal ? new RegExp(literal[1] as string, literal[2]) : new RegExp(pattern, 'gi');
    return expression.test(grepTitle(scenario));
  };
  const ours = (pattern: string) => {
    const count = scenarios.filter((scenario) => matches(pattern, scenario)).length;
    // The check refuses exactly the selections Playwright would find empty.
    if (count === 0) expect(() => checkSelection(scenarios, ['--grep', pattern])).toThrow(InputError);
    else expect(checkSelection(scenarios, ['--grep', pattern])).toEqual([]);
    return count;
  };
  const patterns = [
    '@smoke',
    'fixture rfid cards the',
    'RFID CARDS',
    '/RFID CARDS/',
    'spec.ts Fixture',
    '^ authorize',
    '^authorize',
  ];
  const counts = await Promise.all(patterns.map(listed));
  expect(Object.fromEntries(patterns.map((p, i) => [p, counts[i]]))).toEqual(
    Object.fromEntries(patterns.map((p) => [p, ours(p)])),
  );
  // Not vacuous: some patterns select, some do not.
  expect(counts).toContain(0);
  expect(counts.some((count) => count > 0)).toBe(true);
});
