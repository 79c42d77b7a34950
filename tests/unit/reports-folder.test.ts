import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/paths.ts';
import {
  checkReportsFolder,
  MARKER_FILE,
  noteOutputsWritten,
  OUTPUTS_FILE,
  prepareReportsFolder,
  ReportsFolderRefused,
  recordRunOutputs,
  reportPaths,
  runOutputs,
} from '../../src/reports-folder/paths.ts';
import { expect, test } from '../support/test.ts';
import { expectUserFilesUntouched, writeUserFiles } from '../support/user-files.ts';

// A run removes and replaces only what a run of the suite wrote: the folder is checked first (never the
// root, never the home folder, never a folder of other files), and the next run removes exactly the outputs
// the last one recorded, while they are still of the kind it wrote.

const temp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
/** A home folder of the test's own: the real one is never looked at. */
const options = () => ({
  home: temp('oicp-home-'),
  defaultRoot: path.join(temp('oicp-project-'), 'reports'),
});
const at = (root: string) => reportPaths({ OICP_REPORTS_DIR: root });

function refusal(body: () => unknown): string {
  try {
    body();
  } catch (error) {
    expect(error).toBeInstanceOf(ReportsFolderRefused);
    return (error as Error).message;
  }
  throw new Error('the folder was not refused');
}

/** Writes every output a run writes, as a run does. */
function writeOutputs(root: string, only?: string[]): void {
  for (const output of runOutputs(at(root))) {
    if (only && !only.includes(path.basename(output))) continue;
    if (path.extname(output) && !output.endsWith('.run-state')) fs.writeFileSync(output, 'run');
    else fs.mkdirSync(path.join(output, 'inner'), { recursive: true });
  }
}

test('the root of the file system is refused, also through a symbolic link', () => {
  const opts = options();
  expect(refusal(() => checkReportsFolder(at('/'), opts))).toContain(
    'The reports folder / (OICP_REPORTS_DIR) is the root of the file system',
  );
  const link = path.join(temp('oicp-link-'), 'reports');
  fs.symlinkSync('/', link);
  // Only checked, never prepared: a test must not write to the real root, whatever the code does.
  const message = refusal(() => checkReportsFolder(at(link), opts));
  expect(message).toContain(`The reports folder ${link} (OICP_REPORTS_DIR), which leads to /, is the root`);
  expect(message).toContain(`Give the run a folder of its own (a new or an empty one): OICP_REPORTS_DIR=`);
});

test('the home folder is refused, also through a symbolic link and even when marked; nothing in it is touched', () => {
  const opts = options();
  writeUserFiles(opts.home);
  fs.writeFileSync(
    path.join(opts.home, MARKER_FILE),
    'A reports folder of the OICP 2.3 eRoamingAuthorizeStart conformance suite.\n',
  );
  fs.writeFileSync(
    path.join(opts.home, OUTPUTS_FILE),
    JSON.stringify({
      outputs: [
        { name: 'junit.xml', kind: 'file' },
        { name: 'html', kind: 'folder' },
      ],
    }),
  );
  const message = refusal(() => prepareReportsFolder(at(opts.home), opts));
  expect(message).toContain(`The reports folder ${opts.home} (OICP_REPORTS_DIR) is your home folder`);
  expect(message).toContain(
    `OICP_REPORTS_DIR=${path.join(fs.realpathSync(opts.home), 'oicp-reports')} npm run conformance`,
  );
  const link = path.join(temp('oicp-link-'), 'my-reports');
  fs.symlinkSync(opts.home, link);
  expect(refusal(() => prepareReportsFolder(at(link), opts))).toContain(
    `The reports folder ${link} (OICP_REPORTS_DIR), which leads to ${fs.realpathSync(opts.home)}, is your home folder`,
  );
  expectUserFilesUntouched(opts.home);
});

test('a folder that holds other things is refused, naming them, and keeps every file', () => {
  const opts = options();
  const dir = temp('oicp-mine-');
  writeUserFiles(dir);
  const message = refusal(() => prepareReportsFolder(at(dir), opts));
  expect(message).toContain(
    `The reports folder ${dir} (OICP_REPORTS_DIR) holds files that are not the suite's (notes.txt), and no run of the suite has marked it as its reports folder (${MARKER_FILE})`,
  );
  expect(message).toContain(
    `Give the run a folder of its own (a new or an empty one): OICP_REPORTS_DIR=${path.join(fs.realpathSync(dir), 'oicp-reports')}`,
  );
  expectUserFilesUntouched(dir);
  expect(fs.existsSync(path.join(dir, MARKER_FILE))).toBe(false);
  // The project's own folder (`.` when npm runs the suite) holds the project.
  expect(refusal(() => checkReportsFolder(at(projectRoot), opts))).toMatch(
    /holds files that are not the suite's \(README\.md, .* in all\)/,
  );
  // Only names a run writes, but nothing only the suite writes: someone's site and its screenshots.
  const site = temp('oicp-site-');
  fs.mkdirSync(path.join(site, 'html'));
  fs.mkdirSync(path.join(site, 'screenshots'));
  expect(refusal(() => prepareReportsFolder(at(site), opts))).toContain('holds files that are not the suite');
  expect(fs.readdirSync(site).sort()).toEqual(['html', 'screenshots']);
});

