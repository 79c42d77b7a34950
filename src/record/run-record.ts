import fs from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { writeFileAtomic } from '../atomic-file.ts';
import { FAILURE_CATEGORIES, FAILURE_CATEGORY_ANNOTATION } from './failure-category.ts';
import { parseVerdicts, type ScenarioVerdicts } from './verdicts.ts';

/**
 * The record of one run, written by the suite's own Playwright reporter (run-reporter.ts) in the main
 * process: one entry per scenario Playwright ran or skipped, with what the console summary, the coverage
 * table and JUnit need, and nothing of Playwright's own report formats. `reports/run.json`.
 */
const RUN_RECORD_FILE = 'run.json';

/** Run-time annotations the spec and its fixtures add to each test, read back by the reporter. */
export const ANNOTATION = {
  scenario: 'scenario',
  source: 'source',
  /** A best-practice finding: `check: expected …, received …`. */
  advisory: 'advisory',
  /** The settings (environment variables) that would enable a skipped scenario, comma-separated. */
  enableWith: 'enable-with',
  failureCategory: FAILURE_CATEGORY_ANNOTATION,
} as const;

/** Playwright's word for how a test ended. */
type ScenarioStatus = 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';

export interface ScenarioRecord {
  id: string;
  title: string;
  feature: string;
  /** `file:line` of the scenario. */
  source?: string;
  status: ScenarioStatus;
  durationMs: number;
  /** The failure category key (failure-category.ts) of a failed scenario. */
  category?: string;
  /** The runner's verdicts.json, when the scenario got as far as its checks. */
  verdicts?: ScenarioVerdicts;
  /** How a failed scenario stopped, as plain text (no colours). */
  error?: string;
  /** The stack, kept only for a fault of the suite itself (an error no category explains). */
  stack?: string;
  /** Why a skipped scenario did not run. */
  skipReason?: string;
  /** The settings that would enable a skipped scenario. */
  enableWith?: string[];
  /** One line per best-practice finding. */
  advisories: string[];
}

export interface RunRecord {
  /** The conformance CLI's id of the run (OICP_RUN_ID), so that a summary never reads another run's record. */
  runId: string;
  startedAt: string;
  finishedAt: string;
  /** Scenarios loaded from the selection (OICP_SCENARIOS), before Playwright's own filters. */
  loaded?: number;
  /** Scenarios Playwright was to run: after --grep, --grep-invert, --shard, --last-failed, file arguments. */
  planned: number;
  /** OICP_SCENARIOS as the run read it (absent: the whole catalogue and the generated cases). */
  scenariosSetting?: string;
  /** Playwright's verdict on the whole run. */
  status: string;
  scenarios: ScenarioRecord[];
  /** Errors outside any scenario (a broken spec, a worker crash, the mock that would not start). */
  errors: string[];
  /**
   * The signal that interrupted the run (SIGINT, SIGTERM). `scenarios` then holds the scenarios that ran
   * before it; those it stopped midway, without a verdict, are only named in `unfinished`.
   */
  interruptedBy?: string;
  /** The ids of the scenarios an interruption stopped midway. */
  unfinished?: string[];
}

/** Totals of a run, Playwright's way: a failed, timed-out or interrupted scenario counts as failed. */
export interface RunTotals {
  passed: number;
  failed: number;
  skipped: number;
}

export function runTotals(scenarios: readonly ScenarioRecord[]): RunTotals {
  const count = (predicate: (s: ScenarioRecord) => boolean) => scenarios.filter(predicate).length;
  return {
    passed: count((s) => s.status === 'passed'),
    failed: count((s) => s.status !== 'passed' && s.status !== 'skipped'),
    skipped: count((s) => s.status === 'skipped'),
  };
}

/** The scenarios that ran (whatever their verdict): a skipped scenario sent nothing and judged nothing. */
export function executedScenarios(record: RunRecord): ScenarioRecord[] {
  return record.scenarios.filter((s) => s.status !== 'skipped');
}

function runRecordFile(reportsRoot: string): string {
  return path.join(reportsRoot, RUN_RECORD_FILE);
}

export function writeRunRecord(reportsRoot: string, record: RunRecord): void {
  fs.mkdirSync(reportsRoot, { recursive: true });
  // Written whole to a temporary file of its own, then renamed: a reader never sees half a record, and
  // nothing planted in the folder is written through.
  writeFileAtomic(runRecordFile(reportsRoot), JSON.stringify(record));
}

/**
 * The record of the run `runId` (any run when undefined); undefined when there is none, or when the file
 * belongs to another run — a run that stopped before Playwright wrote its record must not report an
 * earlier run's results as its own.
 */
export function readRunRecord(reportsRoot: string, runId?: string): RunRecord | undefined {
  let record: RunRecord;
  try {
    record = JSON.parse(fs.readFileSync(runRecordFile(reportsRoot), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
  if (!record || !Array.isArray(record.scenarios)) return undefined;
  if (runId !== undefined && record.runId !== runId) return undefined;
  return record;
}

/** What the reporter sees of a finished test (a subset of Playwright's TestCase and TestResult). */
export interface FinishedTest {
  title: string;
  feature: string;
  status: ScenarioStatus;
  durationMs: number;
  annotations: ReadonlyArray<{ type: string; description?: string }>;
  attachments: ReadonlyArray<{ name: string; body?: Buffer | string }>;
  error?: { message?: string; stack?: string };
}

const plain = (text: string) => stripVTControlCharacters(text);

/** The test title is `<scenario title> [<scenario id>]`. */
function splitTitle(title: string): { title: string; id?: string } {
  const match = /^(.*) \[([^\]]+)\]$/.exec(title);
  return match ? { title: match[1] as string, id: match[2] } : { title };
}

/** One scenario's record, from what Playwright tells the reporter about its test. */
export function scenarioRecord(test: FinishedTest): ScenarioRecord {
  const annotation = (type: string) => test.annotations.find((a) => a.type === type)?.description;
  const all = (type: string) => [
    ...new Set(test.annotations.filter((a) => a.type === type).map((a) => a.description ?? '')),
  ];
  const { title, id } = splitTitle(test.title);
  const verdictsBody = test.attachments.find((a) => a.name === 'verdicts.json')?.body;
  const verdicts =
    verdictsBody === undefined
      ? undefined
      : parseVerdicts(typeof verdictsBody === 'string' ? verdictsBody : verdictsBody.toString('utf8'));
  const categoryKey = annotation(ANNOTATION.failureCategory);
  const category = categoryKey && Object.hasOwn(FAILURE_CATEGORIES, categoryKey) ? categoryKey : undefined;
  const failed = test.status !== 'passed' && test.status !== 'skipped';
  const enableWith = annotation(ANNOTATION.enableWith)
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    id: annotation(ANNOTATION.scenario) ?? id ?? test.title,
    title,
    feature: test.feature,
    source: annotation(ANNOTATION.source),
    status: test.status,
    durationMs: Math.round(test.durationMs),
    category,
    verdicts,
    error: failed ? plain(test.error?.message ?? `the scenario ended with status ${test.status}`) : undefined,
    // A failed check or a transport/configuration error explains itself; only a fault of the suite needs a stack.
    stack: failed && !category && test.error?.stack ? plain(test.error.stack) : undefined,
    skipReason: test.status === 'skipped' ? annotation('skip') : undefined,
    enableWith: test.status === 'skipped' && enableWith?.length ? enableWith : undefined,
    advisories: all(ANNOTATION.advisory),
  };
}
