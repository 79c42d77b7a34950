import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { acceptsConnections } from '../config/embedded-mock.ts';
import type { Profile } from '../config/profile.ts';
import { projectRoot } from '../paths.ts';

/**
 * The mock a run starts before its first scenario and stops after its last: the embedded Hubject mock
 * (mock profile, no OICP_BASE_URL), or another team's (OICP_MOCK_COMMAND, answering at OICP_BASE_URL).
 *
 * The conformance CLI starts it, not Playwright's webServer: Playwright stops its webServer only when it
 * ends normally or on SIGINT, and a Playwright killed by SIGTERM left the mock running, re-parented to PID 1,
 * holding the port of the next run. Started here, the mock is the leader of a process group of its own
 * (`detached`), so that stopping it stops whatever it started as well (a shell, npm, a server it spawned),
 * whatever happened to Playwright; a keyboard's Ctrl-C does not reach it before the run is done with it.
 * The embedded mock comes up while Playwright starts (AWAIT_MOCK_VARIABLE); another team's, first.
 */

/** A mock that takes longer than this to answer stops the run. */
const READY_TIMEOUT_MS = 60_000;
/** After SIGTERM, how long the mock's process group has before it is killed. */
const STOP_GRACE_MS = 5_000;

export interface MockLaunch {
  /** How the console names it. */
  name: string;
  /** The suite's own mock, up in well under a second: Playwright may start beside it. */
  embedded: boolean;
  command: string;
  args: string[];
  /** OICP_MOCK_COMMAND is a shell command line. */
  shell: boolean;
  /** Ready when a connection to the port succeeds, or when the URL answers 2xx–403. */
  ready: { host: string; port: number } | { url: string; insecure: boolean };
}

const LOCAL_HOSTS = /^(localhost|127\.0\.0\.1|\[::1\])$/;

/** The port of a target on this machine (`localhost`, `127.0.0.1`, `[::1]`), else undefined. */
export function localTargetPort(baseUrl: string): { host: string; port: number } | undefined {
  const target = new URL(baseUrl);
  if (!LOCAL_HOSTS.test(target.hostname)) return undefined;
  return {
    host: target.hostname,
    port: Number(target.port || (target.protocol === 'https:' ? 443 : 80)),
  };
}

/** The mock this run starts, if any. */
export function mockLaunch(profile: Profile, env: NodeJS.ProcessEnv = process.env): MockLaunch | undefined {
  if (profile.mockCommand) {
    const readyUrl = env.OICP_MOCK_READY_URL?.trim();
    const local = readyUrl ? undefined : localTargetPort(profile.baseUrl);
    // A local mock is ready when its port accepts connections (its root may well answer 404); a remote one
    // when OICP_MOCK_READY_URL (else the target) answers.
    return {
      name: "OICP_MOCK_COMMAND's mock",
      embedded: false,
      command: profile.mockCommand,
      args: [],
      shell: true,
      ready: local ?? { url: readyUrl ?? profile.baseUrl, insecure: profile.tls.insecure },
    };
  }
  if (!profile.startEmbeddedMock) return undefined;
  const port = new URL(profile.baseUrl).port || '80';
  return {
    name: 'the embedded mock',
    embedded: true,
    command: process.execPath,
    // The registry the profile took its values from (OICP_MOCK_REGISTRY, else data/mock/registry.yaml).
    args: [
      '--import',
      'tsx',
      'mock/cli.ts',
      '--port',
      port,
      '--host',
      '127.0.0.1',
      ...(profile.mockRegistry ? ['--registry', profile.mockRegistry] : []),
    ],
    shell: false,
    ready: { url: `${profile.baseUrl}/health`, insecure: false },
  };
}

/** The mock could not be started: a configuration error, and nothing was sent. */
export class MockStartError extends Error {
  override name = 'MockStartError';
}

/** A signal came while the mock was starting: it was stopped again. */
export class MockStartInterrupted extends Error {
  override name = 'MockStartInterrupted';
}

export interface RunningMockProcess {
  readonly pid: number;
  /** Stops the mock's whole process group: SIGTERM, then SIGKILL if it is still there after a grace period. */
  stop(): Promise<void>;
}

function answers(url: string, insecure: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const client = url.startsWith('https:') ? https : http;
    const request = client.get(url, { rejectUnauthorized: !insecure, timeout: 5_000 }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      resolve(status >= 200 && status < 404);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
  });
}

function isReady(ready: MockLaunch['ready']): Promise<boolean> {
  return 'url' in ready
    ? answers(ready.url, ready.insecure)
    : acceptsConnections(ready.host, ready.port, 2_000);
}

/**
 * Set by the conformance command for a Playwright it starts beside the embedded mock: the mock's readiness
 * (MockLaunch['ready'], as JSON), which Playwright's global setup waits for before any scenario is loaded.
 */
export const AWAIT_MOCK_VARIABLE = 'OICP_RUN_AWAIT_MOCK';

/**
 * Waits until the mock named by AWAIT_MOCK_VARIABLE in `env` is ready; at once when none is named. No time
 * limit of its own: the command that started the mock stops Playwright if the mock never comes up.
 */
