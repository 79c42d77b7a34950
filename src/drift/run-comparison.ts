import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-file.ts';
import { COMPARE_WITH } from '../config/earlier-runs.ts';
import { readExchangeLog } from '../exchange/log-file.ts';
import { displayPath, InputError } from '../input/errors.ts';
import { printable } from '../input/json-lines.ts';
import { attachToAllureRun } from '../reports-folder/allure-run-attachment.ts';
import type { ReportPaths } from '../reports-folder/paths.ts';
import { schemaRegistry } from '../schemas/registry.ts';
import { compareRuns, type Drift, keyedByScenario } from './compare.ts';
import { driftConsole, driftMarkdown } from './report.ts';

type Env = Record<string, string | undefined>;

/**
 * Compares two exchange logs (each a reports folder or a log file) and writes drift.md and drift.json to
 * `files`; returns the comparison and the console lines, their control characters escaped (a log's values
 * never reach a terminal as they are). Both logs are read and checked whole first (src/exchange/log-file.ts),
 * and the two outputs must be regular files or new ones: a FIFO, a device, a folder or a symbolic link
 * standing there is refused (an InputError, `outputHint` saying what to do), never opened.
 */
export function compareExchangeLogs(
  a: string,
  b: string,
  files: { markdown: string; json: string },
  options: { width?: number; labels?: [string, string]; outputHint?: string } = {},
): { drift: Drift; markdown: string; lines: string[] } {
  const hint = options.outputHint ?? 'name another folder with --out';
  checkOutputs([files.markdown, files.json], hint);
  const registry = schemaRegistry();
  const logA = readExchangeLog(a, registry, `exchange log of run A`);
  const logB = readExchangeLog(b, registry, `exchange log of run B`);
  const drift = compareRuns(
    { file: options.labels?.[0] ?? logA.file, records: logA.records },
    { file: options.labels?.[1] ?? logB.file, records: logB.records },
  );
  const markdown = driftMarkdown(drift, {
    a: keyedByScenario(logA.records),
    b: keyedByScenario(logB.records),
  });
  writeOutput(files.markdown, markdown, hint);
  writeOutput(files.json, `${JSON.stringify(drift, null, 2)}\n`, hint);
  return {
    drift,
    markdown,
    lines: driftConsole(drift, files.markdown, options.width ?? 200).map(printable),
  };
}

const OUTPUT_TITLE = 'Cannot write the drift report';

function refuseOutput(file: string, message: string): never {
  throw new InputError(OUTPUT_TITLE, [{ file: printable(displayPath(file)), field: '', message }]);
}

/** What stands at `file` when it is not a regular file, in words; undefined for a regular file or nothing. */
function notARegularFile(file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return (error as Error).message;
  }
  if (stat.isFile()) return undefined;
  if (stat.isFIFO())
    return 'is a named pipe (FIFO), not a file: writing to it would wait for a reader forever';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'is a device, not a file';
  if (stat.isSocket()) return 'is a socket, not a file';
  if (stat.isDirectory()) return 'is a directory, not a file';
  if (stat.isSymbolicLink())
    return 'is a symbolic link, not a file: the drift report is written to regular files only';
  return 'is not a regular file';
}

/** Both outputs, before anything is read or written: their folder a folder, each a regular file or none. */
function checkOutputs(files: readonly string[], hint: string): void {
  const problems = files.flatMap((file) => {
    const folder = path.dirname(file);
    let folderStat: fs.Stats | undefined;
    try {
      folderStat = fs.statSync(folder);
    } catch {
      folderStat = undefined; // made when the outputs are written
    }
    if (folderStat && !folderStat.isDirectory())
      return [{ file: printable(displayPath(folder)), field: '', message: `is not a folder: ${hint}` }];
    const what = notARegularFile(file);
    return what
      ? [{ file: printable(displayPath(file)), field: '', message: `${what}; remove it, or ${hint}` }]
      : [];
  });
  if (problems.length > 0)
    throw new InputError(
      OUTPUT_TITLE,
      problems.filter((p, index) => problems.findIndex((q) => q.file === p.file) === index),
    );
}

/**
 * Writes one output whole, through a new temporary file renamed into place (src/atomic-file.ts): whatever was
 * planted at the name after the check is replaced, never written through or waited on.
 */
function writeOutput(file: string, content: string, hint: string): void {
  const what = notARegularFile(file);
  if (what) refuseOutput(file, `${what}; remove it, or ${hint}`);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, content);
  } catch (error) {
    refuseOutput(file, `${(error as Error).message}: ${hint}`);
  }
}

/**
 * After a run: with OICP_COMPARE_WITH set, compares the earlier run (A) with this one (B), writes drift.md and
 * drift.json into this run's reports folder and attaches the table to this run's Allure report. Returns the
 * console lines (none when the setting is absent), their control characters escaped; a log that cannot be
 * read is said, never fatal.
 */
export function compareWithEarlierRun(reports: ReportPaths, env: Env = process.env, width = 200): string[] {
  const earlier = env[COMPARE_WITH]?.trim();
  if (!earlier) return [];
  try {
    const { markdown, lines } = compareExchangeLogs(
      earlier,
      reports.root,
      { markdown: reports.driftMarkdown, json: reports.driftJson },
      { width, outputHint: 'give the run another OICP_REPORTS_DIR' },
    );
    attachToAllureRun(reports.allureResults, 'Drift from the earlier run', markdown);
    return ['', ...lines];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [
      '',
      `Drift: the comparison with ${printable(earlier)} (${COMPARE_WITH}) could not be made:`,
      ...message.split('\n').map((line) => `  ${printable(line)}`),
    ];
  }
}
