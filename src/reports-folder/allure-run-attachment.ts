import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Attaches a Markdown text to the whole run in the Allure report (Allure 3's run-level attachments: a
 * globals file naming an attachment file beside the results). Nothing happens when the run wrote no Allure
 * results (a run with Playwright's `--reporter` replaced, or none at all).
 */
export function attachToAllureRun(resultsDir: string, name: string, markdown: string): void {
  if (!fs.existsSync(resultsDir)) return;
  const source = `${randomUUID()}-attachment.md`;
  fs.writeFileSync(path.join(resultsDir, source), markdown);
  fs.writeFileSync(
    path.join(resultsDir, `${randomUUID()}-globals.json`),
    JSON.stringify({
      attachments: [{ name, source, type: 'text/markdown', timestamp: Date.now() }],
      errors: [],
    }),
  );
}
