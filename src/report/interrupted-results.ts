import fs from 'node:fs';
import path from 'node:path';

interface AllureResultFile {
  name?: string;
  attachments?: Array<{ source?: string }>;
  steps?: AllureResultFile[];
}

function attachmentSources(node: AllureResultFile): string[] {
  return [
    ...(node.attachments ?? []).flatMap((a) => (a.source ? [a.source] : [])),
    ...(node.steps ?? []).flatMap(attachmentSources),
  ];
}

/**
 * An interrupted run's Allure results, cut to the scenarios that ran: allure-playwright also writes the
 * scenarios the interruption stopped midway (as failed, though nothing judged them) and those that never
 * started (as skipped). Keeps every result of a scenario in `ran` (its test title ends in `[<id>]`) and every
 * result that is no scenario's (the run-level checks); removes the others with their attachments. Returns how
 * many were removed.
 */
export function keepAllureResultsOf(resultsDir: string, ran: ReadonlySet<string>): number {
  if (!fs.existsSync(resultsDir)) return 0;
  let removed = 0;
  for (const file of fs.readdirSync(resultsDir)) {
    if (!file.endsWith('-result.json')) continue;
    const full = path.join(resultsDir, file);
    let result: AllureResultFile;
    try {
      result = JSON.parse(fs.readFileSync(full, 'utf8')) as AllureResultFile;
    } catch {
      continue;
    }
    const id = /\[([^\]]+)\]$/.exec(result.name?.trim() ?? '')?.[1];
    if (id === undefined || ran.has(id)) continue;
    for (const source of attachmentSources(result))
      fs.rmSync(path.join(resultsDir, path.basename(source)), { force: true });
    fs.rmSync(full, { force: true });
    removed++;
  }
  return removed;
}
