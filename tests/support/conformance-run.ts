import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/paths.ts';
import { type RunRecord, readRunRecord } from '../../src/report/run-record.ts';

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

interface JsonResult {
  status: string;
  error?: { message?: string };
  attachments?: Array<{ name: string; body?: string }>;
}

/** The runner's verdicts.json attachment of one scenario. */
export interface Verdicts {
  failed: Array<{ check: string; expected: string; received: string }>;
  advisories: Array<{ check: string; deviation?: string }>;
  unconfirmed?: Array<{
    check: string;
    expectation: string;
    basis: string;
    expected: string;
    received: string;
  }>;
  passed: string[];
  notApplicable: string[];
}

export interface ScenarioResult {
  title: string;
  id: string;
  status: string;
  error: string;
  /** Absent when the scenario stopped before its checks (lint or transport error). */
  verdicts?: Verdicts;
}

function verdictsOf(result: JsonResult | undefined): Verdicts | undefined {
  const body = result?.attachments?.find((a) => a.name === 'verdicts.json')?.body;
  return body ? (JSON.parse(Buffer.from(body, 'base64').toString('utf8')) as Verdicts) : undefined;
}

/** Flattens the JSON report into one row per scenario (its id read from the `[id]` title suffix). */
export function scenarioResults(report: PlaywrightJsonReport | undefined): ScenarioResult[] {
  const walk = (suite: JsonSuite): ScenarioResult[] => [
    ...(suite.specs ?? []).map((spec) => {
      const last = spec.tests[0]?.results.at(-1);
      return {
        title: spec.title,
        id: /\[([a-z0-9-]+)\]$/.exec(spec.title)?.[1] ?? spec.title,
        status: last?.status ?? 'unknown',
        error: last?.error?.message ?? '',
        verdicts: verdictsOf(last),
      };
    }),
    ...(suite.suites ?? []).flatMap(walk),
  ];
  return (report?.suites ?? []).flatMap(walk);
}

/**
 * Runs the real `npm run conformance` entry point as a child process, with its own reports folder,
 * so that tests judge exactly what a user would see. Bounded: killed after `timeoutMs`.
 */
export function runConformance(
  env: Record<string, string>,
  options: { args?: string[]; timeoutMs?: number; jsonReporterOnly?: boolean } = {},
): Promise<ConformanceRun> {
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    OICP_REPORTS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-run-')),
    ...env,
  };
  // A folder of its own, unless the test names one (several runs into the same folder).
  const reportsDir = childEnv.OICP_REPORTS_DIR as string;
  const args = [...(options.args ?? [])];
  if (options.jsonReporterOnly) {
    // Playwright's own --reporter replaces the configured ones: the same run, without the report generation
    // (the suite's own reporter stays: it writes the run record the console summary reads).
    args.push(`--reporter=json,${path.join(projectRoot, 'src', 'report', 'run-reporter.ts')}`);
    childEnv.PLAYWRIGHT_JSON_OUTPUT_FILE = path.join(reportsDir, 'results.json');
  }
  // The parent Playwright's own variables would confuse the child run; so would a mock port or target
  // of the shell the tests were started from (each test names its own).
  for (const key of Object.keys(childEnv))
    if (key.startsWith('TEST_') || key.startsWith('PW_')) delete childEnv[key];
  for (const key of ['OICP_MOCK_PORT', 'OICP_BASE_URL', 'OICP_ENV', 'OICP_SCENARIOS'])
    if (!(key in env)) delete childEnv[key];
  // A developer's own settings file (data/environments/qa.env) must not leak into a test's run.
  if (!('OICP_SETTINGS_FILE' in env)) childEnv.OICP_SETTINGS_FILE = 'none';
  delete childEnv.FORCE_COLOR;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/conformance.ts', ...args], {
      cwd: projectRoot,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const resultsFile = path.join(reportsDir, 'results.json');
      const results = fs.existsSync(resultsFile)
        ? (JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as PlaywrightJsonReport)
        : undefined;
      resolve({
        exitCode: code ?? -1,
        stdout,
        stderr,
        reportsDir,
        results,
        record: readRunRecord(reportsDir),
      });
    });
  });
}
