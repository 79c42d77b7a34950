import { answerAuthorizeStart } from '../../mock/answer.ts';
import { mockCommand } from '../../mock/command.ts';
import type { FaultName } from '../../mock/faults.ts';
import { loadMockRegistry, type MockRegistry } from '../../mock/registry.ts';
import type { RunningMock } from '../../mock/server.ts';
import { IssuedSessionIds } from '../../mock/sessions.ts';
import type { MockResponse } from '../../mock/types.ts';

let shipped: MockRegistry | undefined;

/** The shipped registry, read on first use: Playwright's main process loads this file only to list tests. */
export function shippedRegistry(): MockRegistry {
  shipped ??= loadMockRegistry();
  return shipped;
}

/** The SessionID memory of the in-process mock: one for all `ask` calls of a test file, like one server's. */
export const sessions = new IssuedSessionIds();

export const GUID = /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/;

export function authorizeStartPath(operatorId: string): string {
  return `/api/oicp/charging/v21/operators/${encodeURIComponent(operatorId)}/authorize/start`;
}

export function rfidRequest(uid: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { OperatorID: 'DE*ABC', Identification: { RFIDMifareFamilyIdentification: { UID: uid } }, ...extra };
}

export interface AskOptions {
  operatorId?: string;
  fault?: FaultName | null;
  tls?: boolean;
  clientIdentity?: string | null;
  method?: string;
  path?: string;
  slowDelayMs?: number;
  /** The request's Content-Type header (default `application/json`; null: no header). */
  contentType?: string | null;
  /** Another SessionID memory than the shared one (a mock instance of its own). */
  sessions?: IssuedSessionIds;
  registry?: MockRegistry;
}

/** Calls the mock in-process; `body` is serialised unless it is already a string. */
export function ask(body: unknown, options: AskOptions = {}): MockResponse & { json: () => unknown } {
  const response = answerAuthorizeStart(
    {
      method: options.method ?? 'POST',
      path: options.path ?? authorizeStartPath(options.operatorId ?? 'DE*ABC'),
      headers:
        options.contentType === null ? {} : { 'content-type': options.contentType ?? 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      clientIdentity: options.clientIdentity ?? null,
    },
    {
      registry: options.registry ?? shippedRegistry(),
      fault: options.fault ?? null,
      slowDelayMs: options.slowDelayMs ?? 11_000,
      tls: options.tls ?? false,
      sessions: options.sessions ?? sessions,
    },
  );
  return { ...response, json: () => JSON.parse(response.body) };
}

/** The parsed body as a loose record, for asserting single fields. */
export function answerOf(body: unknown, options: AskOptions = {}): Record<string, unknown> {
  const response = ask(body, options);
  return response.json() as Record<string, unknown>;
}

/** What the mock's command line did in this process: its lines, and the running mock or its exit code. */
export interface MockCommandRun {
  /** Started: the caller closes it. */
  mock?: RunningMock;
  exitCode?: number;
  stdout: string;
  stderr: string;
}

/**
 * The mock's command line (`mockCommand`, what mock/cli.ts runs) in this process, with only the variables
 * `env` names: a developer's OICP_MOCK_* settings never reach it.
 */
export async function runMockCommand(
  args: string[],
  env: Record<string, string> = {},
): Promise<MockCommandRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const started = await mockCommand(args, env, {
    log: (text) => stdout.push(`${text}\n`),
    error: (text) => stderr.push(`${text}\n`),
  });
  const lines = { stdout: stdout.join(''), stderr: stderr.join('') };
  return typeof started === 'number' ? { exitCode: started, ...lines } : { mock: started, ...lines };
}
