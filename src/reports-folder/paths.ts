import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-file.ts';
import { InputError } from '../input/errors.ts';
import { reportsDir } from '../paths.ts';

/**
 * Where a conformance run writes its results (all generated, all git-ignored). OICP_REPORTS_DIR moves them.
 *
 * The Allure history is the one file that must outlive a run: allure-results and allure-report are
 * replaced every time, the history file is appended to. OICP_ALLURE_HISTORY puts it elsewhere (e.g. a
 * folder a CI cache restores), relative paths being taken from the working directory.
 */
export function reportPaths(env: Record<string, string | undefined> = process.env) {
  const root = env.OICP_REPORTS_DIR ? path.resolve(env.OICP_REPORTS_DIR) : reportsDir;
  const history = env.OICP_ALLURE_HISTORY?.trim();
  return {
    root,
    allureResults: path.join(root, 'allure-results'),
    allureReport: path.join(root, 'allure-report'),
    allureHistory: history ? path.resolve(history) : path.join(root, 'history', 'allure-history.jsonl'),
    junit: path.join(root, 'junit.xml'),
    json: path.join(root, 'results.json'),
    html: path.join(root, 'html'),
    testOutput: path.join(root, 'test-output'),
    screenshots: path.join(root, 'screenshots'),
    /** State the workers of one run share (the fail-fast record); replaced by every run. */
    runState: path.join(root, '.run-state'),
    runRecord: path.join(root, 'run.json'),
    coverageMarkdown: path.join(root, 'coverage.md'),
    coverageJson: path.join(root, 'coverage.json'),
    /** The run-level checks' verdicts (src/report/run-checks.ts). */
    runChecks: path.join(root, 'run-checks.json'),
    /** Every exchange of the run, one JSON line per scenario (docs/exchanges.md). */
    exchangeLog: path.join(root, 'exchanges.jsonl'),
    /** The expectations the target did not confirm, with a block of overrides for the profile. */
    calibrationMarkdown: path.join(root, 'calibration.md'),
    calibrationJson: path.join(root, 'calibration.json'),
    /** The comparison with an earlier run (OICP_COMPARE_WITH), or the last `npm run compare` into this folder. */
    driftMarkdown: path.join(root, 'drift.md'),
    driftJson: path.join(root, 'drift.json'),
  };
}

export type ReportPaths = ReturnType<typeof reportPaths>;

/** Playwright's own report formats a run adds on request: `OICP_PLAYWRIGHT_REPORTS=json,html`. */
const PLAYWRIGHT_REPORTS = ['json', 'html'] as const;

/**
 * Which of Playwright's own reports to write besides the Allure report and JUnit. They repeat the Allure
 * evidence in other formats, so they cost time and disk on every scenario: none unless asked for. An
 * unknown name is a configuration error.
 */
