import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/paths.ts';
import { exchangeRecord } from '../support/exchange-record.ts';
import { expect, test } from '../support/test.ts';

// `npm run compare` as a process: its exit codes through the shell, and a hostile log refused within a small
// heap. What the command decides and prints is tested in this process (tests/unit/drift.test.ts,
// tests/unit/hostile-logs.test.ts).

/** `npm run compare -- <args>` as a user runs it; a small heap, so that a log that exhausts memory fails fast. */
function compareCli(args: string[], heapMb = 256) {
  return spawnSync(
    process.execPath,
    [`--max-old-space-size=${heapMb}`, '--import', 'tsx', 'src/cli/compare.ts', ...args],
    { cwd: projectRoot, encoding: 'utf8', timeout: 120_000 },
  );
}

function record(scenario: string, code: string): string {
  return JSON.stringify(
    exchangeRecord(scenario, {
      answer: {
        status: 200,
        reason: 'OK',
        headers: { 'content-type': 'application/json' },
        body: { AuthorizationStatus: 'NotAuthorized', StatusCode: { Code: code } },
        bytes: 2,
        elapsedMs: 1,
      },
    }),
  );
}

test('exit codes through the shell: 0 for a comparison, 1 for drift with --fail-on-outcome-drift, 2 for a wrong command line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-compare-cli-'));
  const a = path.join(dir, 'a.jsonl');
  const b = path.join(dir, 'b.jsonl');
  fs.writeFileSync(a, `${record('s', '102')}\n`);
  fs.writeFileSync(b, `${record('s', '106')}\n`);
  const out = path.join(dir, 'out');
  const ok = compareCli([a, b, '--out', out]);
  expect(ok.status, ok.stderr).toBe(0);
  expect(ok.stdout).toContain('≠ s · StatusCode.Code "102" → "106"');
  expect(fs.existsSync(path.join(out, 'drift.md'))).toBe(true);
  const drift = compareCli([a, b, '--out', out, '--fail-on-outcome-drift']);
  expect(drift.status, drift.stderr).toBe(1);
  const usage = compareCli([a]);
  expect(usage.status).toBe(2);
  expect(usage.stderr).toContain('usage: npm run compare -- <run A> <run B>');
});

test('a log nested 20,000 levels deep is refused at its line within a 256 MB heap: exit 2, not out of memory', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-compare-cli-'));
  const good = path.join(dir, 'good.jsonl');
  const deep = path.join(dir, 'deep.jsonl');
  fs.writeFileSync(good, `${record('s', '102')}\n`);
  const nested = record('s', '102').replace(
    '"body":{"AuthorizationStatus":"NotAuthorized","StatusCode":{"Code":"102"}}',
    `"body":${'['.repeat(20_000)}${']'.repeat(20_000)}`,
  );
  expect(nested).toContain('['.repeat(20_000));
  fs.writeFileSync(deep, `${record('s', '102')}\n${nested}\n`);
  const out = path.join(dir, 'out');
  const cli = compareCli([good, deep, '--out', out]);
  expect(cli.status, cli.stderr).toBe(2);
  expect(cli.stderr).toContain('deep.jsonl:2: nested 20002 levels deep, more than the limit of 80');
  expect(fs.existsSync(path.join(out, 'drift.md'))).toBe(false);
});
