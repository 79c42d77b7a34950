import fs from 'node:fs';
import path from 'node:path';
import { displayPath } from '../../src/input/errors.ts';
import { projectRoot } from '../../src/paths.ts';
import { loadScenarios, scenariosDir } from '../../src/scenarios/load.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { expect, test } from '../support/test.ts';

/**
 * Users edit the catalogue (data/scenarios): they change, add and remove scenarios and whole files. No test of
 * the suite may depend on one of them — a test that needs fixed scenarios brings its own fixture file
 * (tests/fixtures/scenarios/). Only the catalogue's own consistency checks read the catalogue, and they pin
 * no ids, no counts and no files. This guard fails when a file under tests/ names a catalogue scenario id or
 * a catalogue file.
 */

const testsDir = path.join(projectRoot, 'tests');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(full);
    return /\.(ts|ya?ml|json|md)$/.test(entry.name) ? [full] : [];
  });
}

/** Every `file:line: name` where one of the names stands as a whole word (ids are kebab-case). */
function pinnedNames(file: string, text: string, names: readonly string[]): string[] {
  const found: string[] = [];
  const lines = text.split('\n');
  for (const name of names) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`(?<![A-Za-z0-9_-])${escaped}(?![A-Za-z0-9_-])`);
    lines.forEach((line, index) => {
      if (pattern.test(line)) found.push(`${file}:${index + 1}: ${name}`);
    });
  }
  return found;
}

test('the guard finds a pinned id as a whole word, and only as a whole word', () => {
  const text = "const id = 'card-refused';\nconst other = 'card-refused-twice';\n// my-card-refused\n";
  expect(pinnedNames('x.ts', text, ['card-refused'])).toEqual(['x.ts:1: card-refused']);
  expect(pinnedNames('x.ts', "file: 'data/scenarios/a/b.yaml'", ['data/scenarios/a/b.yaml'])).toHaveLength(1);
  expect(pinnedNames('x.ts', 'data/scenarios/a/b.yaml#L12', ['data/scenarios/a/b.yaml'])).toHaveLength(1);
});

test('no test of the suite names a catalogue scenario or file: editing the catalogue never breaks npm test', () => {
  const catalogue = loadScenarios(schemaRegistry(), undefined);
  const ids = catalogue.map((s) => s.id);
  const catalogueFiles = [...new Set(catalogue.map((s) => s.source.file))].map((file) =>
    path.relative(projectRoot, path.resolve(file)),
  );
  expect(catalogueFiles.every((file) => file.startsWith(path.relative(projectRoot, scenariosDir)))).toBe(
    true,
  );
  const files = filesUnder(testsDir);
  expect(files.length).toBeGreaterThan(20);
  const pinned = files.flatMap((file) =>
    // Backslashes removed: a path written into a regular expression (`authorize-start\/rfid\.yaml`) counts too.
    pinnedNames(displayPath(file), fs.readFileSync(file, 'utf8').replace(/\\/g, ''), [
      ...ids,
      ...catalogueFiles,
    ]),
  );
  expect(pinned, 'give these tests a fixture file of their own under tests/fixtures/scenarios/').toEqual([]);
});
