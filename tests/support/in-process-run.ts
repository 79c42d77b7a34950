import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MockServerOptions } from '../../mock/server.ts';
import { ExchangeLogWriter, mergeExchangeParts } from '../../src/exchange/log-file.ts';
import { NodeTransport } from '../../src/exchange/node-transport.ts';
import { failureCategory } from '../../src/record/failure-category.ts';
import {
  ANNOTATION,
  type RunRecord,
  type ScenarioRecord,
  scenarioRecord,
} from '../../src/record/run-record.ts';
import { parseVerdicts, VERDICTS_ATTACHMENT } from '../../src/record/verdicts.ts';
import { Redactor } from '../../src/redact.ts';
import { limitAttachment } from '../../src/report/attachment-limit.ts';
import { judgeRun } from '../../src/report/run-checks.ts';
import { scenarioYaml } from '../../src/report/scenario-source.ts';
import { consoleWidth, formatRunSummary, runSummary } from '../../src/report/summary.ts';
import { reportPaths } from '../../src/reports-folder/paths.ts';
import { describeStop, FailFast } from '../../src/run/fail-fast.ts';
import { type RunHooks, runScenario } from '../../src/run/scenario-runner.ts';
import { type LoadedSuite, loadSuiteFresh } from '../../src/run/suite.ts';
import type { Scenario } from '../../src/scenarios/types.ts';
import type { ConformanceRun } from './conformance-run.ts';
import { withMock } from './with-mock.ts';

/**
 * A conformance run in this process, for tests that judge many runs' worth of verdicts without paying for
 * Playwright's workers and a child process each time: every scenario goes through `runScenario` with what a
 * worker gives it (its profile and schemas, a keep-alive transport, the run's fail-fast state, the exchange
 * log, hooks that keep the attachments), becomes the record the run's reporter would write for it, and the
 * run is judged as the conformance command judges it (run-level checks, console summary, exit code).
 *
 * Left out, because they are evidence rather than verdicts: the Allure labels and steps, and the Allure
 * report with its quality gate (the exit code here is the scenarios' and the run-level checks'). One child
 * run (tests/support/conformance-run.ts) keeps proving that the real command is wired the same way.
 *
 * Everything this suite's tests know about how a scenario's result travels from the runner to the record is
 * in this file.
 */

/** What `runInProcess` needs to know beyond the suites. */
interface InProcessOptions {
  /** Scenarios in flight at once (each "worker" has a transport of its own, as Playwright's do). Default 1. */
  workers?: number;
}

/** One scenario to run, with the suite (profile, schemas) that judges it. */
interface Job {
  suite: LoadedSuite;
  scenario: Scenario;
}

/**
 * Runs every scenario of the given suites, in order, against the target of each suite's profile; returns the
 * run the way `runConformance` returns a child run: the run record, what the command prints after the run
 * (the console summary and the run-level checks) and its exit code, and a private reports folder holding
 * `run-checks.json` and the exchange log (`exchanges.jsonl`, for a comparison or a replay).
 */
export async function runInProcess(
  suites: readonly LoadedSuite[],
  options: InProcessOptions = {},
): Promise<ConformanceRun & { record: RunRecord }> {
  const [first] = suites;
  if (!first) throw new Error('runInProcess needs at least one suite');
  const started = Date.now();
  const reportsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-in-process-'));
  const reports = reportPaths({ OICP_REPORTS_DIR: reportsDir });
  const runId = randomUUID();
  FailFast.reset(reports.runState);
  // One fail-fast state and one exchange log for the whole run, as Playwright's workers share them.
  const failFast = new FailFast(reports.runState, first.profile.failFast);
  const writer = new ExchangeLogWriter(reports.runState);
  const exchangeLog = { runId, record: writer.record.bind(writer) };

  const jobs: Job[] = suites.flatMap((suite) => suite.scenarios.map((scenario) => ({ suite, scenario })));
  const records: ScenarioRecord[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    const transports = new Map<LoadedSuite, NodeTransport>();
    try {
      for (let index = next++; index < jobs.length; index = next++) {
        const { suite, scenario } = jobs[index] as Job;
        let transport = transports.get(suite);
        if (!transport) {
          const { baseUrl, tls, maxAnswerBytes } = suite.profile;
          transport = new NodeTransport({ baseUrl, tls, maxAnswerBytes });
          transports.set(suite, transport);
        }
        records[index] = await runOne(scenario, suite, { transport, failFast, exchangeLog });
      }
    } finally {
      for (const transport of transports.values()) transport.close();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.workers ?? 1) }, worker));

  const failed = records.some((s) => s.status !== 'passed' && s.status !== 'skipped');
  const record: RunRecord = {
    runId,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date().toISOString(),
    loaded: jobs.length,
    planned: jobs.length,
    status: failed ? 'failed' : 'passed',
    scenarios: records,
    errors: [],
  };
  // The exchange log the run's reporter leaves (exchanges.jsonl): what a comparison or a replay reads.
  mergeExchangeParts(
    reports.runState,
    reports.exchangeLog,
    records.map((r) => r.id),
  );
  // What the conformance command does after Playwright, minus the Allure report and coverage files.
  const runChecks = judgeRun(reports, record, first.profile.name, started);
  const stop = FailFast.stopOf(reports.runState);
  const stdout = [
    `\n${formatRunSummary(runSummary(record), { width: consoleWidth({}) })}`,
    ...(stop ? [`\n✘ ${describeStop(stop)}\n  The remaining scenarios were not run.`] : []),
    runChecks.text,
  ].join('\n');
  return {
    exitCode: stop || failed || !runChecks.passed ? 1 : 0,
    stdout: `${stdout}\n`,
    stderr: '',
    reportsDir,
    record,
  };
}

