import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FAULT_NAMES } from '../../mock/faults.ts';
import type { RunningMock } from '../../mock/server.ts';
import { expect, test } from '../support/test.ts';
import { type MockCommandRun, runMockCommand } from './support.ts';

// The mock's command line (mockCommand, what `npm run mock` runs) in this process: flags, variables, its one
// line, its exit codes. That the real process prints the same, exits with them and stops on SIGINT and
// SIGTERM is tests/e2e/mock-cli.test.ts's.

const LISTENING_LINE = /^OICP mock listening on (http:\/\/127\.0\.0\.1:(\d+)) \(fault: ([a-z0-9-]+)\)$/;

/** The started mock (closed by the test) and the URL of its one line. */
function started(run: MockCommandRun): { mock: RunningMock; url: string; fault: string | undefined } {
  expect(run.exitCode, run.stderr).toBeUndefined();
  if (!run.mock) throw new Error(`the mock did not start: ${run.stderr}`);
  expect(run.stdout.endsWith('\n')).toBe(true);
  const match = LISTENING_LINE.exec(run.stdout.trimEnd());
  expect(match, run.stdout).not.toBeNull();
  expect(match?.[1]).toBe(run.mock.url);
  return { mock: run.mock, url: match?.[1] ?? '', fault: match?.[3] };
}

test.describe('mock CLI', () => {
  test('an unknown fault exits 2 with one line listing the valid faults', async () => {
    const run = await runMockCommand(['--fault', 'no-such-fault']);
    expect(run.exitCode).toBe(2);
    expect(run.mock).toBeUndefined();
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("unknown fault 'no-such-fault'");
    for (const name of FAULT_NAMES) expect(lines[0]).toContain(name);
    expect(run.stdout).toBe('');
  });

  test('a bad flag or value exits 2', async () => {
    for (const args of [
      ['--bogus'],
      ['--port', 'eighty'],
      ['--port', '70000'],
      ['--tls-cert', 'only-one.pem'],
    ]) {
      const run = await runMockCommand(args);
      expect(run.exitCode, args.join(' ')).toBe(2);
      expect(run.mock, args.join(' ')).toBeUndefined();
      expect(run.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(run.stdout, args.join(' ')).toBe('');
    }
  });

  test('an unknown fault from the environment is refused too', async () => {
    const run = await runMockCommand([], { OICP_MOCK_FAULT: 'nope', OICP_MOCK_PORT: '0' });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("unknown fault 'nope'");
  });

  test('prints one line with its URL and serves', async () => {
    const { mock, url, fault } = started(await runMockCommand(['--port', '0', '--fault', 'http-500']));
    try {
      expect(fault).toBe('http-500');
      expect((await fetch(`${url}/health`)).status).toBe(200);
    } finally {
      await mock.close();
    }
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
      const { mock, url } = started(await runMockCommand([...args], env));
      try {
        const answer = await fetch(`${url}/api/oicp/charging/v21/operators/DE*ABC/authorize/start`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            OperatorID: 'DE*ABC',
            Identification: { RFIDMifareFamilyIdentification: { UID: uid } },
          }),
        });
        expect(await answer.json()).toMatchObject({
          AuthorizationStatus: 'Authorized',
          ProviderID: 'DE*FLT',
        });
      } finally {
        await mock.close();
      }
    }
    fs.writeFileSync(file, 'operators: []\nrfidCards:\n  - uid: nope\n');
    const broken = await runMockCommand(['--port', '0', '--registry', file]);
    expect(broken.exitCode).toBe(1);
    expect(broken.mock).toBeUndefined();
    expect(broken.stderr).toContain('registry.yaml');
    expect(broken.stdout).toBe('');
  });

  test('without --port or OICP_MOCK_PORT it takes a free port and prints it: two mocks start side by side', async () => {
    // No fixed port in a test: with a fixed default the second mock could not start (and neither could the
    // first while anything else held that port).
    const runs = [await runMockCommand([]), await runMockCommand([], { OICP_MOCK_PORT: '' })];
    const mocks = runs.flatMap((run) => (run.mock ? [run.mock] : []));
    try {
      const urls = runs.map((run) => started(run).url);
      const ports = urls.map((url) => Number(new URL(url).port));
      expect(ports[0]).toBeGreaterThan(0);
      expect(ports[1]).toBeGreaterThan(0);
      expect(ports[0]).not.toBe(ports[1]);
      for (const url of urls) expect((await fetch(`${url}/health`)).status).toBe(200);
    } finally {
      for (const mock of mocks) await mock.close();
    }
  });

  test('reads its settings from the environment', async () => {
    const { mock, fault } = started(
      await runMockCommand([], { OICP_MOCK_PORT: '0', OICP_MOCK_FAULT: 'latin1-charset' }),
    );
    await mock.close();
    expect(fault).toBe('latin1-charset');
  });
});
