import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { CHECKS } from '../../src/checks/registry.ts';
import { projectRoot } from '../../src/paths.ts';
import { renderChecksDoc } from '../../src/report/checks-doc.ts';

test('docs/checks.md is the rendering of the checks registry (run npm run docs:checks after changing a check)', () => {
  expect(fs.readFileSync(path.join(projectRoot, 'docs', 'checks.md'), 'utf8')).toBe(renderChecksDoc(CHECKS));
});

test('check names are unique and read as rules', () => {
  const names = CHECKS.map((c) => c.name);
  expect(new Set(names).size).toBe(names.length);
  for (const name of names) expect(name).toMatch(/^[a-z][A-Za-z0-9]+$/);
});

test('the README gives the two commands on its first screen', () => {
  const firstScreen = fs
    .readFileSync(path.join(projectRoot, 'README.md'), 'utf8')
    .split('\n')
    .slice(0, 30)
    .join('\n');
  expect(firstScreen).toContain('npm ci && npm run conformance');
  expect(firstScreen).toContain('npm ci && npm test');
});
