import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isTemporaryName, writeFileAtomic, writeNewFile } from '../../src/atomic-file.ts';
import type { ExchangeRecord } from '../../src/exchange/log-entry.ts';
import { ExchangeLogWriter, mergeExchangeParts } from '../../src/exchange/log-file.ts';
import { projectRoot } from '../../src/paths.ts';
import { type RunRecord, readRunRecord, writeRunRecord } from '../../src/record/run-record.ts';
import { expect, test } from '../support/test.ts';

// Files are written to a temporary file created exclusively under a random name, then renamed into place:
// a file or symbolic link planted in the reports folder is never written through.

const temp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** A file elsewhere that a planted link points at. */
function victim(): string {
  const file = path.join(temp('oicp-victim-'), 'precious.txt');
  fs.writeFileSync(file, 'precious');
  return file;
}

const record: RunRecord = {
  runId: 'r',
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: '2026-01-01T00:00:01Z',
  planned: 0,
  status: 'passed',
  scenarios: [],
  errors: [],
};

test('run.json is never written through a link planted at its old temporary name or at its own name', () => {
  const root = temp('oicp-atomic-');
  const target = victim();
  fs.symlinkSync(target, path.join(root, 'run.json.tmp'));
  writeRunRecord(root, record);
  expect(fs.readFileSync(target, 'utf8')).toBe('precious');
  expect(readRunRecord(root)?.runId).toBe('r');

  // A link at run.json itself is replaced, not followed.
  const other = victim();
  fs.rmSync(path.join(root, 'run.json'));
  fs.symlinkSync(other, path.join(root, 'run.json'));
  writeRunRecord(root, record);
  expect(fs.readFileSync(other, 'utf8')).toBe('precious');
  expect(fs.lstatSync(path.join(root, 'run.json')).isFile()).toBe(true);
  // No temporary file is left behind.
  expect(fs.readdirSync(root).filter(isTemporaryName)).toEqual([]);
});

test('exchanges.jsonl is never written through a link planted at its old temporary name', () => {
  const state = temp('oicp-atomic-');
  const reports = temp('oicp-atomic-');
  const target = victim();
  const log = path.join(reports, 'exchanges.jsonl');
  fs.symlinkSync(target, `${log}.tmp`);
  new ExchangeLogWriter(state).record({ scenario: 'a' } as unknown as ExchangeRecord);
  expect(mergeExchangeParts(state, log, ['a'])).toBe(1);
  expect(fs.readFileSync(target, 'utf8')).toBe('precious');
  expect(JSON.parse(fs.readFileSync(log, 'utf8')).scenario).toBe('a');
});

test('a new file is created exclusively: an existing file or link at its name is refused and left as it is', () => {
  const dir = temp('oicp-atomic-');
  const target = victim();
  fs.symlinkSync(target, path.join(dir, 'link'));
  expect(() => writeNewFile(path.join(dir, 'link'), 'x')).toThrow(/EEXIST/);
  // A link to nothing counts as existing too.
  fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
  expect(() => writeNewFile(path.join(dir, 'dangling'), 'x')).toThrow(/EEXIST/);
  expect(fs.existsSync(path.join(dir, 'nowhere'))).toBe(false);
  expect(fs.readFileSync(target, 'utf8')).toBe('precious');

  writeFileAtomic(path.join(dir, 'out.txt'), 'one');
  writeFileAtomic(path.join(dir, 'out.txt'), 'two');
  expect(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8')).toBe('two');
  expect(fs.readdirSync(dir).sort()).toEqual(['dangling', 'link', 'out.txt']);
});

test('no file of src/ writes a temporary file of its own: they all go through src/atomic-file.ts', () => {
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && full !== path.join(projectRoot, 'src', 'atomic-file.ts')) {
        const text = fs.readFileSync(full, 'utf8');
        if (/\}\.tmp`/.test(text) || /renameSync\(/.test(text))
          offenders.push(path.relative(projectRoot, full));
      }
    }
  };
  walk(path.join(projectRoot, 'src'));
  // The lock file module moves a stale lock aside (a rename of a file it does not write).
  expect(offenders).toEqual(['src/lock-file.ts']);
});