/** One scenario as the spec runs it (specs/authorize-start.spec.ts), recorded as the run's reporter records it. */
async function runOne(
  scenario: Scenario,
  suite: LoadedSuite,
  worker: {
    transport: NodeTransport;
    failFast: FailFast;
    exchangeLog: { runId: string; record: ExchangeLogWriter['record'] };
  },
): Promise<ScenarioRecord> {
  const began = performance.now();
  const annotations: Array<{ type: string; description?: string }> = [
    { type: ANNOTATION.scenario, description: scenario.id },
    { type: ANNOTATION.source, description: `${scenario.source.file}:${scenario.source.line}` },
  ];
  // The reports keep each attachment cut to the size the fixtures cut it to: the record reads them after that.
  const attachments: Array<{ name: string; body: string }> = [];
  const hooks: RunHooks = {
    step: (_title, body) => body(),
    attach: async (name, contentType, body) => {
      attachments.push({ name, body: limitAttachment(body, contentType).body });
    },
    advisory: async (finding) => {
      annotations.push({ type: ANNOTATION.advisory, description: finding.oneLine });
    },
  };
  const finished = (status: ScenarioRecord['status'], error?: { message: string; stack?: string }) =>
    scenarioRecord({
      title: `${scenario.title} [${scenario.id}]`,
      feature: scenario.feature,
      status,
      durationMs: performance.now() - began,
      annotations,
      attachments,
      ...(error ? { error } : {}),
    });
  const skipped = (reason: string) => {
    annotations.push({ type: 'skip', description: reason });
    return finished('skipped');
  };

  if (scenario.skipReason !== undefined) {
    annotations.push({ type: ANNOTATION.enableWith, description: (scenario.enableWith ?? []).join(', ') });
    return skipped(scenario.skipReason);
  }
  const stop = worker.failFast.stopped();
  if (stop) return skipped(`not run: ${describeStop(stop)}`);
  const redactor = Redactor.forVariables(suite.profile.variables);
  const source = scenario.tags.includes('generated')
    ? undefined
    : scenarioYaml(scenario.source.file, scenario.id, redactor);
  try {
    await runScenario(scenario, {
      profile: suite.profile,
      schemas: suite.schemas,
      transport: worker.transport,
      hooks,
      failFast: worker.failFast,
      scenarioSource: source,
      exchangeLog: worker.exchangeLog,
    });
    return finished('passed');
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    // A failed scenario is filed under its category, as the evidence fixture files it after the test body.
    const verdicts = attachments.find((a) => a.name === VERDICTS_ATTACHMENT)?.body;
    const failedChecks = verdicts === undefined ? [] : (parseVerdicts(verdicts)?.failed ?? []);
    const category = failureCategory(failedChecks, message);
    if (category) annotations.push({ type: ANNOTATION.failureCategory, description: category });
    return finished('failed', {
      message,
      ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
    });
  }
}

/** The scenarios an environment selects, run in this process as the command would run them (no settings file). */
export function runEnvironmentInProcess(
  env: Record<string, string>,
): Promise<ConformanceRun & { record: RunRecord }> {
  return runInProcess([loadSuiteFresh({ OICP_SETTINGS_FILE: 'none', ...env })]);
}

/**
 * The scenarios an environment selects, run in this process against a mock started here with `mock`'s options,
 * with the settings of the command's run that started the embedded mock itself (the mock's port in
 * OICP_MOCK_PORT; the test names OICP_MOCK_REPLAY or OICP_MOCK_REGISTRY as the mock has them).
 */
export function runBesideMockInProcess(
  mock: Omit<MockServerOptions, 'port'>,
  env: Record<string, string>,
): Promise<ConformanceRun & { record: RunRecord }> {
  return withMock(mock, (running) =>
    runEnvironmentInProcess({ ...env, OICP_MOCK_PORT: new URL(running.url).port }),
  );
}
