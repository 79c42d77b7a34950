/** An argument as a POSIX shell reads it back: quoted when it holds anything but plain characters. */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * What `npx playwright test [options]` run on the suite's configuration prints before it stops (exit code
 * 2, nothing run or written): the command that runs the same with the suite's mock, reports and summary.
 * `argv` is Playwright's process.argv; its `--config` is left out (the conformance CLI names its own).
 */
export function directRunRefusal(argv: readonly string[]): string {
  const start = argv.indexOf('test');
  const given = start === -1 ? [] : argv.slice(start + 1);
  const options: string[] = [];
  for (let index = 0; index < given.length; index++) {
    const arg = given[index] as string;
    if (arg === '--config' || arg === '-c') index++;
    else if (!arg.startsWith('--config=') && !(arg.startsWith('-c') && arg.length > 2)) options.push(arg);
  }
  const command = `npm run conformance${options.length > 0 ? ` -- ${options.map(shellWord).join(' ')}` : ''}`;
  return `This suite runs through its own command, not \`playwright test\` alone:

  ${command}

It takes the reports folder (one run at a time), checks the configuration before anything is sent, starts
and stops the mock, writes the run record, JUnit and the Allure report of this run only, and prints the
summary. Playwright run directly would do none of that and add its results to an earlier run's reports.
Nothing was run or written (exit code 2). See npm run conformance -- --help.
`;
}
