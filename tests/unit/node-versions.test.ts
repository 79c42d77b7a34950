import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../src/paths.ts';
import { expect, test } from '../support/test.ts';

// The Node versions the suite supports, named the same in package.json, the README and the CI workflows.
const read = (file: string) => fs.readFileSync(path.join(projectRoot, file), 'utf8');

interface Workflow {
  jobs: Record<
    string,
    {
      strategy?: { matrix?: { node?: number[] } };
      steps: Array<{ uses?: string; with?: Record<string, unknown> }>;
    }
  >;
}

test('package.json names Node 22 and newer', () => {
  expect((JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node).toBe('>=22');
});

test('the pull-request workflow tests Node 22 and 24 with actions/setup-node; no workflow uses Node 20', () => {
  const pr = parse(read('.github/workflows/pull-request.yml')) as Workflow;
  const job = pr.jobs.test;
  expect(job?.strategy?.matrix?.node).toEqual([22, 24]);
  const setup = job?.steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
  expect(setup?.with?.['node-version']).toBe(`\${{ matrix.node }}`);
  for (const file of ['pull-request.yml', 'nightly-qa.yml']) {
    const workflow = parse(read(`.github/workflows/${file}`)) as Workflow;
    for (const step of Object.values(workflow.jobs).flatMap((j) => j.steps))
      if (step.uses?.startsWith('actions/setup-node@'))
        expect(String(step.with?.['node-version']), file).toMatch(/^(22|24|\$\{\{ matrix\.node \}\})$/);
  }
});

test('the README says which Node versions are tested and what holds for Node 20', () => {
  const readme = read('README.md');
  expect(readme).toContain('tested on Node 22 and 24');
  expect(readme).toMatch(/Node 20 reached its end of life on 2026-04-30/);
  expect(readme).not.toContain('≥ 20.11');
});

test(".ci/run tests on a supported Node: below the engines' lower bound it installs a pinned Node within them", () => {
  const script = read('.ci/run');
  const lowest = Number(
    /^>=(\d+)$/.exec((JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node)?.[1],
  );
  const pinned = /^CI_NODE_VERSION=(\d+)\.\d+\.\d+$/m.exec(script)?.[1];
  const threshold = /"\$\(node -p '[^']*'\)" -lt (\d+) \]/.exec(script)?.[1];
  expect({ pinned: Number(pinned), threshold: Number(threshold) }).toEqual({
    pinned: lowest,
    threshold: lowest,
  });
  // Installed before `npm ci`, so that npm and every script below run on it.
  expect(script.indexOf('export PATH="$ci_node_dir/node_modules/.bin:$PATH"')).toBeGreaterThan(0);
  expect(script.indexOf('export PATH=')).toBeLessThan(script.indexOf('npm ci --no-audit'));
});
