import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type {
  FullConfig,
  FullResult,
  Reporter,
  Suite,
  TestCase,
  TestError,
  TestResult,
} from '@playwright/test/reporter';
import { describeTargetTls } from '../config/tls.ts';
import { mergeExchangeParts } from '../exchange/log-file.ts';
import { type ScenarioRecord, scenarioRecord, writeRunRecord } from '../record/run-record.ts';
import { junitXml } from '../report/junit.ts';
import { formatRunHeader } from '../report/summary.ts';
import { reportPaths } from '../reports-folder/paths.ts';
import { interruptionSignal, markRunBegun } from '../run/interruption.ts';
import { loadSuite } from '../run/suite.ts';

/** Playwright's file of a prompt that asks an AI assistant to explain the failure: not evidence. */
const ERROR_CONTEXT_ATTACHMENT = 'error-context';

/** How the header names the embedded mock: a replay says which recording it answers from. */
function embeddedMockWords(started: boolean): string {
  if (!started) return '';
  const replay = process.env.OICP_MOCK_REPLAY?.trim();
  return replay
    ? ` (embedded mock replaying ${path.relative(process.cwd(), replay) || replay})`
    : ' (embedded mock)';
}

export const JUNIT_SUITE_NAME = 'OICP 2.3 eRoamingAuthorizeStart conformance';

/** This file, as Playwright's --reporter names it. */
export const RUN_REPORTER = path.join(import.meta.dirname, 'run-reporter.ts');

/**
 * Playwright's `--reporter` replaces the configured reporters. The suite's own reporter is kept beside the
 * ones asked for: without it a run would leave no run record, no JUnit and no summary.
 */
export function keepingRunReporter(args: readonly string[]): string[] {
  const out = [...args];
  for (let index = 0; index < out.length; index++) {
    const arg = out[index] as string;
    if (arg.startsWith('--reporter=')) {
      if (!arg.includes(RUN_REPORTER)) out[index] = `${arg},${RUN_REPORTER}`;
    } else if (arg === '--reporter' && index + 1 < out.length) {
      const value = out[index + 1] as string;
      if (!value.includes(RUN_REPORTER)) out[index + 1] = `${value},${RUN_REPORTER}`;
      index++;
    }
  }
  return out;
}

/**
 * The suite's own Playwright reporter, in the main process. It prints the header (how many scenarios will
 * run, after OICP_SCENARIOS, --grep, --shard or file arguments; profile, target, TLS), keeps Playwright's `error-context` prompt out of every
 * report, and at the end writes the run record (`run.json`: what the console summary and the coverage
 * table read) and `junit.xml`. Listed first, so that the reporters after it see the attachments it removes.
 */
export default class RunReporter implements Reporter {
  private readonly runId = process.env.OICP_RUN_ID || randomUUID();

  constructor() {
    // The workers, started after this, inherit it: their exchange records name the run (the conformance CLI
    // names it; playwright.config.ts refuses a run it did not start).
    process.env.OICP_RUN_ID = this.runId;
  }

  private readonly reports = reportPaths();
  private startedAt = new Date();
  private planned: TestCase[] = [];
  private readonly records = new Map<TestCase, ScenarioRecord>();
  private readonly errors: string[] = [];
  private loadedScenarios?: number;

  printsToStdio(): boolean {
    return false;
  }

  onBegin(_config: FullConfig, suite: Suite): void {
    markRunBegun();
    this.startedAt = new Date();
    this.planned = suite.allTests();
    // The configuration loaded the suite in this process already (a module cache hit, nothing read twice).
    const { profile, scenarios } = loadSuite();
    this.loadedScenarios = scenarios.length;
    const header = formatRunHeader({
      planned: this.planned.length,
      loaded: scenarios.length,
      target: `profile '${profile.name}', target ${profile.baseUrl}${embeddedMockWords(profile.startEmbeddedMock)}`,
      scenariosSetting: process.env.OICP_SCENARIOS,
    });
    const tlsLine = describeTargetTls(profile);
    const tls = tlsLine ? [tlsLine] : [];
    const calibrated = scenarios.flatMap((s) => s.fromProfile ?? []);
    const fromProfile =
      calibrated.length > 0
        ? [
            `Expectations from profile '${profile.name}' (calibrated, in place of the catalogue's): ${calibrated.length} in ${scenarios.filter((s) => s.fromProfile?.length).length} scenario(s)`,
          ]
        : [];
    const relaxing = scenarios.filter((s) => s.relaxedByProfile?.length);
    const relaxed =
      relaxing.length > 0 || profile.hubjectDeviations.length > 0
        ? [
            `OICP rules relaxed by profile '${profile.name}': ${[
              ...(relaxing.length > 0 ? [`invalidRequests.enforced for ${relaxing.length} scenario(s)`] : []),
              ...(profile.hubjectDeviations.length > 0
                ? [`hubjectDeviations ${profile.hubjectDeviations.join(', ')} where Hubject deviates`]
                : []),
            ].join('; ')} — a pass that needs one is not a plain pass`,
          ]
        : [];
    process.stdout.write(`${[header, ...tls, ...fromProfile, ...relaxed].join('\n')}\n`);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    // Attachments are shared by every reporter: removed here, the prompt reaches none of the reports.
    for (let index = result.attachments.length - 1; index >= 0; index--) {
      const attachment = result.attachments[index];
      if (attachment?.name !== ERROR_CONTEXT_ATTACHMENT) continue;
      result.attachments.splice(index, 1);
      if (attachment.path) fs.rmSync(attachment.path, { force: true });
    }
    this.records.set(
      test,
      scenarioRecord({
        title: test.title,
        feature: test.parent.title,
        status: result.status,
        durationMs: result.duration,
        annotations: [...test.annotations, ...result.annotations],
        attachments: result.attachments,
        error: result.error,
      }),
    );
  }

  onError(error: TestError): void {
    this.errors.push(error.message ?? error.value ?? 'an error outside any scenario');
  }

  onEnd(result: FullResult): void {
    // In the order Playwright planned them, whatever order the workers finished in.
    const recorded = this.planned.flatMap((test) => {
      const record = this.records.get(test);
      return record ? [record] : [];
    });
    // Interrupted (SIGINT; a SIGTERM became one in this process): what ran is the run; a scenario stopped
    // midway has no verdict and is only named.
    const interruptedBy = result.status === 'interrupted' ? (interruptionSignal() ?? 'SIGINT') : undefined;
    const scenarios = interruptedBy ? recorded.filter((s) => s.status !== 'interrupted') : recorded;
    const unfinished = recorded.filter((s) => s.status === 'interrupted').map((s) => s.id);
    writeRunRecord(this.reports.root, {
      ...(interruptedBy ? { interruptedBy, unfinished } : {}),
      runId: this.runId,
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      loaded: this.loadedScenarios,
      planned: this.planned.length,
      ...(process.env.OICP_SCENARIOS?.trim() ? { scenariosSetting: process.env.OICP_SCENARIOS.trim() } : {}),
      status: result.status,
      scenarios,
      errors: this.errors,
    });
    fs.mkdirSync(path.dirname(this.reports.junit), { recursive: true });
    fs.writeFileSync(
      this.reports.junit,
      junitXml(scenarios, { name: JUNIT_SUITE_NAME, timestamp: this.startedAt.toISOString() }),
    );
    mergeExchangeParts(
      this.reports.runState,
      this.reports.exchangeLog,
      scenarios.map((s) => s.id),
    );
  }
}
