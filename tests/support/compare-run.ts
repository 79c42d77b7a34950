import { compare } from '../../src/cli/compare-command.ts';

/** What `npm run compare` did: its exit code and the lines it printed. */
export interface CompareRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * `npm run compare -- <args>` in this process (compare(argv, env, output), what src/cli/compare.ts runs), its
 * lines captured; only the variables `env` names reach it. That the real process exits with the same codes is
 * tests/e2e/compare-cli.test.ts's.
 */
export function runCompare(args: string[], env: Record<string, string> = {}): CompareRun {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exitCode = compare(args, env, {
    log: (text) => stdout.push(`${text}\n`),
    error: (text) => stderr.push(`${text}\n`),
  });
  return { exitCode, stdout: stdout.join(''), stderr: stderr.join('') };
}
