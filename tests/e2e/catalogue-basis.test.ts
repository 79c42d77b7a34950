import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadStatements } from '../../src/scenarios/statements.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { expect, test } from '../support/test.ts';

/** `npm run catalogue:basis -- --rules --json`, as a user pipes it into another program. */
function basisCli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/basis.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
}

test('--rules --json prints every rule expectation whole, each with its place and the passage it cites', () => {
  const run = basisCli(['--rules', '--json']);
  expect(run.status, run.stderr).toBe(0);
  // Far more than one pipe buffer (64 KiB): the output must arrive whole, and parse.
  const rules = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
  expect(rules.length).toBeGreaterThan(0);
  const statements = loadStatements(schemaRegistry());
  for (const rule of rules) {
    expect(Object.keys(rule).sort()).toEqual([
      'file',
      'id',
      'key',
      'line',
      'quote',
      'section',
      'source',
      'statement',
    ]);
    expect(fs.existsSync(String(rule.file)), String(rule.file)).toBe(true);
    expect(rule.line).toBeGreaterThan(0);
    expect(rule.quote).toBe(statements.get(String(rule.statement))?.quote);
  }
});

test('a rule written as plain text stops the listing with exit 2, naming the file and line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-basis-'));
  const file = path.join(dir, 'plain.yaml');
  fs.writeFileSync(
    file,
    `feature: Plain
basis: { rule: "OICP 2.3 says so" }
scenarios:
  - id: plain
    title: A plain-text rule
    request:
      operatorId: "{{operatorId}}"
      body: { OperatorID: "{{operatorId}}", Identification: { RFIDMifareFamilyIdentification: { UID: "{{authorizedUid}}" } } }
    expect: { status: 200 }
`,
  );
  const run = basisCli(['--rules', '--json'], { OICP_SCENARIOS: file });
  expect(run.status).toBe(2);
  expect(run.stderr).toContain(`${file}:2`);
  expect(run.stderr).toContain('a rule cites the passage');
  expect(run.stdout).toBe('');
});