export function playwrightReports(env: Record<string, string | undefined> = process.env): Set<string> {
  const names = (env.OICP_PLAYWRIGHT_REPORTS ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((name) => !(PLAYWRIGHT_REPORTS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new InputError('Invalid configuration; nothing was sent', [
      {
        file: 'OICP_PLAYWRIGHT_REPORTS',
        field: 'OICP_PLAYWRIGHT_REPORTS',
        message: `'${unknown.join(', ')}' is not one of ${PLAYWRIGHT_REPORTS.join(', ')}`,
      },
    ]);
  }
  return new Set(names);
}

/**
 * Everything a run writes into the reports folder, i.e. everything an earlier run left there that could be
 * mistaken for this run's. Never the history (it is meant to outlive runs) and nothing else in the folder
 * (OICP_REPORTS_DIR may name a folder that holds other things). Each is a direct child of the folder.
 */
export function runOutputs(reports: ReportPaths): string[] {
  return runOutputKinds(reports).map((output) => output.file);
}

/** A file or a folder: an output is removed only while it is still of the kind a run writes. */
type OutputKind = 'file' | 'folder';

function runOutputKinds(reports: ReportPaths): Array<{ file: string; name: string; kind: OutputKind }> {
  const folders = [
    reports.allureResults,
    reports.allureReport,
    reports.html,
    reports.testOutput,
    reports.screenshots,
    reports.runState,
  ];
  const files = [
    reports.junit,
    reports.json,
    reports.runRecord,
    reports.coverageMarkdown,
    reports.coverageJson,
    reports.runChecks,
    reports.exchangeLog,
    reports.calibrationMarkdown,
    reports.calibrationJson,
    reports.driftMarkdown,
    reports.driftJson,
  ];
  return [
    ...folders.map((file) => ({ file, name: path.basename(file), kind: 'folder' as const })),
    ...files.map((file) => ({ file, name: path.basename(file), kind: 'file' as const })),
  ];
}

/**
 * The suite's mark on a reports folder: written into every folder a run uses, so that the next run knows
 * the folder as the suite's. It never marks a folder that holds other things (those are refused).
 */
export const MARKER_FILE = '.oicp-reports-folder';

/** The record of the outputs the last run (and `npm run compare`, `npm run report:screenshot`) wrote here. */
export const OUTPUTS_FILE = '.oicp-run-outputs.json';

const MARKER_FIRST_LINE = 'A reports folder of the OICP 2.3 eRoamingAuthorizeStart conformance suite.';
const RECORD_NOTE = `Each run removes what the previous run listed in ${OUTPUTS_FILE}, and nothing else.`;
const MARKER_TEXT = `${MARKER_FIRST_LINE}\n${RECORD_NOTE}\n`;

/** The lock file of src/reports-folder/reports-lock.ts (named here too, so that a folder holding it is known). */
const LOCK_NAME = '.oicp-run.lock';

/**
 * Names the suite has written into a reports folder, in this layout or the previous one (which kept no
 * record): a folder holding only these is a reports folder of the suite. The default folder of the project
 * also holds `.gitkeep` and what the self-tests and the benchmark write.
 */
const SUITE_NAMES = new Set([
  'history',
  LOCK_NAME,
  MARKER_FILE,
  OUTPUTS_FILE,
  'run.json.tmp',
  'exchanges.jsonl.tmp',
  '.gitkeep',
  'self-tests',
  'bench',
]);
/** Temporary files of the previous layout, removed with its outputs. */
const PREVIOUS_TEMPORARY_FILES = ['run.json.tmp', 'exchanges.jsonl.tmp'];
/** Names only the suite writes: a folder of the previous layout outside the project holds one of them. */
const DISTINCTIVE_NAMES = new Set([
  'run.json',
  'allure-results',
  'allure-report',
  'exchanges.jsonl',
  'run-checks.json',
  '.run-state',
  LOCK_NAME,
]);

const isLeftoverLock = (name: string) => name.startsWith(`${LOCK_NAME}.`) && name.endsWith('.stale');

export class ReportsFolderRefused extends Error {
  override name = 'ReportsFolderRefused';
}

export interface ReportsFolderCheck {
  root: string;
  /**
   * new: does not exist yet; empty; marked: a run of the suite used it; previous-layout: it holds only what
   * the suite wrote before runs kept a record.
   */
  state: 'new' | 'empty' | 'marked' | 'previous-layout';
  /** What an earlier run wrote there and the next run removes (each still of the kind it was written as). */
  earlierOutputs: string[];
}

export interface FolderCheckOptions {
  /** The user's home folder (default os.homedir()). */
  home?: string;
  /** The project's own reports folder (default reports/ of the project). */
  defaultRoot?: string;
}

function kindOf(file: string): OutputKind | 'link' | 'other' | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return undefined;
  }
  return stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'folder' : stat.isFile() ? 'file' : 'other';
}

/** The real path of `file`, also when it does not exist yet (its nearest existing ancestor resolved). */
function realPathOf(file: string): string {
  const resolved = path.resolve(file);
  try {
    return fs.realpathSync(resolved);
  } catch {
    const parent = path.dirname(resolved);
    return parent === resolved ? resolved : path.join(realPathOf(parent), path.basename(resolved));
  }
}

function isMarked(root: string): boolean {
  if (kindOf(path.join(root, MARKER_FILE)) !== 'file') return false;
  try {
    return fs.readFileSync(path.join(root, MARKER_FILE), 'utf8').startsWith(MARKER_FIRST_LINE);
  } catch {
    return false;
  }
}

/** The outputs an earlier run recorded: known output names and kinds only (anything else is ignored). */
function recordedOutputs(reports: ReportPaths): Map<string, OutputKind> {
  const known = new Map(runOutputKinds(reports).map((output) => [output.name, output.kind]));
  const recorded = new Map<string, OutputKind>();
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(path.join(reports.root, OUTPUTS_FILE), 'utf8'));
  } catch {
    return recorded;
  }
  const outputs = (data as { outputs?: unknown } | null)?.outputs;
  if (!Array.isArray(outputs)) return recorded;
  for (const output of outputs as Array<{ name?: unknown; kind?: unknown }>) {
    const name = typeof output?.name === 'string' ? output.name : '';
    if (known.has(name) && (output.kind === 'file' || output.kind === 'folder'))
      recorded.set(name, output.kind);
  }
  return recorded;
}

