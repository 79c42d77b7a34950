import fs from 'node:fs';
import path from 'node:path';
import { expect } from './test.ts';

/** Files a user keeps, at the names of a run's outputs and beside them: a run must leave every one alone. */
export const USER_FILES: Readonly<Record<string, string>> = {
  'html/index.html': 'my site',
  'screenshots/holiday.png': 'png',
  'test-output/notes.txt': 'mine',
  'junit.xml': '<mine/>',
  'coverage.md': '# my coverage',
  'notes.txt': 'mine',
};

export function writeUserFiles(dir: string): void {
  for (const [name, content] of Object.entries(USER_FILES)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
}

/** Every user file as it was written. */
export function expectUserFilesUntouched(dir: string): void {
  for (const [name, content] of Object.entries(USER_FILES))
    expect(fs.readFileSync(path.join(dir, name), 'utf8'), name).toBe(content);
}

/** Nothing beside the user files: no output of a run, no lock, no temporary file. */
export function expectOnlyUserFiles(dir: string): void {
  const topLevel = [...new Set(Object.keys(USER_FILES).map((name) => name.split('/')[0]))];
  expect(fs.readdirSync(dir).sort()).toEqual(topLevel.sort());
}