test('a new or an empty folder is taken, and marked as the suite’s', () => {
  const opts = options();
  const fresh = path.join(temp('oicp-parent-'), 'reports', 'nightly');
  expect(prepareReportsFolder(at(fresh), opts).state).toBe('new');
  expect(fs.readdirSync(fresh).sort()).toEqual([MARKER_FILE, OUTPUTS_FILE]);
  const empty = temp('oicp-empty-');
  expect(checkReportsFolder(at(empty), opts).state).toBe('empty');
  expect(prepareReportsFolder(at(empty), opts).state).toBe('empty');
  expect(checkReportsFolder(at(empty), opts).state).toBe('marked');
});

test('the next run removes exactly the outputs the last one recorded, and leaves everything else', () => {
  const opts = options();
  const root = temp('oicp-run-');
  prepareReportsFolder(at(root), opts);
  writeOutputs(root, ['junit.xml', 'run.json', 'allure-results', 'html']);
  recordRunOutputs(at(root));
  const record = JSON.parse(fs.readFileSync(path.join(root, OUTPUTS_FILE), 'utf8')) as {
    outputs: Array<{ name: string; kind: string }>;
  };
  // What the run wrote, not what it might have written.
  expect(record.outputs.map((o) => `${o.name}:${o.kind}`).sort()).toEqual([
    'allure-results:folder',
    'html:folder',
    'junit.xml:file',
    'run.json:file',
  ]);
  // The user's files in the suite's folder, and the history.
  fs.writeFileSync(path.join(root, 'my-notes.txt'), 'mine');
  fs.mkdirSync(path.join(root, 'history'));
  fs.writeFileSync(path.join(root, 'history', 'allure-history.jsonl'), '{}\n');

  const check = prepareReportsFolder(at(root), opts);
  expect(check.state).toBe('marked');
  expect(check.earlierOutputs.map((f) => path.basename(f)).sort()).toEqual([
    'allure-results',
    'html',
    'junit.xml',
    'run.json',
  ]);
  expect(fs.readdirSync(root).sort()).toEqual([MARKER_FILE, OUTPUTS_FILE, 'history', 'my-notes.txt']);
});

test('a recorded output that is no longer of the kind the run wrote is not removed, and the run is refused', () => {
  const opts = options();
  const root = temp('oicp-run-');
  const outside = temp('oicp-outside-');
  const victim = path.join(outside, 'precious.txt');
  fs.writeFileSync(victim, 'precious');
  prepareReportsFolder(at(root), opts);
  writeOutputs(root, ['junit.xml', 'html']);
  recordRunOutputs(at(root));
  // Replaced by a symbolic link (to a file and to a folder elsewhere): not the run's any more.
  fs.rmSync(path.join(root, 'junit.xml'));
  fs.symlinkSync(victim, path.join(root, 'junit.xml'));
  fs.rmSync(path.join(root, 'html'), { recursive: true });
  fs.symlinkSync(outside, path.join(root, 'html'));
  const message = refusal(() => prepareReportsFolder(at(root), opts));
  expect(message).toContain(
    `The reports folder ${root} (OICP_REPORTS_DIR) holds html (a symbolic link), junit.xml (a symbolic link) where a run writes its outputs, and no earlier run recorded writing them (${OUTPUTS_FILE})`,
  );
  expect(message).toContain('Move them out of the folder, or give the run a folder of its own');
  expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
  expect(fs.lstatSync(path.join(root, 'junit.xml')).isSymbolicLink()).toBe(true);
});