/** A leftover of src/atomic-file.ts for a file the suite writes into the folder. */
function isLeftoverTemporary(reports: ReportPaths, name: string): boolean {
  const match = /^\.(.+)\.[0-9a-f]{16}\.tmp$/.exec(name);
  if (!match) return false;
  const base = match[1] as string;
  return (
    base === OUTPUTS_FILE ||
    base === MARKER_FILE ||
    runOutputKinds(reports).some((output) => output.kind === 'file' && output.name === base)
  );
}

function shownEntry(root: string, name: string): string {
  const kind = kindOf(path.join(root, name));
  return kind === 'folder' ? `${name}/` : kind === 'link' ? `${name} (a symbolic link)` : name;
}

/** Up to six names, hidden ones last. */
function listed(root: string, names: string[]): string {
  const ordered = [...names].sort(
    (a, b) => Number(a.startsWith('.')) - Number(b.startsWith('.')) || (a < b ? -1 : 1),
  );
  const shown = ordered.slice(0, 6).map((name) => shownEntry(root, name));
  return names.length > shown.length ? `${shown.join(', ')} … ${names.length} in all` : shown.join(', ');
}

/**
 * Whether a run may use the reports folder, and what an earlier run left there; changes nothing. Refused
 * (ReportsFolderRefused, with the folder and what to do): the root of the file system and the user's home
 * folder, also through a symbolic link; anything that is not a folder; a folder that holds other things,
 * unless a run of the suite marked it as its own (MARKER_FILE); in a marked folder, a file at the name of an
 * output that no run recorded writing (a run would replace it). Accepted: a folder that does not exist yet,
 * an empty one, a marked one, and one that holds only what the suite wrote before runs kept a record (the
 * project's own reports/ folder; elsewhere it must hold one of DISTINCTIVE_NAMES).
 */
export function checkReportsFolder(
  reports: ReportPaths,
  options: FolderCheckOptions = {},
): ReportsFolderCheck {
  const root = reports.root;
  const real = realPathOf(root);
  const home = realPathOf(options.home ?? os.homedir());
  const defaultRoot = options.defaultRoot ?? reportsDir;
  const isDefault = path.resolve(root) === path.resolve(defaultRoot) || real === realPathOf(defaultRoot);
  const named = `The reports folder ${root}${isDefault ? '' : ' (OICP_REPORTS_DIR)'}${real === path.resolve(root) ? '' : `, which leads to ${real},`}`;
  const elsewhere = `OICP_REPORTS_DIR=${path.join(real === home || real === path.parse(real).root ? home : real, 'oicp-reports')} npm run conformance`;

  const never =
    real === path.parse(real).root ? 'the root of the file system' : real === home ? 'your home folder' : '';
  if (never)
    throw new ReportsFolderRefused(
      [
        `${named} is ${never}: a run never writes its reports there, since a run replaces and removes the files it writes.`,
        `Give the run a folder of its own (a new or an empty one): ${elsewhere}`,
      ].join('\n'),
    );

  const kind = kindOf(root);
  if (kind === undefined) return { root, state: 'new', earlierOutputs: [] };
  let entries: string[];
  try {
    if (!fs.statSync(root).isDirectory()) throw new Error('not a folder');
    entries = fs.readdirSync(root);
  } catch {
    throw new ReportsFolderRefused(
      [
        `${named} is not a folder that can be read.`,
        `Name a folder (one that does not exist yet is created): ${elsewhere}`,
      ].join('\n'),
    );
  }

  const outputs = runOutputKinds(reports);
  let state: ReportsFolderCheck['state'];
  let earlier: string[];
  if (isMarked(root)) {
    state = 'marked';
    const recorded = recordedOutputs(reports);
    earlier = outputs
      .filter((output) => recorded.get(output.name) === output.kind && kindOf(output.file) === output.kind)
      .map((output) => output.file);
  } else if (entries.length === 0) {
    state = 'empty';
    earlier = [];
  } else {
    const outputNames = new Set(outputs.map((output) => output.name));
    const foreign = entries.filter(
      (name) =>
        !SUITE_NAMES.has(name) &&
        !outputNames.has(name) &&
        !isLeftoverLock(name) &&
        !isLeftoverTemporary(reports, name),
    );
    if (foreign.length > 0 || !(isDefault || entries.some((name) => DISTINCTIVE_NAMES.has(name)))) {
      const what = foreign.length > 0 ? listed(root, foreign) : listed(root, entries);
      throw new ReportsFolderRefused(
        [
          `${named} holds files that are not the suite's (${what}), and no run of the suite has marked it as its reports folder (${MARKER_FILE}): a run would replace and remove files there (html/, test-output/, junit.xml …).`,
          isDefault
            ? `Move those files out of ${root}, or give the run a folder of its own (a new or an empty one): ${elsewhere}`
            : `Give the run a folder of its own (a new or an empty one): ${elsewhere}`,
        ].join('\n'),
      );
    }
    state = 'previous-layout';
    earlier = [
      ...outputs.filter((output) => kindOf(output.file) === output.kind).map((output) => output.file),
      ...PREVIOUS_TEMPORARY_FILES.map((name) => path.join(root, name)).filter(
        (file) => kindOf(file) === 'file',
      ),
    ];
  }
  earlier.push(
    ...entries
      .filter((name) => isLeftoverTemporary(reports, name) && kindOf(path.join(root, name)) === 'file')
      .map((name) => path.join(root, name)),
  );

  // What stands at an output's name and is not removed would be replaced (or, for Playwright's folders,
  // emptied) by the run: someone else's.
  const removed = new Set(earlier);
  const occupied = outputs.filter((output) => !removed.has(output.file) && kindOf(output.file) !== undefined);
  if (occupied.length > 0)
    throw new ReportsFolderRefused(
      [
        `${named} holds ${listed(
          root,
          occupied.map((output) => output.name),
        )} where a run writes its outputs, and no earlier run recorded writing ${occupied.length === 1 ? 'it' : 'them'} (${OUTPUTS_FILE}): a run would replace or remove ${occupied.length === 1 ? 'it' : 'them'}.`,
        `Move ${occupied.length === 1 ? 'it' : 'them'} out of the folder, or give the run a folder of its own (a new or an empty one): ${elsewhere}`,
      ].join('\n'),
    );
  return { root, state, earlierOutputs: earlier };
}

