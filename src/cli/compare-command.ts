import path from 'node:path';
import { parseArgs } from 'node:util';
import { compareExchangeLogs } from '../drift/run-comparison.ts';
import { InputError } from '../input/errors.ts';
import { printable } from '../input/json-lines.ts';
import { consoleWidth } from '../report/summary.ts';
import { noteOutputsWritten, reportPaths } from '../reports-folder/paths.ts';
import type { CommandOutput } from './conformance-command.ts';

const USAGE =
  'usage: npm run compare -- <run A> <run B> [--out <folder>] [--fail-on-outcome-drift | --fail-on-drift]\n' +
  '  <run A>, <run B>: a reports folder of a run (its exchanges.jsonl), or an exchanges.jsonl file';

/**
 * `npm run compare -- <run A> <run B> [--out <folder>] [--fail-on-outcome-drift | --fail-on-drift]`: the drift
 * between two runs, scenario by scenario (each run a reports folder or an exchanges.jsonl). Writes drift.md and
 * drift.json into --out (default: the reports folder, OICP_REPORTS_DIR of `env` or reports/) and prints a
 * summary. Returns the exit code: 0; 1 with --fail-on-outcome-drift when any scenario's outcome differs (with
 * --fail-on-drift: when anything but "same" is found); 2 when a log cannot be read (src/exchange/log-file.ts:
 * each refused at the offending line), an output cannot be written (a FIFO or other non-regular file standing
 * at drift.md or drift.json is refused, never opened) or the command line is wrong. Nothing from a log reaches
 * `output` with its control characters: every line is escaped (printable). Nothing happens when this module is
 * loaded.
 */
export function compare(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  output: CommandOutput = console,
): number {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    output.error(`${printableLines((error as Error).message)}\n${USAGE}`);
    return 2;
  }
  const [a, b, ...extra] = parsed.positionals;
  if (!a || !b || extra.length > 0) {
    output.error(`Name exactly two runs to compare.\n${USAGE}`);
    return 2;
  }
  const out = parsed.values.out ? path.resolve(parsed.values.out) : reportPaths(env).root;
  const files = { markdown: path.join(out, 'drift.md'), json: path.join(out, 'drift.json') };
  let result: ReturnType<typeof compareExchangeLogs>;
  try {
    result = compareExchangeLogs(a, b, files, { width: consoleWidth() });
    // Into a reports folder: recorded there, so that the next run removes them with its other outputs.
    noteOutputsWritten([files.markdown, files.json]);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    output.error(printableLines(error.message));
    return 2;
  }
  output.log(printableLines(result.lines.join('\n')));
  const { counts } = result.drift;
  if (parsed.values['fail-on-drift'] && counts.same < result.drift.scenarios.length) {
    output.log(`Drift found (--fail-on-drift): exit code 1`);
    return 1;
  }
  if (parsed.values['fail-on-outcome-drift'] && counts.outcome > 0) {
    output.log(
      `${counts.outcome} scenario(s) with a different outcome (--fail-on-outcome-drift): exit code 1`,
    );
    return 1;
  }
  return 0;
}

/** Each line of a text with its control characters escaped (src/input/json-lines.ts), the line breaks kept. */
function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

function parseCommandLine(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      'fail-on-outcome-drift': { type: 'boolean' },
      'fail-on-drift': { type: 'boolean' },
    },
  });
}