test('a file at an output name that no run recorded is refused, not replaced; a forged record removes nothing else', () => {
  const opts = options();
  const root = temp('oicp-run-');
  prepareReportsFolder(at(root), opts);
  recordRunOutputs(at(root));
  fs.mkdirSync(path.join(root, 'html'));
  fs.writeFileSync(path.join(root, 'html', 'mine.html'), 'mine');
  expect(refusal(() => prepareReportsFolder(at(root), opts))).toContain(
    `holds html/ where a run writes its outputs, and no earlier run recorded writing it`,
  );
  expect(fs.readFileSync(path.join(root, 'html', 'mine.html'), 'utf8')).toBe('mine');
  fs.rmSync(path.join(root, 'html'), { recursive: true });

  // A record naming things that are not outputs of a run, or outside the folder, removes none of them.
  const outside = temp('oicp-outside-');
  fs.writeFileSync(path.join(outside, 'keep.txt'), 'keep');
  fs.writeFileSync(path.join(root, 'notes.txt'), 'mine');
  fs.writeFileSync(
    path.join(root, OUTPUTS_FILE),
    JSON.stringify({
      outputs: [
        { name: '../', kind: 'folder' },
        { name: path.relative(root, outside), kind: 'folder' },
        { name: 'notes.txt', kind: 'file' },
        { name: 'history', kind: 'folder' },
        { name: MARKER_FILE, kind: 'file' },
      ],
    }),
  );
  expect(prepareReportsFolder(at(root), opts).earlierOutputs).toEqual([]);
  expect(fs.readFileSync(path.join(outside, 'keep.txt'), 'utf8')).toBe('keep');
  expect(fs.readFileSync(path.join(root, 'notes.txt'), 'utf8')).toBe('mine');
});

test('the project’s reports folder of the previous layout is taken: its outputs go, the rest stays', () => {
  const opts = options();
  const root = opts.defaultRoot;
  fs.mkdirSync(root, { recursive: true });
  writeOutputs(root);
  for (const kept of [
    '.gitkeep',
    'history/allure-history.jsonl',
    'self-tests/results.json',
    'bench/bench-4.json',
  ]) {
    fs.mkdirSync(path.dirname(path.join(root, kept)), { recursive: true });
    fs.writeFileSync(path.join(root, kept), 'kept');
  }
  fs.writeFileSync(path.join(root, 'run.json.tmp'), 'half');
  fs.writeFileSync(path.join(root, '.oicp-run.lock'), '{}');
  const check = prepareReportsFolder(at(root), opts);
  expect(check.state).toBe('previous-layout');
  expect(fs.readdirSync(root).sort()).toEqual(
    ['.gitkeep', '.oicp-run.lock', MARKER_FILE, OUTPUTS_FILE, 'bench', 'history', 'self-tests'].sort(),
  );

  // With a file of the user's in it, the project's folder is refused too, and says what to move.
  const other = options();
  fs.mkdirSync(other.defaultRoot, { recursive: true });
  writeOutputs(other.defaultRoot, ['junit.xml', 'allure-report']);
  fs.writeFileSync(path.join(other.defaultRoot, 'todo.txt'), 'mine');
  const message = refusal(() => prepareReportsFolder(at(other.defaultRoot), other));
  expect(message).toContain(
    `The reports folder ${other.defaultRoot} holds files that are not the suite's (todo.txt)`,
  );
  expect(message).toContain(
    `Move those files out of ${other.defaultRoot}, or give the run a folder of its own`,
  );
  expect(fs.readdirSync(other.defaultRoot).sort()).toEqual(['allure-report', 'junit.xml', 'todo.txt']);
});

test('a folder of the previous layout elsewhere is taken when it holds a file only the suite writes', () => {
  const opts = options();
  const root = temp('oicp-old-');
  writeOutputs(root, ['run.json', 'junit.xml', 'html', 'test-output']);
  fs.mkdirSync(path.join(root, 'history'));
  fs.writeFileSync(path.join(root, 'history', 'allure-history.jsonl'), '{}\n');
  expect(prepareReportsFolder(at(root), opts).state).toBe('previous-layout');
  expect(fs.readdirSync(root).sort()).toEqual([MARKER_FILE, OUTPUTS_FILE, 'history']);
});

test('what `npm run compare` writes into a marked reports folder is recorded, and removed by the next run', () => {
  const opts = options();
  const root = temp('oicp-run-');
  prepareReportsFolder(at(root), opts);
  recordRunOutputs(at(root));
  for (const name of ['drift.md', 'drift.json']) fs.writeFileSync(path.join(root, name), 'drift');
  noteOutputsWritten([path.join(root, 'drift.md'), path.join(root, 'drift.json')]);
  prepareReportsFolder(at(root), opts);
  expect(fs.existsSync(path.join(root, 'drift.md'))).toBe(false);

  // Anywhere else nothing is recorded.
  const elsewhere = temp('oicp-out-');
  fs.writeFileSync(path.join(elsewhere, 'drift.md'), 'drift');
  noteOutputsWritten([path.join(elsewhere, 'drift.md')]);
  expect(fs.readdirSync(elsewhere)).toEqual(['drift.md']);
});
