import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/paths.ts';
import { expect, test } from '../support/test.ts';

// `npm run mock` as a process: what only the real process shows — its exit codes through the shell, and that
// SIGINT and SIGTERM stop it. What the command decides (flags, variables, its line, each error) is tested in
// this process in tests/mock/cli.test.ts.

const LISTENING_LINE = /^OICP mock listening on (http:\/\/127\.0\.0\.1:(\d+)) \(fault: ([a-z0-9-]+)\)$/;

/** `npm run mock -- <args>`, with only the OICP_MOCK_* variables the test names. */
function mockProcess(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  const cleanEnv = { ...process.env };
  for (const name of Object.keys(cleanEnv)) if (name.startsWith('OICP_MOCK_')) delete cleanEnv[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'mock/cli.ts', ...args], {
    cwd: projectRoot,
    env: { ...cleanEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

test('the mock prints one line with its URL, serves, and exits 0 on SIGTERM and on SIGINT', async () => {
  // Two at once, each on a free port of its own: one stopped by SIGTERM, one by SIGINT.
  const runs = [
    { signal: 'SIGTERM' as const, fault: 'http-500', run: mockProcess(['--fault', 'http-500']) },
    {
      signal: 'SIGINT' as const,
      fault: 'latin1-charset',
      run: mockProcess([], { OICP_MOCK_PORT: '0', OICP_MOCK_FAULT: 'latin1-charset' }),
    },
  ];
  try {
    for (const { run, fault } of runs) {
      await expect.poll(() => run.stdout() + run.stderr(), { timeout: 15_000 }).toMatch(/\n$/);
      const match = LISTENING_LINE.exec(run.stdout().trimEnd());
      expect(match?.[3], run.stderr()).toBe(fault);
      expect((await fetch(`${match?.[1]}/health`)).status).toBe(200);
    }
  } finally {
    for (const { run, signal } of runs) run.child.kill(signal);
  }
  for (const { run, signal } of runs) {
    expect(await run.exit, signal).toBe(0);
    expect(run.stdout().trimEnd().split('\n'), signal).toHaveLength(1);
  }
});

test('a wrong command line exits 2 and a mock that cannot start exits 1, saying why on stderr only', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-mock-cli-'));
  const registry = path.join(dir, 'registry.yaml');
  fs.writeFileSync(registry, 'operators: []\nrfidCards:\n  - uid: nope\n');
  const usage = mockProcess(['--fault', 'no-such-fault']);
  const broken = mockProcess(['--registry', registry]);
  expect(await usage.exit).toBe(2);
  expect(usage.stderr().trimEnd().split('\n')).toHaveLength(1);
  expect(usage.stderr()).toContain("unknown fault 'no-such-fault'");
  expect(usage.stdout()).toBe('');
  expect(await broken.exit).toBe(1);
  expect(broken.stderr()).toContain('oicp-mock: cannot start:');
  expect(broken.stderr()).toContain('registry.yaml');
  expect(broken.stdout()).toBe('');
});
