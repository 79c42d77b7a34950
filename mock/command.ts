/**
 * The embedded Hubject mock's command line as a function: `mockCommand(argv, env, output)` reads the flags
 * and the OICP_MOCK_* variables, starts the mock and says where it listens. mock/cli.ts calls it with the
 * process's arguments and environment and stops the mock on SIGINT or SIGTERM. Nothing happens when this
 * module is loaded.
 */

import path from 'node:path';
import { parseArgs } from 'node:util';
import { FAULT_NAMES, type FaultName, isFaultName } from './faults.ts';
import { DEFAULT_REGISTRY_PATH, loadMockRegistry } from './registry.ts';
import { loadReplayLog, ReplayLogError } from './replay.ts';
import {
  DEFAULT_SLOW_DELAY_MS,
  type MockServerOptions,
  type MockTlsFiles,
  type RunningMock,
  startMock,
} from './server.ts';

/** Any free port: the printed URL names the one the mock got. */
const DEFAULT_PORT = 0;
const USAGE =
  'usage: npx tsx mock/cli.ts [--port N] [--host H] [--fault NAME] [--slow-delay-ms N] ' +
  '[--replay LOG [--replay-timing recorded|none]] [--tls-cert F --tls-key F --tls-ca F] [--registry F]';

class UsageError extends Error {}

function nonNegativeInteger(name: string, text: string, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > max)
    throw new UsageError(`${name} must be an integer from 0 to ${max}, got '${text}'`);
  return value;
}

/** The options to start with, and the registry file the mock's data comes from. */
function parseOptions(
  argv: readonly string[],
  env: Env,
): MockServerOptions & { registryFile: string; replayFile?: string } {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const flags = parsed.values;

  const faultText = flags.fault ?? env.OICP_MOCK_FAULT;
  let fault: FaultName | null = null;
  if (faultText !== undefined && faultText !== '' && faultText !== 'none') {
    if (!isFaultName(faultText)) throw new UsageError(`unknown fault '${faultText}'`);
    fault = faultText;
  }

  const replayFile = flags.replay ?? env.OICP_MOCK_REPLAY;
  const replayTiming = flags['replay-timing'] ?? env.OICP_MOCK_REPLAY_TIMING;
  if (
    replayTiming !== undefined &&
    replayTiming !== '' &&
    replayTiming !== 'recorded' &&
    replayTiming !== 'none'
  )
    throw new UsageError(`--replay-timing must be 'recorded' or 'none', got '${replayTiming}'`);
  if (replayFile && fault)
    throw new UsageError('--replay answers as recorded: it cannot be combined with --fault');

  const tlsFiles = {
    cert: flags['tls-cert'] ?? env.OICP_MOCK_TLS_CERT,
    key: flags['tls-key'] ?? env.OICP_MOCK_TLS_KEY,
    ca: flags['tls-ca'] ?? env.OICP_MOCK_TLS_CA,
  };
  const givenTlsFiles = Object.values(tlsFiles).filter((file) => file !== undefined && file !== '');
  if (givenTlsFiles.length > 0 && givenTlsFiles.length < 3) {
    throw new UsageError('HTTPS needs all three of --tls-cert, --tls-key and --tls-ca');
  }

  return {
    port: nonNegativeInteger(
      '--port',
      flags.port ?? (env.OICP_MOCK_PORT?.trim() || String(DEFAULT_PORT)),
      65535,
    ),
    host: flags.host ?? '127.0.0.1',
    fault,
    slowDelayMs: nonNegativeInteger(
      '--slow-delay-ms',
      flags['slow-delay-ms'] ?? env.OICP_MOCK_SLOW_DELAY_MS ?? String(DEFAULT_SLOW_DELAY_MS),
    ),
    ...(givenTlsFiles.length === 3 ? { tls: tlsFiles as MockTlsFiles } : {}),
    registryFile: path.resolve(flags.registry || env.OICP_MOCK_REGISTRY || DEFAULT_REGISTRY_PATH),
    ...(replayFile ? { replayFile } : {}),
    ...(replayTiming === 'recorded' ? { replayTiming: 'recorded' as const } : {}),
  };
}

function parseCommandLine(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      fault: { type: 'string' },
      'slow-delay-ms': { type: 'string' },
      replay: { type: 'string' },
      'replay-timing': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-ca': { type: 'string' },
      registry: { type: 'string' },
    },
  });
}

type Env = Record<string, string | undefined>;

/** Where the command's lines go: the console, or a test's buffer. Each call is one line. */
interface MockCommandOutput {
  log(text: string): void;
  error(text: string): void;
}

/**
 * `npx tsx mock/cli.ts [flags]` (flags win over the OICP_MOCK_* variables of `env`): the running mock, after
 * its one line `OICP mock listening on <url> (<mode>)`; or the exit code, after one line saying why: 2 for a
 * wrong command line or a recording that cannot be read, 1 when the mock cannot start (its registry, its TLS
 * files, its port). The caller stops the mock.
 */
export async function mockCommand(
  argv: readonly string[],
  env: Env,
  output: MockCommandOutput = console,
): Promise<RunningMock | number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.error(`oicp-mock: ${error.message}. ${USAGE}; valid faults: ${FAULT_NAMES.join(', ')}`);
    return 2;
  }
  if (options.replayFile) {
    try {
      options.replay = loadReplayLog(options.replayFile);
    } catch (error) {
      if (!(error instanceof ReplayLogError)) throw error;
      output.error(`oicp-mock: ${error.message}`);
      return 2;
    }
  }

  let mock: RunningMock;
  try {
    const { registryFile, ...serverOptions } = options;
    mock = await startMock({ ...serverOptions, registry: loadMockRegistry(registryFile) });
  } catch (error) {
    output.error(`oicp-mock: cannot start: ${(error as Error).message}`);
    return 1;
  }
  const mode = options.replay
    ? `replay of ${options.replay.source}: ${options.replay.exchanges.length} exchanges${options.replayTiming === 'recorded' ? ', recorded timing' : ''}`
    : `fault: ${options.fault ?? 'none'}`;
  output.log(`OICP mock listening on ${mock.url} (${mode})`);
  return mock;
}
