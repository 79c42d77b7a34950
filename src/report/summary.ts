import { stripVTControlCharacters } from 'node:util';
import { FAILURE_CATEGORIES, type FailureCategory } from '../record/failure-category.ts';
import { type RunRecord, readRunRecord, runTotals, type ScenarioRecord } from '../record/run-record.ts';
import { type RunScope, runScope } from '../record/run-scope.ts';
import { basisWords } from '../record/verdicts.ts';
import type { ProfileExpectation, RelaxedRule } from '../scenarios/types.ts';
import { cutLine } from '../text.ts';
import { keepTheDifference } from './difference.ts';
import { UNCONFIRMED_TITLE } from './unconfirmed.ts';

export { cutLine };

/**
 * The console words of a run: the header before it, the summary after it. Built from the run record
 * (run.json), so that it counts this run's scenarios only. The summary is a list of sections; a new kind
 * of finding is one more section.
 */

/** One failed scenario, as the console summary states it. */
interface FailedScenario {
  id: string;
  title: string;
  category?: FailureCategory;
  checks: string[];
  reason: string;
  /** The first failed check's expected and received, never cut (the console keeps what differs). */
  expected?: string;
  received?: string;
  /**
   * A configuration error's whole message (a request that violates the schema, with every violation): never
   * cut, since it says what to fix. Absent for every other failure.
   */
  fullReason?: string;
  /** The stack of a fault of the suite itself (never for a failed check). */
  stack?: string;
}

/** One best-practice finding of one scenario. */
interface AdvisoryFinding {
  id: string;
  /** `check: expected …, received …`. */
  finding: string;
}

/** Skipped scenarios that the same setting would enable. */
interface SkippedGroup {
  /** The settings to set (empty when the scenarios did not say). */
  settings: string[];
  ids: string[];
  /** Why, when no setting is named. */
  reason?: string;
}

export interface RunSummary {
  failed: FailedScenario[];
  /** Errors outside any scenario (a worker crash, a broken spec). */
  errors: string[];
  advisories: AdvisoryFinding[];
  skipped: SkippedGroup[];
  passed: number;
  failedCount: number;
  skippedCount: number;
  /** Expectations (observed behaviour or assumptions) the target did not confirm: they never fail the run. */
  unconfirmed: UnconfirmedFinding[];
  /** Expectations the profile set in place of the catalogue's (calibrated), of the scenarios that ran. */
  fromProfile: Array<ProfileExpectation & { id: string }>;
  /** What the run covered: a full run, or a selection and why. */
  scope: RunScope;
  /** OICP rules a profile setting relaxed, per scenario that ran (invalidRequests, hubjectDeviations). */
  relaxed: Array<RelaxedRule & { id: string }>;
}

interface UnconfirmedFinding {
  id: string;
  expectation: string;
  basis: 'observed' | 'assumption';
  /** The expectation is the profile's override. */
  profile?: string;
  expected: string;
  received: string;
}

export interface ConsoleOptions {
  /** Longest line; the terminal's width when there is one. */
  width?: number;
}

const DEFAULT_WIDTH = 200;
const MIN_WIDTH = 80;

export function consoleWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  return stream.isTTY && stream.columns ? Math.max(stream.columns, MIN_WIDTH) : DEFAULT_WIDTH;
}

// Playwright leaves ANSI colour codes in error messages.
const plain = (text: string) => stripVTControlCharacters(text);

/** A list of ids on one line: as many as fit, then how many more. */
export function listThatFits(items: readonly string[], width: number): string {
  const shown: string[] = [];
  for (const [index, item] of items.entries()) {
    const rest = items.length - index - 1;
    const tail = rest > 0 ? `, … and ${rest} more` : '';
    const candidate = [...shown, item].join(', ');
    if (candidate.length + tail.length > width && shown.length > 0) {
      return `${shown.join(', ')}, … and ${items.length - shown.length} more`;
    }
    shown.push(item);
  }
  return shown.join(', ');
}

/** The error's first line without the error class (`TransportError: POST … failed: …` → `POST … failed: …`). */
function firstLineOf(message: string): string {
  const first =
    plain(message)
      .split('\n')
      .find((line) => line.trim() !== '') ?? '';
  return first.replace(/^(?:Error: )?[A-Z][A-Za-z]*Error: /, '');
}

