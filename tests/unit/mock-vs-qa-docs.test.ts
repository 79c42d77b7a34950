import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../src/paths.ts';
import { expect, test } from '../support/test.ts';

// The loop of mock versus QA as the workflows and docs/mock-vs-qa.md set it up (the workflows are not run here).

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}

function steps(name: string): Step[] {
  const text = fs.readFileSync(path.join(projectRoot, '.github', 'workflows', name), 'utf8');
  const workflow = parse(text, { strict: true, uniqueKeys: true }) as {
    permissions: Record<string, string>;
    jobs: Record<string, { steps?: Step[] }>;
  };
  expect(workflow.permissions.actions, `${name} may download artifacts`).toBe('read');
  return Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);
}

test('the nightly keeps its exchanges for the next night, and compares itself with the night before', () => {
  const nightly = steps('nightly-qa.yml');
  const index = (predicate: (step: Step) => boolean) => nightly.findIndex(predicate);
  const previous = index(
    (s) => (s.run ?? '').includes('OICP_COMPARE_WITH=') && (s.run ?? '').includes('oicp-qa-exchanges'),
  );
  const conformance = index((s) => s.run === 'npm run conformance');
  const keep = index(
    (s) => s.uses?.startsWith('actions/upload-artifact') === true && s.with?.name === 'oicp-qa-exchanges',
  );
  expect(previous).toBeGreaterThan(-1);
  expect(conformance).toBeGreaterThan(previous);
  expect(keep).toBeGreaterThan(conformance);
  expect(nightly[keep]?.if).toContain('always()');
  expect(String(nightly[keep]?.with?.path)).toContain('reports/exchanges.jsonl');
  expect(String(nightly[keep]?.with?.path)).toContain('reports/calibration.md');
  expect(
    nightly.some(
      (s) =>
        (s.run ?? '').includes('reports/calibration.md') && (s.run ?? '').includes('GITHUB_STEP_SUMMARY'),
    ),
  ).toBe(true);
});

test('a pull request compares the mock run with the last nightly when there is one', () => {
  const pr = steps('pull-request.yml');
  const test = pr.findIndex((s) => s.run === 'npm test');
  const download = pr.findIndex((s) => (s.run ?? '').includes('--name oicp-qa-exchanges'));
  const compare = pr.findIndex((s) =>
    (s.run ?? '').includes('npm run compare -- qa-exchanges/exchanges.jsonl reports/exchanges.jsonl'),
  );
  expect(download).toBeGreaterThan(test);
  expect(compare).toBeGreaterThan(download);
  expect(pr[compare]?.if).toContain("hashFiles('qa-exchanges/exchanges.jsonl') != ''");
});

test('docs/mock-vs-qa.md explains the loop, its commands and settings', () => {
  const guide = fs.readFileSync(path.join(projectRoot, 'docs', 'mock-vs-qa.md'), 'utf8');
  for (const text of [
    'npm run compare -- <run A> <run B>',
    '--fail-on-outcome-drift',
    'OICP_COMPARE_WITH',
    'OICP_MOCK_REPLAY',
    'OICP_MOCK_REPLAY_TIMING',
    'exchanges.jsonl',
    'calibration.md',
    'drift.md',
    'docs/exchanges.md',
  ])
    expect(guide).toContain(text);
  expect(guide).toMatch(/^#{2,3} Calibrating a profile$/m);
  expect(guide).toMatch(/^#{2,3} Replaying a recorded run$/m);
  // The README leads there.
  expect(fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8')).toContain('(docs/mock-vs-qa.md');
  const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  expect(pkg.scripts.compare).toBe('node --import tsx src/cli/compare.ts');
});
