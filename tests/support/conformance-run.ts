import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { conformance } from '../../src/cli/conformance-command.ts';
import { projectRoot } from '../../src/paths.ts';
import { type RunRecord, readRunRecord } from '../../src/record/run-record.ts';
import type { ScenarioVerdicts } from '../../src/record/verdicts.ts';

export interface ConformanceRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  reportsDir: string;
  /** Playwright's JSON report of the run, when the run got that far. */
  results?: PlaywrightJsonReport;
  /** The suite's run record (run.json), when the run got that far. */
  record?: RunRecord;
}

export interface PlaywrightJsonReport {
  stats: { expected: number; unexpected: number; skipped: number };
  suites: JsonSuite[];
}
interface JsonSuite {
  title: string;
  specs?: Array<{
    title: string;
    tests: Array<{ results: Array<{ status: string; error?: { message?: string } }> }>;
  }>;
  suites?: JsonSuite[];
}

export interface ScenarioResult {
  title: string;
  id: string;
  status: string;
  error: string;
  /** Absent when the scenario stopped before its checks (lint or transport error). */
  verdicts?: ScenarioVerdicts;
}

/** One row per scenario of a run, from the suite's run record (run.json): what every test reads. */
export function scenarioResults(run: { record?: RunRecord } | undefined): ScenarioResult[] {
  return (run?.record?.scenarios ?? []).map((scenario) => ({
    title: `${scenario.title} [${scenario.id}]`,
    id: scenario.id,
    status: scenario.status,
    error: scenario.error ?? scenario.skipReason ?? '',
    verdicts: scenario.verdicts,
  }));
}

/** A run's scenarios by outcome: those that failed, and those a dead target left not run (skipped). */
export function scenariosByOutcome(run: { record?: RunRecord } | undefined) {
  const results = scenarioResults(run);
  return {
    results,
    failed: results.filter((r) => r.status === 'failed'),
    notRun: results.filter((r) => r.status === 'skipped'),
  };
}

/**
 * The environment of a test's conformance run: this process's, with a reports folder of its own (unless the
 * test names one), without the parent Playwright's variables, the shell's target or mock port, or a
 * developer's settings file — each test names what it needs.
 */
export function runEnvironment(env: Record<string, string>): Record<string, string | undefined> {
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    OICP_REPORTS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-run-')),
    ...env,
  };
  for (const key of Object.keys(childEnv))
    if (key.startsWith('TEST_') || key.startsWith('PW_')) delete childEnv[key];
  for (const key of ['OICP_MOCK_PORT', 'OICP_BASE_URL', 'OICP_ENV', 'OICP_SCENARIOS'])
    if (!(key in env)) delete childEnv[key];
  // A developer's own settings file (data/environments/qa.env) must not leak into a test's run.
  if (!('OICP_SETTINGS_FILE' in env)) childEnv.OICP_SETTINGS_FILE = 'none';
  delete childEnv.FORCE_COLOR;
  return childEnv;
}

/** Playwright's own --reporter replaces the configured ones: the same run, without the Allure results and report. */
function runArgs(options: { args?: string[]; recordOnly?: boolean }): string[] {
  const args = [...(options.args ?? [])];
  // The suite's own reporter stays: it writes the run record every test reads.
  if (options.recordOnly)
    args.push(`--reporter=${path.join(projectRoot, 'src', 'playwright', 'run-reporter.ts')}`);
  return args;
}

/** What a run left in its reports folder for the tests: Playwright's JSON report and the run record. */
function runOutcome(
  reportsDir: string,
  outcome: { exitCode: number; stdout: string; stderr: string },
): ConformanceRun {
  const resultsFile = path.join(reportsDir, 'results.json');
  const results = fs.existsSync(resultsFile)
    ? (JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as PlaywrightJsonReport)
    : undefined;
  return { ...outcome, reportsDir, results, record: readRunRecord(reportsDir) };
}

/**
 * A conformance run, as `npm run conformance` makes it, with its own reports folder: the command
 * (`conformance(argv, env, output)`) in this process, the mock and Playwright as its child processes, every
 * line captured — the command's, Playwright's and the mock's. For what the command decides before Playwright
 * starts (configuration errors, preflight, the reports folder) as much as for whole runs. What only the
 * process itself shows (its exit, signals, the entry point's own lines) is for runConformanceProcess.
 */
export async function runConformance(
  env: Record<string, string>,
  options: { args?: string[]; recordOnly?: boolean } = {},
): Promise<ConformanceRun> {
  const runEnv = runEnvironment(env);
  const reportsDir = runEnv.OICP_REPORTS_DIR as string;
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exitCode = await conformance(runArgs(options), runEnv, {
    log: (text) => stdout.push(`${text}\n`),
    error: (text) => stderr.push(`${text}\n`),
  });
  return runOutcome(reportsDir, { exitCode, stdout: stdout.join(''), stderr: stderr.join('') });
}

/**
 * Runs the real `npm run conformance` entry point as a child process, with its own reports folder, so that a
 * test judges exactly what a user would see of the process. Bounded: killed after `timeoutMs`.
 */
export function runConformanceProcess(
  env: Record<string, string>,
  options: { args?: string[]; timeoutMs?: number; recordOnly?: boolean } = {},
): Promise<ConformanceRun> {
  const childEnv = runEnvironment(env);
  // A folder of its own, unless the test names one (several runs into the same folder).
  const reportsDir = childEnv.OICP_REPORTS_DIR as string;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/conformance.ts', ...runArgs(options)],
      { cwd: projectRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 240_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(runOutcome(reportsDir, { exitCode: code ?? -1, stdout, stderr }));
    });
  });
}
