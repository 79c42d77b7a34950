import net from 'node:net';
import { InputError } from '../input/errors.ts';
import { parseIntSetting } from './profile.ts';

type Env = Record<string, string | undefined>;

/**
 * Tries to listen on 127.0.0.1:<port> (0: any free port) and gives the port it got, or undefined when the
 * port is taken. The server is closed again at once: the mock listens there a moment later.
 */
function listenOnce(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
    });
  });
}

/**
 * The embedded mock's port. Unless OICP_MOCK_PORT names one, the mock takes a free port — set into the
 * environment here, so that Playwright's workers (which inherit it) and the mock agree — and a run never
 * collides with `npm run mock` or another run. Returns whether the user chose the port.
 */
export async function chooseEmbeddedMockPort(env: Env): Promise<{ explicit: boolean; port: number }> {
  const given = env.OICP_MOCK_PORT?.trim();
  if (given && given !== '0') {
    return { explicit: true, port: parseIntSetting(given, 'OICP_MOCK_PORT', { min: 1, max: 65535 }) };
  }
  const port = await listenOnce(0);
  if (port === undefined) throw new Error('no free port on 127.0.0.1 for the embedded mock');
  env.OICP_MOCK_PORT = String(port);
  return { explicit: false, port };
}

/** How to find the process that holds a port, in the words of the console. */
function findPortHolder(port: number): string {
  return `\`ss -ltnp 'sport = :${port}'\` or \`lsof -i :${port}\` names it`;
}

/** A port the user set explicitly must be free: otherwise the run would judge whatever answers there. */
export async function checkEmbeddedMockPortFree(port: number): Promise<void> {
  if ((await listenOnce(port)) !== undefined) return;
  throw new InputError('The embedded mock cannot start; nothing was sent', [
    {
      file: 'OICP_MOCK_PORT',
      field: 'OICP_MOCK_PORT',
      message: `port ${port} on 127.0.0.1 is already in use (by \`npm run mock\`, another run, or a process left over from an interrupted run: ${findPortHolder(port)}): stop it, or unset OICP_MOCK_PORT and the embedded mock takes a free port`,
    },
  ]);
}

/**
 * Whether something accepts connections at host:port (`localhost`: 127.0.0.1 or ::1) within `timeoutMs`:
 * a port held before a mock starts, or a mock that has started.
 */
export function acceptsConnections(host: string, port: number, timeoutMs = 3_000): Promise<boolean> {
  const hosts = host === 'localhost' ? ['127.0.0.1', '::1'] : [host.replace(/^\[|\]$/g, '')];
  return Promise.all(
    hosts.map(
      (h) =>
        new Promise<boolean>((resolve) => {
          const socket = net.connect(port, h);
          socket.setTimeout(timeoutMs, () => {
            socket.destroy();
            resolve(false);
          });
          socket.once('connect', () => {
            socket.destroy();
            resolve(true);
          });
          socket.once('error', () => resolve(false));
        }),
    ),
  ).then((answers) => answers.some(Boolean));
}

/**
 * OICP_MOCK_COMMAND with a target on this machine: the mock is to listen on the target's port, which must be
 * free before it starts. A port already taken is most often held by a process left over from an earlier run
 * (a mock an interrupted run did not stop): the run would judge it instead of the mock it starts.
 */
export async function checkMockCommandPortFree(target: { host: string; port: number }): Promise<void> {
  if (!(await acceptsConnections(target.host, target.port))) return;
  throw new InputError("OICP_MOCK_COMMAND's mock cannot start; nothing was sent", [
    {
      file: 'OICP_BASE_URL',
      field: 'OICP_BASE_URL',
      message: `port ${target.port} on ${target.host} is already in use before OICP_MOCK_COMMAND started its mock: a left-over process holds it, perhaps the mock of an interrupted run (${findPortHolder(target.port)}). Stop it and run again, or give the mock another port`,
    },
  ]);
}
