import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../src/paths.ts';
import { expect, test } from '../support/test.ts';

// The CI examples are not run here (no GitHub Actions), but they must parse and say what docs/ci.md says.

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, string>;
  jobs: Record<string, { env?: Record<string, string>; steps?: Step[]; if?: string; needs?: string }>;
}

function workflow(name: string): Workflow {
  const file = path.join(projectRoot, '.github', 'workflows', name);
  const parsed = parse(fs.readFileSync(file, 'utf8'), { strict: true, uniqueKeys: true }) as Workflow;
  expect(parsed.jobs, name).toBeTruthy();
  return parsed;
}

const runs = (steps: Step[] = []) => steps.map((step) => step.run ?? '').join('\n');

test('the pull-request workflow runs npm ci && npm test against the embedded mock, with no secrets', () => {
  const pr = workflow('pull-request.yml');
  expect(Object.keys(pr.on)).toContain('pull_request');
  const steps = Object.values(pr.jobs).flatMap((job) => job.steps ?? []);
  const commands = steps.map((step) => step.run).filter(Boolean);
  expect(commands.indexOf('npm ci')).toBeGreaterThanOrEqual(0);
  expect(commands.indexOf('npm test')).toBeGreaterThan(commands.indexOf('npm ci'));
  const text = fs.readFileSync(path.join(projectRoot, '.github', 'workflows', 'pull-request.yml'), 'utf8');
  expect(text).not.toMatch(/\{\{\s*secrets\./);
  expect(text).not.toMatch(/OICP_BASE_URL|OICP_ENV/);
});

test('the nightly workflow runs against Hubject QA with the certificate from secrets, keeps the history, keeps the report', () => {
  const nightly = workflow('nightly-qa.yml');
  expect(Object.keys(nightly.on)).toEqual(expect.arrayContaining(['schedule', 'workflow_dispatch']));
  const job = nightly.jobs.conformance;
  if (!job?.steps) throw new Error('no conformance job');
  expect(job.env?.OICP_ENV).toBe('qa');
  expect(job.env?.OICP_ALLURE_HISTORY).toContain('.allure-history/');
  expect(job.env?.OICP_QA_QR_PIN).toMatch(/^\$\{\{ secrets\.OICP_QA_QR_PIN \}\}$/);
  const steps = job.steps;
  const index = (predicate: (step: Step) => boolean) => steps.findIndex(predicate);

  const certificate = steps[index((s) => (s.run ?? '').includes('OICP_CLIENT_CERT='))];
  expect(certificate?.env?.CLIENT_KEY_PEM).toMatch(/^\$\{\{ secrets\.OICP_CLIENT_KEY_PEM \}\}$/);
  expect(certificate?.run).toContain('umask 077');
  expect(certificate?.run).toContain('$RUNNER_TEMP');
  expect(certificate?.run).toContain('OICP_CLIENT_PFX=');

  const restore = index((s) => s.uses?.startsWith('actions/cache/restore') ?? false);
  const conformance = index((s) => s.run === 'npm run conformance');
  const save = index((s) => s.uses?.startsWith('actions/cache/save') ?? false);
  const cleanup = index((s) => (s.run ?? '').includes('rm -rf "$RUNNER_TEMP/oicp-tls"'));
  expect(restore).toBeGreaterThan(-1);
  expect(conformance).toBeGreaterThan(restore);
  expect(save).toBeGreaterThan(conformance);
  expect(steps[save]?.if).toBe('always()');
  expect(steps[cleanup]?.if).toBe('always()');
  expect(steps[restore]?.with?.path).toBe('.allure-history');
  expect(steps[conformance]?.env?.OICP_CLIENT_PASSPHRASE).toMatch(
    /^\$\{\{ secrets\.OICP_CLIENT_PASSPHRASE \}\}$/,
  );
  expect(steps.some((s) => s.uses?.startsWith('actions/upload-artifact') && s.if === 'always()')).toBe(true);
  expect(runs(steps)).toContain('OICP_QA_');
  expect(nightly.jobs.publish?.needs).toBe('conformance');
});

test('the guides explain the reports, the history in CI and the quality gate', () => {
  const guide = (name: string) => fs.readFileSync(path.join(projectRoot, 'docs', name), 'utf8');
  const ci = guide('ci.md');
  for (const text of [
    '.github/workflows/pull-request.yml',
    '.github/workflows/nightly-qa.yml',
    'OICP_ALLURE_HISTORY',
  ])
    expect(ci).toContain(text);
  const reports = guide('reports.md');
  for (const text of ['OICP_ALLURE_HISTORY', 'OICP_SOURCE_URL', 'npm run report:screenshot', 'certification'])
    expect(reports).toContain(text);
  const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
  for (const text of ['(docs/ci.md)', '(docs/reports.md)']) expect(readme).toContain(text);
});
