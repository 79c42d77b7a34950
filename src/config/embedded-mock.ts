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

/** A port the user set explicitly must be free: otherwise the run would judge whatever answers there. */
export function checkEmbeddedMockPortFree(port: number): void {
  if (listenOnce(port) !== undefined) return;
  throw new InputError('The embedded mock cannot start; nothing was sent', [
    {
      file: 'OICP_MOCK_PORT',
      field: 'OICP_MOCK_PORT',
      message: `port ${port} on 127.0.0.1 is already in use (is \`npm run mock\` or another run still going?): stop it, or unset OICP_MOCK_PORT and the embedded mock takes a free port`,
    },
  ]);
}
