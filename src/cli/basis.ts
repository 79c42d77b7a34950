import { basis } from './basis-command.ts';

/**
 * `npm run catalogue:basis`: the command (basis-command.ts) on this process's arguments and environment.
 * exitCode, not exit(): a large --json output piped to another program must be written whole first.
 */
process.exitCode = basis(process.argv.slice(2), process.env);
