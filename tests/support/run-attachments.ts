import fs from 'node:fs';
import path from 'node:path';

/** One of a run's run-level attachments to the Allure report, with its content. */
export interface RunAttachment {
  name: string;
  type: string;
  source: string;
  content: string;
}

/**
 * The run-level attachments in an allure-results folder (src/reports-folder/allure-run-attachment.ts writes
 * them: a globals file naming an attachment file beside it), each with the content of its file.
 */
export function runAttachments(resultsDir: string): RunAttachment[] {
  return fs
    .readdirSync(resultsDir)
    .filter((file) => file.endsWith('-globals.json'))
    .flatMap(
      (file) =>
        (
          JSON.parse(fs.readFileSync(path.join(resultsDir, file), 'utf8')) as {
            attachments: Array<{ name: string; type: string; source: string }>;
          }
        ).attachments,
    )
    .map((attachment) => ({
      ...attachment,
      content: fs.readFileSync(path.join(resultsDir, attachment.source), 'utf8'),
    }));
}
