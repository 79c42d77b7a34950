/**
 * Starts the embedded Hubject mock alone:
 *   npx tsx mock/cli.ts [--port N] [--host H] [--fault NAME] [--slow-delay-ms N]
 *                       [--replay LOG [--replay-timing recorded|none]]
 *                       [--tls-cert F --tls-key F --tls-ca F] [--registry F]
 * Flags win over the OICP_MOCK_* environment variables. Without --port or OICP_MOCK_PORT it takes a free
 * port (never a fixed one, which another mock or a run may hold) and prints the URL with the port it got.
 * The command itself is mockCommand (mock/command.ts); here it gets the process's arguments, environment
 * and exit code, and SIGINT or SIGTERM stops the mock.
 */

import { mockCommand } from './command.ts';

const started = await mockCommand(process.argv.slice(2), process.env);
if (typeof started === 'number') process.exit(started);

const stop = () => {
  started.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
