import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { AWAIT_MOCK_VARIABLE, untilAwaitedMockReady } from '../../src/run/mock-process.ts';
import { runPlaywright, type SignalWatch } from '../../src/run/playwright-process.ts';
import { listen } from '../support/listen.ts';
import { expect, test } from '../support/test.ts';

// The embedded mock starts beside Playwright: Playwright's global setup waits until the mock answers, and a
// Playwright whose mock never comes up is stopped before it loads anything.

const noSignal: SignalWatch = { signal: undefined, onFirst: () => {}, dispose: () => {} };

test('without a mock to wait for, the global setup goes on at once', async () => {
  await untilAwaitedMockReady({});
});

test('the global setup waits until the mock beside it answers its readiness URL', async () => {
  // A mock still coming up: its port is open, its readiness URL not yet answering 2xx–403.
  let up = false;
  const mock = await listen(
    http.createServer((_request, response) => {
      response.statusCode = up ? 200 : 503;
      response.end();
    }),
  );
  try {
    const waiting = untilAwaitedMockReady({
      [AWAIT_MOCK_VARIABLE]: JSON.stringify({ url: `${mock.url}/health`, insecure: false }),
    }).then(() => up);
    await new Promise((resolve) => setTimeout(resolve, 300));
    up = true;
    expect(await waiting).toBe(true);
  } finally {
    await mock.close();
  }
});

test('a Playwright started beside a mock that never comes up is killed, however long it would have waited', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-beside-'));
  // Stands in for Playwright waiting in its global setup: it would wait forever.
  const waiting = path.join(dir, 'waits.cjs');
  fs.writeFileSync(waiting, 'setInterval(() => {}, 1000);\n');
  let failStart!: (error: Error) => void;
  const mockReady = new Promise<void>((_resolve, reject) => {
    failStart = reject;
  });
  mockReady.catch(() => {});
  const run = runPlaywright(waiting, [], { cwd: dir, env: process.env, signals: noSignal, ready: mockReady });
  setTimeout(() => failStart(new Error('the mock ended before it was ready')), 200);
  // Left alone, it would outlive the test: it ends only because the failed start killed it.
  const outcome = await run;
  expect(outcome.exitCode).not.toBe(0);
  fs.rmSync(dir, { recursive: true, force: true });
});
