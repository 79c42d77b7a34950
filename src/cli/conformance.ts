import { conformance } from './conformance-command.ts';

/** `npm run conformance`: the command (conformance-command.ts) on this process's arguments and environment. */
conformance(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
