import fs from 'node:fs';
import path from 'node:path';

/**
 * Reading a generated Allure 3 report's data (the screenshot script, the report's own tests).
 *
 * The data files of a generated Allure 3 report, whether it is one self-contained index.html (each file
 * inlined base64-encoded as `d("<name>","<base64>")`) or a folder (data/, widgets/ beside index.html).
 */
export function allureReportData(reportDir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const index = path.join(reportDir, 'index.html');
  if (fs.existsSync(index)) {
    const html = fs.readFileSync(index, 'utf8');
    for (const match of html.matchAll(/\bd\("([^"]+)","([A-Za-z0-9+/=]*)"\)/g))
      files.set(match[1] as string, Buffer.from(match[2] as string, 'base64'));
  }
  for (const folder of ['data', 'widgets']) {
    const walk = (dir: string): void => {
      if (!fs.existsSync(dir)) return;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else files.set(path.relative(reportDir, full).split(path.sep).join('/'), fs.readFileSync(full));
      }
    };
    walk(path.join(reportDir, folder));
  }
  return files;
}

export function allureReportJson<T>(reportDir: string, name: string): T {
  const data = allureReportData(reportDir).get(name);
  if (!data) throw new Error(`the report has no ${name}`);
  return JSON.parse(data.toString('utf8')) as T;
}

/** A report that is one self-contained index.html (no data folder beside it): it opens from disk. */
export function isSingleFileReport(reportDir: string): boolean {
  return fs.existsSync(path.join(reportDir, 'index.html')) && !fs.existsSync(path.join(reportDir, 'data'));
}
