import path from 'node:path';

/** Where in an input file a problem is. Lines and columns are 1-based, as editors show them. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export interface InputProblem extends SourceLocation {
  /** Dotted path of the field, e.g. `scenarios[2].expect.status`; empty for the whole file. */
  field: string;
  message: string;
}

export function formatLocation(loc: SourceLocation): string {
  if (loc.line === undefined) return loc.file;
  return `${loc.file}:${loc.line}${loc.column === undefined ? '' : `:${loc.column}`}`;
}

function formatProblem(problem: InputProblem): string {
  // An environment variable is both the "file" and the field: name it once.
  const field = problem.field && problem.field !== problem.file ? ` ${problem.field}:` : ':';
  return `${formatLocation(problem)}${field} ${problem.message}`;
}

/**
 * A problem in what the user gave us (a scenario file, a profile, an environment variable): reported
 * as a list of located problems, before anything is sent. Never carries a stack trace to the console.
 */
export class InputError extends Error {
  readonly problems: InputProblem[];

  constructor(title: string, problems: InputProblem[]) {
    super(`${title}\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    this.name = 'InputError';
    this.problems = problems;
  }
}

/** A path as the user should see it: relative to the working directory when inside it, absolute otherwise. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : path.resolve(file);
}

/** How many problems of one input an error lists at most; the rest are counted (see boundedProblems). */
export const SHOWN_PROBLEMS = 20;

/**
 * The first `shown` problems, and one line more that counts the others — those beyond `shown` and the
 * `omitted` ones found but never worded — so that a file of thousands of mistakes (the wrong file named, a
 * key for a settings file) gets a message a reader can take in.
 */
export function boundedProblems(
  problems: readonly InputProblem[],
  omitted: number,
  file: string,
  shown = SHOWN_PROBLEMS,
): InputProblem[] {
  const rest = omitted + Math.max(0, problems.length - shown);
  return [
    ...problems.slice(0, shown),
    ...(rest > 0
      ? [{ file, field: '', message: `… and ${rest} more problem(s) in this file, not listed` }]
      : []),
  ];
}