/**
 * Makes the reports folder ready for a run that holds its lock: checks it again (checkReportsFolder), removes
 * what the earlier run wrote, marks the folder as the suite's and records the outputs this run may write
 * (so that a run killed half-way leaves a record too; recordRunOutputs narrows it to what the run wrote).
 */
export function prepareReportsFolder(
  reports: ReportPaths,
  options: FolderCheckOptions = {},
): ReportsFolderCheck {
  const check = checkReportsFolder(reports, options);
  fs.mkdirSync(reports.root, { recursive: true });
  for (const file of check.earlierOutputs) {
    const kind = kindOf(file);
    if (kind === 'folder') fs.rmSync(file, { recursive: true, force: true });
    else if (kind === 'file') fs.rmSync(file, { force: true });
  }
  if (!isMarked(reports.root)) writeFileAtomic(path.join(reports.root, MARKER_FILE), MARKER_TEXT);
  writeOutputsRecord(
    reports.root,
    runOutputKinds(reports).map(({ name, kind }) => ({ name, kind })),
  );
  return check;
}

function writeOutputsRecord(root: string, outputs: Array<{ name: string; kind: OutputKind }>): void {
  writeFileAtomic(
    path.join(root, OUTPUTS_FILE),
    `${JSON.stringify({ note: RECORD_NOTE, outputs }, null, 2)}\n`,
  );
}

/** At the end of a run: the record lists the outputs the run wrote (those there now, of their kind). */
export function recordRunOutputs(reports: ReportPaths): void {
  if (!isMarked(reports.root)) return;
  const written = runOutputKinds(reports).filter((output) => kindOf(output.file) === output.kind);
  writeOutputsRecord(
    reports.root,
    written.map(({ name, kind }) => ({ name, kind })),
  );
}

/**
 * Adds outputs another command of the suite wrote (`npm run compare`'s drift.*, the screenshots) to the
 * record of the reports folder they are in, so that the next run removes them. Files outside a marked
 * reports folder, and names that are not outputs of a run, are left out.
 */
export function noteOutputsWritten(files: readonly string[]): void {
  for (const file of files) {
    const root = path.dirname(path.resolve(file));
    const reports = reportPaths({ OICP_REPORTS_DIR: root });
    if (!isMarked(root)) continue;
    const output = runOutputKinds(reports).find((o) => o.name === path.basename(file));
    if (!output || kindOf(output.file) !== output.kind) continue;
    const recorded = recordedOutputs(reports);
    recorded.set(output.name, output.kind);
    writeOutputsRecord(
      root,
      [...recorded].map(([name, kind]) => ({ name, kind })),
    );
  }
}

/**
 * Removes the empty folders under `dir` (Playwright makes one per test for output a scenario never
 * writes): a thousand empty folders cost disk blocks and clutter an archived report.
 */
export function removeEmptyFolders(dir: string): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const full = path.join(dir, entry.name);
    removeEmptyFolders(full);
    if (fs.readdirSync(full).length === 0) fs.rmdirSync(full);
  }
}