export async function untilAwaitedMockReady(env: NodeJS.ProcessEnv): Promise<void> {
  const awaited = env[AWAIT_MOCK_VARIABLE];
  if (!awaited) return;
  const ready = JSON.parse(awaited) as MockLaunch['ready'];
  while (!(await isReady(ready))) await new Promise((resolve) => setTimeout(resolve, 50));
}

function readyWords(ready: MockLaunch['ready']): string {
  return 'url' in ready
    ? `${ready.url} answering (2xx–403)`
    : `port ${ready.port} on ${ready.host} accepting connections`;
}

const WINDOWS = process.platform === 'win32';

/** Whether any process of the mock's group is left (on Windows, which has no process groups: the mock). */
function groupAlive(pid: number): boolean {
  try {
    process.kill(WINDOWS ? pid : -pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (WINDOWS) {
    // No signals there: the process tree is ended at once.
    spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true });
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // Gone already.
  }
}

async function waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() >= end) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/** Stops a process group: SIGTERM, then SIGKILL after the grace period. Bounded. */
async function stopGroup(child: ChildProcess, pid: number): Promise<void> {
  child.stdin?.destroy();
  if (!groupAlive(pid)) return;
  signalGroup(pid, 'SIGTERM');
  if (await waitUntil(() => !groupAlive(pid), STOP_GRACE_MS)) return;
  signalGroup(pid, 'SIGKILL');
  await waitUntil(() => !groupAlive(pid), 1_000);
}

/**
 * Starts the mock in a process group of its own and waits until it is ready. Its stderr goes to ours
 * (prefixed `[mock]`, or to `log`), its stdout nowhere. Throws MockStartError when it is ready before it was started
 * (something else answers there), exits early or is not ready within a minute, and MockStartInterrupted
 * when `interrupted` resolves first; the mock is stopped in every one of these cases.
 */
export async function startMockProcess(
  launch: MockLaunch,
  options: {
    interrupted?: Promise<unknown>;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    /** Where the mock's stderr lines go (prefixed `[mock]`); this process's stderr unless given. */
    log?: (line: string) => void;
  } = {},
): Promise<RunningMockProcess> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if ('url' in launch.ready && (await isReady(launch.ready)))
    throw new MockStartError(
      `${launch.ready.url} answers before ${launch.name} was started: something else is already there, and the run would judge it. Stop it, or point OICP_MOCK_READY_URL / OICP_BASE_URL at the mock`,
    );
  const child = spawn(launch.command, launch.args, {
    cwd: projectRoot,
    env: options.env ?? process.env,
    shell: launch.shell,
    detached: !WINDOWS,
    // stdin stays open (a command may end when it reads the end of its input) until the mock is stopped.
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) {
    const error = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new MockStartError(`${launch.name} could not be started: ${error.message}`);
  }
  let saidSomething = false;
  let partial = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    if (text.trim()) saidSomething = true;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) log(`[mock] ${line}`);
  });
  child.stderr?.on('end', () => {
    if (partial) log(`[mock] ${partial}`);
  });
  // A last resort: whatever ends the CLI (an uncaught error included), the mock does not outlive it.
  const killOnExit = () => signalGroup(pid, 'SIGKILL');
  process.on('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= stopGroup(child, pid).finally(() => process.off('exit', killOnExit));
    return stopping;
  };

  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => {
      const tail = saidSomething ? ' (what it said is above, marked [mock])' : '';
      reject(
        new MockStartError(
          `${launch.name} ended before it was ready (${signal ? `signal ${signal}` : `exit code ${code}`}): \`${[launch.command, ...launch.args].join(' ')}\`${tail}`,
        ),
      );
    });
  });
  exited.catch(() => {});
  let cancelled = false;
  const timeoutMs = options.timeoutMs ?? READY_TIMEOUT_MS;
  const ready = (async () => {
    const deadline = Date.now() + timeoutMs;
    // Asked often while a mock usually comes up (the embedded one takes well under a second, and every run
    // waits for it), then less often.
    const fastUntil = Date.now() + 3_000;
    while (!cancelled) {
      if (await isReady(launch.ready)) return;
      if (Date.now() >= deadline)
        throw new MockStartError(
          `${launch.name} was not ready within ${timeoutMs / 1000} s (waited for ${readyWords(launch.ready)})`,
        );
      await new Promise((resolve) => setTimeout(resolve, Date.now() < fastUntil ? 50 : 500));
    }
  })();
  const interrupted = (options.interrupted ?? new Promise<never>(() => {})).then(() => {
    throw new MockStartInterrupted(`${launch.name} was stopped while it started`);
  });
  // Only the first to settle counts; the others must not surface later as unhandled rejections.
  for (const outcome of [ready, interrupted]) outcome.catch(() => {});
  try {
    await Promise.race([ready, exited, interrupted]);
  } catch (error) {
    cancelled = true;
    await stop();
    throw error;
  } finally {
    cancelled = true;
  }
  return { pid, stop };
}