function failedScenarioOf(run: ScenarioRecord): FailedScenario {
  const category =
    run.category && Object.hasOwn(FAILURE_CATEGORIES, run.category)
      ? (run.category as FailureCategory)
      : undefined;
  const failures = run.verdicts?.failed ?? [];
  const first = failures[0];
  const reason = first
    ? `expected ${first.expected}, received ${first.received}`
    : firstLineOf(run.error ?? run.status);
  const fullReason =
    !first && category === 'configuration' && run.error
      ? plain(run.error)
          .trim()
          .replace(/^(?:Error: )?[A-Z][A-Za-z]*Error: /, '')
      : undefined;
  return {
    id: run.id,
    title: run.title,
    category,
    checks: failures.map((f) => f.check),
    reason,
    ...(first ? { expected: first.expected, received: first.received } : {}),
    ...(fullReason ? { fullReason } : {}),
    stack: first ? undefined : run.stack,
  };
}

function skippedGroups(scenarios: readonly ScenarioRecord[]): SkippedGroup[] {
  const groups = new Map<string, SkippedGroup>();
  for (const scenario of scenarios.filter((s) => s.status === 'skipped')) {
    const settings = scenario.enableWith ?? [];
    const key = settings.length > 0 ? settings.join(' + ') : `reason:${scenario.skipReason ?? ''}`;
    const group = groups.get(key) ?? {
      settings,
      ids: [],
      reason: settings.length > 0 ? undefined : scenario.skipReason,
    };
    group.ids.push(scenario.id);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The summary of a run, from its record. */
export function runSummary(record: RunRecord): RunSummary {
  const totals = runTotals(record.scenarios);
  return {
    failed: record.scenarios
      .filter((s) => s.status !== 'passed' && s.status !== 'skipped')
      .map(failedScenarioOf),
    errors: record.errors.map(firstLineOf),
    advisories: record.scenarios.flatMap((s) => s.advisories.map((finding) => ({ id: s.id, finding }))),
    skipped: skippedGroups(record.scenarios),
    passed: totals.passed,
    failedCount: totals.failed,
    skippedCount: totals.skipped,
    unconfirmed: record.scenarios.flatMap((s) =>
      (s.verdicts?.unconfirmed ?? []).map((u) => ({
        id: s.id,
        expectation: u.expectation,
        basis: u.basis,
        ...(u.profile ? { profile: u.profile } : {}),
        expected: u.expected,
        received: u.received,
      })),
    ),
    fromProfile: record.scenarios.flatMap((s) =>
      (s.verdicts?.fromProfile ?? []).map((p) => ({ ...p, id: s.id })),
    ),
    scope: runScope(record),
    relaxed: record.scenarios.flatMap((s) => (s.verdicts?.relaxed ?? []).map((r) => ({ ...r, id: s.id }))),
  };
}

/** `N passed, N failed` and, when there are any, the extras (`, 2 skipped, 1 advisory finding(s)`). */
export function totalsLine(summary: RunSummary): string {
  const extra = [
    summary.skippedCount ? `${summary.skippedCount} skipped` : '',
    summary.advisories.length ? `${summary.advisories.length} advisory finding(s)` : '',
    summary.unconfirmed.length ? `${summary.unconfirmed.length} expectation(s) not confirmed` : '',
  ].filter(Boolean);
  return [`${summary.passed} passed, ${summary.failedCount} failed`, ...extra].join(', ');
}

const categoryTitle = (category: FailureCategory | undefined) =>
  category ? FAILURE_CATEGORIES[category].title : 'Error';

/** Lines of the stack that say where (a fault of the suite is a bug to fix: its place matters). */
const STACK_LINES = 8;

function failedSection(summary: RunSummary, width: number): string[] {
  if (summary.failed.length === 0 && summary.errors.length === 0) return [];
  const lines = ['Failed scenarios:'];
  for (const scenario of summary.failed) {
    // Line one: which scenario and what kind of failure (the title gives way to the width); line two: why.
    const category = ` · [${categoryTitle(scenario.category)}]`;
    const head = `  ✘ ${scenario.id} · `;
    const titleRoom = Math.max(width - head.length - category.length, 30);
    lines.push(`${head}${cutLine(scenario.title, titleRoom)}${category}`);
    const [first, ...others] = scenario.checks;
    const more = others.length > 0 ? ` (+${others.length} more: ${others.join(', ')})` : '';
    if (scenario.fullReason)
      // What to fix in the configuration, every word of it: one line per line of the message.
      lines.push(...scenario.fullReason.split('\n').map((line) => `      ${line}`));
    else if (first && scenario.expected !== undefined && scenario.received !== undefined)
      lines.push(...checkLines(first, more, scenario.expected, scenario.received, width));
    else lines.push(`      ${cutLine(scenario.reason, Math.max(width - 6, 40))}`);
    if (scenario.stack) {
      const frames = plain(scenario.stack)
        .split('\n')
        .filter((line) => /^\s+at /.test(line))
        .slice(0, STACK_LINES);
      lines.push(...frames.map((frame) => `        ${frame.trim()}`));
    }
  }
  for (const error of summary.errors) lines.push(`  ✘ ${cutLine(error, width - 4)}`);
  const byCategory = new Map<string, number>();
  for (const scenario of summary.failed) {
    const title = categoryTitle(scenario.category);
    byCategory.set(title, (byCategory.get(title) ?? 0) + 1);
  }
  if (byCategory.size > 0)
    lines.push('', `By category: ${[...byCategory].map(([title, n]) => `${title} ${n}`).join(', ')}`);
  return lines;
}

/**
 * A failed check with its expected and received: one line when it fits, else the check, then expected and
 * received on a line each, their shared stretches shortened — never what differs.
 */
function checkLines(
  check: string,
  more: string,
  expected: string,
  received: string,
  width: number,
): string[] {
  const oneLine = `      ${check}: expected ${expected}, received ${received}${more}`;
  if (oneLine.length <= width) return [oneLine];
  const pair = keepTheDifference(expected, received, Math.max(width - 17, 40));
  return [`      ${check}${more}`, `        expected ${pair.expected}`, `        received ${pair.received}`];
}

/**
 * Advisories grouped by check: how many scenarios, one example finding, the scenarios folded. A foreign
 * target can raise the same finding on every scenario; a line each would bury the failures.
 */
function advisorySection(summary: RunSummary, width: number): string[] {
  if (summary.advisories.length === 0) return [];
  const byCheck = new Map<string, { example: string; ids: string[] }>();
  for (const advisory of summary.advisories) {
    const separator = advisory.finding.indexOf(': ');
    const check = separator > 0 ? advisory.finding.slice(0, separator) : advisory.finding;
    const group = byCheck.get(check) ?? {
      example: separator > 0 ? advisory.finding.slice(separator + 2) : '',
      ids: [],
    };
    if (!group.ids.includes(advisory.id)) group.ids.push(advisory.id);
    byCheck.set(check, group);
  }
  const lines = [
    'Advisories (best-practice findings; they do not fail the run; every one is in the report):',
  ];
  for (const [check, group] of byCheck) {
    const count = `${group.ids.length} scenario${group.ids.length === 1 ? '' : 's'}`;
    lines.push(
      `  ! ${cutLine(`${check} · ${count}${group.example ? ` · e.g. ${group.example}` : ''}`, width - 4)}`,
    );
    lines.push(`      ${listThatFits(group.ids, Math.max(width - 6, 40))}`);
  }
  return lines;
}

function unconfirmedSection(summary: RunSummary, width: number): string[] {
  if (summary.unconfirmed.length === 0) return [];
  return [
    `${UNCONFIRMED_TITLE} (observed Hubject behaviour or assumptions, not OICP rules; they do not fail the run):`,
    ...summary.unconfirmed.map(
      (u) =>
        `  ? ${cutLine(`${u.id} · ${u.expectation} (${basisWords(u)}): expected ${u.expected}, received ${u.received}`, width - 4)}`,
    ),
  ];
}

function fromProfileSection(summary: RunSummary, width: number): string[] {
  if (summary.fromProfile.length === 0) return [];
  const profiles = [...new Set(summary.fromProfile.map((p) => `'${p.profile}'`))].join(', ');
  return [
    `Expectations from profile ${profiles} (calibrated; in place of the catalogue's observed behaviour or assumptions):`,
    ...summary.fromProfile.map(
      (p) =>
        `  ~ ${cutLine(`${p.id} · ${p.expectation}: expects ${p.expected} (catalogue: ${p.catalogue.expected}, ${p.catalogue.basis}; ${p.source})`, width - 4)}`,
    ),
  ];
}

/** The relaxed rules of a run, by setting: how many scenarios, what the contract asks, what was accepted. */
function relaxedBySetting(
  relaxed: RunSummary['relaxed'],
): Array<{ setting: string; profile: string; contract: string; accepted: string; ids: string[] }> {
  const groups = new Map<
    string,
    { setting: string; profile: string; contract: string; accepted: string; ids: string[] }
  >();
  for (const rule of relaxed) {
    const key = `${rule.profile}\u0000${rule.setting}`;
    const group = groups.get(key) ?? { ...rule, ids: [] };
    if (!group.ids.includes(rule.id)) group.ids.push(rule.id);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** `invalidRequests.enforced in 40 scenarios, hubjectDeviations: E-17 in 3`, or undefined when none was relaxed. */
export function relaxedInWords(relaxed: RunSummary['relaxed']): string | undefined {
  const groups = relaxedBySetting(relaxed);
  if (groups.length === 0) return undefined;
  return groups
    .map((g) => `${g.setting} in ${g.ids.length} scenario${g.ids.length === 1 ? '' : 's'}`)
    .join(', ');
}

function relaxedSection(summary: RunSummary, width: number): string[] {
  if (summary.relaxed.length === 0) return [];
  const lines = [
    'OICP rules relaxed by the profile (these scenarios are judged against what the profile accepts, not the contract):',
  ];
  for (const group of relaxedBySetting(summary.relaxed)) {
    const count = `${group.ids.length} scenario${group.ids.length === 1 ? '' : 's'}`;
    lines.push(
      `  ~ ${cutLine(`${group.setting} (profile '${group.profile}') · ${count} · the contract asks ${group.contract}; accepted: ${group.accepted}`, width - 4)}`,
    );
    lines.push(`      ${listThatFits(group.ids, Math.max(width - 6, 40))}`);
  }
  return lines;
}

function skippedSection(summary: RunSummary, width: number): string[] {
  if (summary.skipped.length === 0) return [];
  const lines = ['Skipped, by the setting that would enable them (or why they did not run):'];
  for (const group of summary.skipped) {
    const what = group.settings.length > 0 ? group.settings.join(' + ') : (group.reason ?? 'skipped');
    const head = `  ${cutLine(what, Math.floor(width / 2))} (${group.ids.length}): `;
    lines.push(`${head}${listThatFits(group.ids, Math.max(width - head.length, 40))}`);
  }
  return lines;
}

/** The sections of the summary, in order; each returns no lines when it has nothing to say. */
const SECTIONS: ReadonlyArray<(summary: RunSummary, width: number) => string[]> = [
  failedSection,
  advisorySection,
  unconfirmedSection,
  relaxedSection,
  fromProfileSection,
  skippedSection,
];

/**
 * The console summary: failed scenarios (id, title, category, failing checks, the first expected/received),
 * advisories by name, skipped scenarios grouped by the setting that would enable them, then the totals.
 */
export function formatRunSummary(summary: RunSummary, options: ConsoleOptions = {}): string {
  const width = options.width ?? DEFAULT_WIDTH;
  const lines: string[] = [];
  for (const section of SECTIONS) {
    const body = section(summary, width);
    if (body.length > 0) lines.push(...body, '');
  }
  lines.push(totalsLine(summary));
  return lines.join('\n');
}

/** The console summary of the run `runId`, from its record (undefined when this run wrote none). */
export function summarizeRun(
  reportsRoot: string,
  runId: string | undefined,
  options: ConsoleOptions = {},
): string | undefined {
  const record = readRunRecord(reportsRoot, runId);
  return record ? formatRunSummary(runSummary(record), options) : undefined;
}

/**
 * The first line of a run: how many scenarios will run — after OICP_SCENARIOS, --grep, --shard and file
 * arguments — and against what.
 */
export function formatRunHeader(header: {
  planned: number;
  loaded?: number;
  target?: string;
  scenariosSetting?: string;
}): string {
  const { planned, loaded, target, scenariosSetting } = header;
  const of = loaded !== undefined && planned !== loaded ? ` of ${loaded}` : '';
  const selection =
    of || scenariosSetting?.trim()
      ? ` (a selection${scenariosSetting?.trim() ? `: OICP_SCENARIOS=${scenariosSetting.trim()}` : ''})`
      : '';
  return `OICP conformance: ${planned}${of} scenario(s)${selection}${target ? `, ${target}` : ''}`;
}
