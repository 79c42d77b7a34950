import { compare } from './compare-command.ts';

/** `npm run compare`: the command (compare-command.ts) on this process's arguments and environment. */
process.exit(compare(process.argv.slice(2), process.env));
