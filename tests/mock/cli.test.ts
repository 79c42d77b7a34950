import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { FAULT_NAMES } from '../../mock/faults.ts';

const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const LISTENING_LINE = /^OICP mock listening on (http:\/\/127\.0\.0\.1:(\d+)) \(fault: ([a-z0-9-]+)\)$/;

function runCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  const cleanEnv = { ...process.env };
  for (const name of Object.keys(cleanEnv)) if (name.startsWith('OICP_MOCK_')) delete cleanEnv[name];
  return spawn(process.execPath, ['--import', 'tsx', 'mock/cli.ts', ...args], {
    cwd: projectRoot,
    env: { ...cleanEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(child: ChildProcess): {
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
} {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { stdout: () => stdout, stderr: () => stderr, exit };
}

test.describe('mock CLI', () => {
  test('an unknown fault exits 2 with one line listing the valid faults', async () => {
    const run = collect(runCli(['--fault', 'no-such-fault']));
    expect(await run.exit).toBe(2);
    const lines = run.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("unknown fault 'no-such-fault'");
    for (const name of FAULT_NAMES) expect(lines[0]).toContain(name);
    expect(run.stdout()).toBe('');
  });

  test('a bad flag or value exits 2', async () => {
    for (const args of [
      ['--bogus'],
      ['--port', 'eighty'],
      ['--port', '70000'],
      ['--tls-cert', 'only-one.pem'],
    ]) {
      const run = collect(runCli(args));
      expect(await run.exit, args.join(' ')).toBe(2);
      expect(run.stderr().trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  test('an unknown fault from the environment is refused too', async () => {
    const run = collect(runCli([], { OICP_MOCK_FAULT: 'nope', OICP_MOCK_PORT: '0' }));
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain("unknown fault 'nope'");
  });

  test('prints one line with its URL, serves, and stops on SIGTERM', async () => {
    const child = runCli(['--port', '0', '--fault', 'http-500']);
    const run = collect(child);
    await expect.poll(() => run.stdout(), { timeout: 15_000 }).toMatch(/\n$/);
    const match = LISTENING_LINE.exec(run.stdout().trimEnd());
    expect(match?.[3]).toBe('http-500');
    const url = match?.[1] ?? '';
    expect((await fetch(`${url}/health`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(run.stdout().trimEnd().split('\n')).toHaveLength(1);
  });

  test('--registry (or OICP_MOCK_REGISTRY) answers from another registry file; a broken one stops the start', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-mock-registry-'));
    const file = path.join(dir, 'registry.yaml');
    // A registry of its own (the shipped one is the user's to edit), with a card no other registry has.
    const uid = randomBytes(7).toString('hex').toUpperCase();
    fs.writeFileSync(
      file,
      [
        'operators:',
        "  - operatorId: 'DE*ABC'",
        'rfidCards:',
        `  - uid: '${uid}'`,
        "    outcome: { status: Authorized, providerId: 'DE*FLT' }",
        'contracts: []',
        '',
      ].join('\n'),
    );
    for (const [args, env] of [
      [['--port', '0', '--registry', file], {}],
      [[], { OICP_MOCK_PORT: '0', OICP_MOCK_REGISTRY: file }],
    ] as const) {
      const child = runCli([...args], env);
      const run = collect(child);
      await expect.poll(() => run.stdout(), { timeout: 15_000 }).toMatch(/\n$/);
      const url = LISTENING_LINE.exec(run.stdout().trimEnd())?.[1] ?? '';
      const answer = await fetch(`${url}/api/oicp/charging/v21/operators/DE*ABC/authorize/start`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          OperatorID: 'DE*ABC',
          Identification: { RFIDMifareFamilyIdentification: { UID: uid } },
        }),
      });
      expect(await answer.json()).toMatchObject({ AuthorizationStatus: 'Authorized', ProviderID: 'DE*FLT' });
      child.kill('SIGTERM');
      expect(await run.exit).toBe(0);
    }
    fs.writeFileSync(file, 'operators: []\nrfidCards:\n  - uid: nope\n');
    const broken = collect(runCli(['--port', '0', '--registry', file]));
    expect(await broken.exit).toBe(1);
    expect(broken.stderr()).toContain('registry.yaml');
  });

  test('without --port or OICP_MOCK_PORT it takes a free port and prints it: two mocks start side by side', async () => {
    // No fixed port in a test: with a fixed default the second mock could not start (and neither could the
    // first while anything else held that port).
    const children = [runCli([]), runCli([], { OICP_MOCK_PORT: '' })];
    const runs = children.map(collect);
    try {
      for (const run of runs)
        await expect.poll(() => run.stdout() + run.stderr(), { timeout: 15_000 }).toMatch(/\n$/);
      const urls = runs.map((run) => LISTENING_LINE.exec(run.stdout().trimEnd())?.[1]);
      expect(urls[0], runs[0]?.stderr()).toBeDefined();
      expect(urls[1], runs[1]?.stderr()).toBeDefined();
      const ports = urls.map((url) => Number(new URL(url ?? 'http://x').port));
      expect(ports[0]).toBeGreaterThan(0);
      expect(ports[1]).toBeGreaterThan(0);
      expect(ports[0]).not.toBe(ports[1]);
      for (const url of urls) expect((await fetch(`${url}/health`)).status).toBe(200);
    } finally {
      for (const child of children) child.kill('SIGTERM');
    }
    for (const run of runs) expect(await run.exit).toBe(0);
  });

  test('reads its settings from the environment and stops on SIGINT', async () => {
    const child = runCli([], { OICP_MOCK_PORT: '0', OICP_MOCK_FAULT: 'latin1-charset' });
    const run = collect(child);
    await expect.poll(() => run.stdout(), { timeout: 15_000 }).toMatch(/\n$/);
    const match = LISTENING_LINE.exec(run.stdout().trimEnd());
    expect(match?.[3]).toBe('latin1-charset');
    child.kill('SIGINT');
    expect(await run.exit).toBe(0);
  });
});
