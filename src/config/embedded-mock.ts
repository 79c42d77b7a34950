import { execFileSync } from 'node:child_process';
import { InputError } from '../input/errors.ts';
import { parseIntSetting } from './profile.ts';

type Env = Record<string, string | undefined>;

/**
 * Tries to listen on 127.0.0.1:<port> (0: any free port) in a short-lived child process and prints the
 * port it got, or nothing. Synchronous on purpose: Playwright's configuration is evaluated synchronously,
 * and the port must be known before the workers start.
 */
function listenOnce(port: number): number | undefined {
  const script = `const s=require('node:net').createServer();s.once('error',()=>process.exit(0));s.listen(${port},'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})`;
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 }).trim();
  return out ? Number(out) : undefined;
}

/**
 * The embedded mock's port. Unless OICP_MOCK_PORT names one, the mock takes a free port — set into the
 * environment here, so that Playwright's workers (which inherit it) and the mock agree — and a run never
 * collides with `npm run mock` or another run. Returns whether the user chose the port.
 */
export function chooseEmbeddedMockPort(env: Env = process.env): { explicit: boolean; port: number } {
  const given = env.OICP_MOCK_PORT?.trim();
  if (given && given !== '0') {
    return { explicit: true, port: parseIntSetting(given, 'OICP_MOCK_PORT', { min: 1, max: 65535 }) };
  }
  const port = listenOnce(0);
  if (port === undefined) throw new Error('no free port on 127.0.0.1 for the embedded mock');
  env.OICP_MOCK_PORT = String(port);
  return { explicit: false, port };
}

/** How to find the process that holds a port, in the words of the console. */
function findPortHolder(port: number): string {
  return `\`ss -ltnp 'sport = :${port}'\` or \`lsof -i :${port}\` names it`;
}

/** A port the user set explicitly must be free: otherwise the run would judge whatever answers there. */
export function checkEmbeddedMockPortFree(port: number): void {
  if (listenOnce(port) !== undefined) return;
  throw new InputError('The embedded mock cannot start; nothing was sent', [
    {
      file: 'OICP_MOCK_PORT',
      field: 'OICP_MOCK_PORT',
      message: `port ${port} on 127.0.0.1 is already in use (by \`npm run mock\`, another run, or a process left over from an interrupted run: ${findPortHolder(port)}): stop it, or unset OICP_MOCK_PORT and the embedded mock takes a free port`,
    },
  ]);
}

/**
 * Whether something accepts connections at host:port (`localhost`: 127.0.0.1 or ::1), tried in a short-lived
 * child process: synchronous, like the rest of the checks before a run.
 */
function acceptsConnections(host: string, port: number): boolean {
  const hosts = host === 'localhost' ? ['127.0.0.1', '::1'] : [host.replace(/^\[|\]$/g, '')];
  const script = `const net=require('node:net');let left=${hosts.length};for(const h of ${JSON.stringify(hosts)}){const s=net.connect(${port},h);s.setTimeout(3000,()=>{s.destroy();if(--left===0)process.exit(0)});s.once('connect',()=>{process.stdout.write('in use');process.exit(0)});s.once('error',()=>{if(--left===0)process.exit(0)})}`;
  return (
    execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 }).trim() === 'in use'
  );
}

/**
 * OICP_MOCK_COMMAND with a target on this machine: the mock is to listen on the target's port, which must be
 * free before it starts. A port already taken is most often held by a process left over from an earlier run
 * (a mock an interrupted run did not stop): the run would judge it instead of the mock it starts.
 */
export function checkMockCommandPortFree(target: { host: string; port: number }): void {
  if (!acceptsConnections(target.host, target.port)) return;
  throw new InputError("OICP_MOCK_COMMAND's mock cannot start; nothing was sent", [
    {
      file: 'OICP_BASE_URL',
      field: 'OICP_BASE_URL',
      message: `port ${target.port} on ${target.host} is already in use before OICP_MOCK_COMMAND started its mock: a left-over process holds it, perhaps the mock of an interrupted run (${findPortHolder(target.port)}). Stop it and run again, or give the mock another port`,
    },
  ]);
}
