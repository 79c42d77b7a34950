import fs from 'node:fs';
import path from 'node:path';
import { conformanceUsage, wantsHelp } from '../../src/cli/usage.ts';
import { projectRoot } from '../../src/paths.ts';
import { expect, test } from '../support/test.ts';

/** The source files whose OICP_ variables the usage must list: the suite (src/), the mock and the run's config. */
function sourceFiles(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return walk(full);
      return entry.name.endsWith('.ts') ? [full] : [];
    });
  return [
    ...walk(path.join(projectRoot, 'src')),
    ...walk(path.join(projectRoot, 'mock')),
    path.join(projectRoot, 'playwright.config.ts'),
  ];
}

/**
 * Every OICP_ name the code mentions, minus what is not an environment variable:
 * - a constant the code declares under that name (`const OICP_TYPES = …`);
 * - a prefix written with `*` (`OICP_MOCK_*` in a comment): the variables it stands for are collected one by one.
 * Test-only variables: none is read under src/ or mock/ (tests/ is not searched).
 */
function variablesTheCodeReads(): { variables: Set<string>; where: Map<string, string> } {
  const variables = new Set<string>();
  const constants = new Set<string>();
  const where = new Map<string, string>();
  for (const file of sourceFiles()) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bconst\s+(OICP_[A-Z0-9_]+)\b/g)) constants.add(m[1] as string);
    for (const m of text.matchAll(/\bOICP_[A-Z0-9_]*[A-Z0-9]\b(?!\*)/g)) {
      variables.add(m[0]);
      if (!where.has(m[0])) where.set(m[0], path.relative(projectRoot, file));
    }
  }
  for (const constant of constants) variables.delete(constant);
  return { variables, where };
}

const usage = conformanceUsage();
/** The names the usage lists at the start of a line; `OICP_QA_*` stands for every OICP_QA_ variable. */
const listed = [...usage.matchAll(/^\s+(OICP_[A-Z0-9_]+\*?)\s/gm)].map((m) => m[1] as string);
const isListed = (name: string) =>
  listed.some((entry) => (entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : entry === name));

test('the usage lists every OICP_ environment variable the code reads', () => {
  const { variables, where } = variablesTheCodeReads();
  expect(variables.size).toBeGreaterThan(20);
  const missing = [...variables]
    .filter((name) => !isListed(name))
    .map((name) => `${name} (${where.get(name)})`);
  expect(missing, 'add them to src/cli/usage.ts').toEqual([]);
});

test('the usage lists no OICP_ variable the code does not read', () => {
  const { variables } = variablesTheCodeReads();
  const qaProfile = fs.readFileSync(path.join(projectRoot, 'data', 'environments', 'qa.yaml'), 'utf8');
  for (const entry of listed) {
    if (entry.endsWith('*')) expect(qaProfile, entry).toContain(entry.slice(0, -1));
    else expect(variables.has(entry), `${entry} is listed but read nowhere`).toBe(true);
  }
});

test('the usage names the commands, the Playwright options, the reports and the exit codes', () => {
  const scripts = Object.keys(
    (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: object })
      .scripts,
  );
  for (const command of [
    'conformance',
    'mock',
    'report',
    'catalogue:basis',
    'compare',
    'docs:requirements',
  ]) {
    expect(scripts).toContain(command);
    expect(usage).toContain(`npm run ${command}`);
  }
  expect(usage).toContain('npm test');
  for (const option of ['--grep', '--grep-invert', '--shard', '--workers', '--reporter', '--list'])
    expect(usage).toMatch(new RegExp(`^\\s+${option}\\b`, 'm'));
  expect(usage).toContain('reports/');
  for (const report of [
    'allure-report/index.html',
    'junit.xml',
    'exchanges.jsonl',
    'calibration.md',
    'coverage.md',
  ])
    expect(usage).toContain(report);
  expect(usage).toMatch(/^\s+0\s+every scenario passed/m);
  expect(usage).toMatch(/^\s+1\s+a scenario.*quality gate failed/m);
  expect(usage).toMatch(/^\s+2\s+configuration error[\s\S]*nothing was sent/m);
});

test('--help and -h ask for the usage, also among other options; an argument after -- does not', () => {
  expect(wantsHelp(['--help'])).toBe(true);
  expect(wantsHelp(['-h'])).toBe(true);
  expect(wantsHelp(['--grep', '@smoke', '--help'])).toBe(true);
  expect(wantsHelp([])).toBe(false);
  expect(wantsHelp(['--grep', '@smoke'])).toBe(false);
  expect(wantsHelp(['--', '--help'])).toBe(false);
});
