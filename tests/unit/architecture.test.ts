import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { ICruiseResult, IForbiddenRuleType } from 'dependency-cruiser';
import { projectRoot } from '../../src/paths.ts';
import { expect, test } from '../support/test.ts';

// The import rules of .dependency-cruiser.cjs (run by `npm run lint`): layers that only point down, no cycle
// among files, the mock apart. Held to the code base, and shown to catch each kind of violation in a
// throwaway tree — a rule set that catches nothing would pass the code base as well.

const config = createRequire(import.meta.url)(path.join(projectRoot, '.dependency-cruiser.cjs')) as {
  forbidden: IForbiddenRuleType[];
};

async function violations(
  baseDir: string,
  paths: string[],
  cruised?: (modules: number, dependencies: number) => void,
  cacheFolder?: string,
): Promise<string[]> {
  // Loaded when a test needs it (with TypeScript, a second and more): Playwright's main process loads every
  // test file only to list the tests.
  const { cruise } = await import('dependency-cruiser');
  const { output } = await cruise(paths, {
    baseDir,
    ...(cacheFolder ? { cache: { folder: cacheFolder, strategy: 'content' as const } } : {}),
    validate: true,
    ruleSet: { forbidden: config.forbidden },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
  });
  const result = output as ICruiseResult;
  cruised?.(result.summary.totalCruised, result.summary.totalDependenciesCruised ?? 0);
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

test('the code base keeps its layers: no import points up, no cycle among files, the mock apart', async () => {
  let modules = 0;
  let dependencies = 0;
  const found = await violations(
    projectRoot,
    ['src', 'mock', 'specs', 'scripts', 'playwright.config.ts'],
    (m, d) => {
      modules = m;
      dependencies = d;
    },
    // Keyed on the files' contents, as `npm run lint` keeps its own (a folder of the tests' own: the two run
    // side by side): after the first run only what changed is read again.
    path.join(projectRoot, 'node_modules', '.cache', 'dependency-cruiser-tests'),
  );
  expect(found).toEqual([]);
  // The imports were followed (a resolver that finds none would find no violation either).
  expect(modules).toBeGreaterThan(100);
  expect(dependencies).toBeGreaterThan(400);
});

test('the rules catch an import up the layers, a cycle among files, the mock borrowing a check, the suite borrowing the mock', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-layers-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  // A check that reaches into the reports (a layer above), two files that import each other, a mock file
  // that imports a check, a report that imports the mock.
  write(
    'src/checks/check.ts',
    "import { summary } from '../report/summary.ts';\nexport const check = summary;\n",
  );
  write(
    'src/report/summary.ts',
    "import { mock } from '../../mock/server.ts';\nexport const summary = mock;\n",
  );
  write('src/text.ts', "import { b } from './redact.ts';\nexport const a = b;\n");
  write('src/redact.ts', "import { a } from './text.ts';\nexport const b = () => a;\n");
  write(
    'mock/server.ts',
    "import { check } from '../src/checks/check.ts';\nexport const mock = () => check;\n",
  );
  write('mock/reader.ts', "import { read } from '../src/input/read.ts';\nexport const reader = read;\n");
  write('src/input/read.ts', 'export const read = 1;\n');
  const found = await violations(root, ['src', 'mock']);
  expect(found).toEqual(
    expect.arrayContaining([
      'layer-model: src/checks/check.ts -> src/report/summary.ts',
      'mock-apart: mock/server.ts -> src/checks/check.ts',
      'suite-without-mock: src/report/summary.ts -> mock/server.ts',
      expect.stringMatching(/^no-circular: src\/(text|redact)\.ts -> src\/(redact|text)\.ts$/),
    ]),
  );
  // The guarded input reading is the one thing the mock may share.
  expect(found.filter((v) => v.includes('mock/reader.ts'))).toEqual([]);
});

test('no comment points at a document the repository does not have', () => {
  const outside = /\bDESIGN(?:\.md)?\b|\.\.\/shared\//;
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(projectRoot, dir), { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(ts|mjs|cjs)$/.test(entry.name))
        fs.readFileSync(path.join(projectRoot, file), 'utf8')
          .split('\n')
          .forEach((line, index) => {
            if (outside.test(line)) found.push(`${file}:${index + 1}`);
          });
    }
  };
  for (const dir of ['src', 'mock', 'specs', 'scripts']) walk(dir);
  expect(found).toEqual([]);
});

test("scenarios and the suite's own tests run on Playwright's base test: no browser fixture around them", async () => {
  // @playwright/test's `test` sets up some thirty browser options around every test, each a step with a
  // captured stack trace; neither a scenario nor a test of the suite asks for a page. Their `test` must be the
  // base test: specs/fixtures.ts extends it, tests/support/test.ts hands it to the tests.
  const named = (file: string) =>
    [
      ...fs
        .readFileSync(path.join(projectRoot, file), 'utf8')
        .matchAll(/import\s*\{([^}]*)\}\s*from\s*'@playwright\/test'/g),
    ].flatMap((m) => (m[1] ?? '').split(',').map((name) => name.trim()));
  expect(named('specs/fixtures.ts')).toEqual(['_baseTest as base']);
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(projectRoot, dir), { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts') && named(file).some((name) => /^test\b/.test(name)))
        found.push(file);
    }
  };
  walk('tests');
  expect(found, "tests import `test` from tests/support/test.ts, not from '@playwright/test'").toEqual([]);
  expect(fs.readFileSync(path.join(projectRoot, 'tests', 'support', 'test.ts'), 'utf8')).toContain(
    "export { _baseTest as test, expect } from '@playwright/test';",
  );
  // And the installed Playwright still offers it.
  const playwright = await import('@playwright/test');
  expect(typeof playwright._baseTest.extend).toBe('function');
});
