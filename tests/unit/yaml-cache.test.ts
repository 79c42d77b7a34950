import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { globSync } from 'glob';
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { InputError } from '../../src/input/errors.ts';
import { YamlCache } from '../../src/input/yaml-cache.ts';
import { YamlSource } from '../../src/input/yaml-file.ts';
import { projectRoot } from '../../src/paths.ts';
import { expect, test } from '../support/test.ts';

// What parsing a YAML file yields — its data and the place of every value — is kept between processes
// (src/input/yaml-cache.ts). Each test has a cache and a project folder of its own.

const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** A cache under a folder of its own, for the files of another folder of its own. */
function sandbox() {
  const root = tempDir('oicp-yaml-cache-');
  const scope = tempDir('oicp-yaml-project-');
  const write = (name: string, text: string) => {
    const file = path.join(scope, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const entries = () =>
    fs
      .readdirSync(root, { recursive: true, withFileTypes: true })
      .flatMap((entry) => (entry.isFile() ? [path.join(entry.parentPath, entry.name)] : []));
  return { root, scope, cache: new YamlCache(root, scope), write, entries };
}

/**
 * Where a reader points at a path, read off yaml's own document: a map's value by the first key written as that
 * text (its key with `atKey`, or when the value is empty), a list's item by index, the closest existing node
 * when the path leads nowhere. The places a YamlSource keeps must say the same, parsed or loaded.
 */
function pointerOf(text: string) {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  return (segments: string[], atKey: boolean) => pointedAt(doc, lines, segments, atKey);
}

function pointedAt(doc: Document, lines: LineCounter, segments: string[], atKey: boolean) {
  let node: unknown = doc.contents;
  for (const [index, segment] of segments.entries()) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
      const empty = isScalar(pair?.value) && pair.value.value === null && !pair.value.source;
      next = (atKey && index === segments.length - 1) || empty ? pair?.key : (pair?.value ?? pair?.key);
    } else if (isSeq(node)) next = node.get(Number(segment), true);
    if (next === undefined || next === null) break;
    node = next;
  }
  const range = (node as Node | undefined)?.range;
  if (!range) return {};
  const { line, col } = lines.linePos(range[0]);
  return { line, column: col };
}

/** Every path into the data, each with a child that is not there (the closest existing place is meant). */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  const here = [prefix, [...prefix, 'no-such-key']];
  if (value === null || typeof value !== 'object') return here;
  return [
    ...here,
    ...Object.keys(value).flatMap((key) =>
      pathsOf((value as Record<string, unknown>)[key], [...prefix, key]),
    ),
  ];
}

test("every value is placed where yaml's own document puts it, parsed or loaded from the cache: the catalogue, statements, profiles and registry", () => {
  const { root, entries } = sandbox();
  const projectCache = new YamlCache(root, projectRoot);
  const files = globSync('data/**/*.yaml', { cwd: projectRoot });
  expect(files.length).toBeGreaterThan(0);
  // Compared one by one, the differences collected: one expect per place would take minutes.
  let compared = 0;
  const differences: string[] = [];
  for (const file of files) {
    const pointed = pointerOf(fs.readFileSync(path.join(projectRoot, file), 'utf8'));
    const parsed = YamlSource.read(path.join(projectRoot, file), 'a YAML file', projectCache);
    const loaded = YamlSource.read(path.join(projectRoot, file), 'a YAML file', projectCache);
    if (JSON.stringify(loaded.data) !== JSON.stringify(parsed.data)) differences.push(`${file}: other data`);
    for (const segments of pathsOf(parsed.data))
      for (const atKey of [false, true]) {
        const expected = JSON.stringify(pointed(segments, atKey));
        for (const [how, source] of [
          ['parsed', parsed],
          ['loaded', loaded],
        ] as const) {
          const placed = JSON.stringify(source.locate(segments, { atKey }));
          if (placed !== expected)
            differences.push(
              `${file} ${how} ${segments.join('.')}${atKey ? ' (key)' : ''}: ${placed}, not ${expected}`,
            );
        }
        compared++;
      }
  }
  expect(differences).toEqual([]);
  expect(compared).toBeGreaterThan(files.length);
  // Not vacuous: the second reads were loaded, one entry per file.
  expect(entries()).toHaveLength(files.length);
});

test('empty values, lists of lists, aliases, keys written as numbers and flow collections are placed as yaml places them', () => {
  const { cache, write } = sandbox();
  const text = [
    'a:',
    '  UID:',
    '  list:',
    '    - [1, 2, {x: y}]',
    '    -',
    '    - - nested',
    '      - deeper: &anchor { k: v }',
    '  again: *anchor',
    '  1: one',
    '  "1": quoted one',
    '  ? complex',
    'b: [p, q]',
    '',
  ].join('\n');
  const file = write('shapes.yaml', text);
  const parsed = YamlSource.read(file, 'a YAML file', cache);
  const loaded = YamlSource.read(file, 'a YAML file', cache);
  const pointed = pointerOf(text);
  const paths = [
    ...pathsOf(parsed.data),
    ['a', 'list', '1.0'],
    ['a', 'list', ' 2'],
    ['a', 'list', '-1'],
    ['a', 'again', 'k'],
    ['a', 'UID', 'deeper'],
  ];
  const differences = paths.flatMap((segments) =>
    [false, true].flatMap((atKey) => {
      const expected = pointed(segments, atKey);
      return [parsed, loaded].flatMap((source) => {
        const placed = source.locate(segments, { atKey });
        return JSON.stringify(placed) === JSON.stringify(expected)
          ? []
          : [
              `${segments.join('.')}${atKey ? ' (key)' : ''}: ${JSON.stringify(placed)}, not ${JSON.stringify(expected)}`,
            ];
      });
    }),
  );
  expect(differences).toEqual([]);
  // Not vacuous: an empty value is placed at its key, a list item found by a number written otherwise.
  expect(loaded.locate(['a', 'UID'])).toEqual({ line: 2, column: 3 });
  expect(loaded.locate(['a', 'list', '1.0'])).toEqual({ line: 5, column: 6 });
  expect(loaded.locate(['a', 'list', 1])).toEqual({ line: 5, column: 6 });
});

test('the next read takes the stored entry instead of parsing the file again', () => {
  const { cache, write, entries } = sandbox();
  const file = write('scenarios.yaml', 'feature: written\nscenarios: []\n');
  expect(YamlSource.read(file, 'a YAML file', cache).data).toEqual({ feature: 'written', scenarios: [] });
  const [entry] = entries();
  if (!entry) throw new Error('nothing was stored');
  // A copy of a file that may hold a value its owner keeps from others: readable by the owner only.
  expect(fs.statSync(entry).mode & 0o777).toBe(0o600);
  // An entry that says something else of the same text: only a read that takes the entry returns it.
  const stored = JSON.parse(fs.readFileSync(entry, 'utf8')) as { data: { feature: string } };
  stored.data.feature = 'from the entry';
  fs.writeFileSync(entry, JSON.stringify(stored));
  expect(YamlSource.read(file, 'a YAML file', cache).data).toEqual({
    feature: 'from the entry',
    scenarios: [],
  });
});

test('an edited file is parsed again and its entry replaced: one entry per file', () => {
  const { cache, write, entries } = sandbox();
  const file = write('profile.yaml', 'name: first\n');
  YamlSource.read(file, 'a YAML file', cache);
  write('profile.yaml', '# a comment first\nname: second\n');
  const edited = YamlSource.read(file, 'a YAML file', cache);
  expect(edited.data).toEqual({ name: 'second' });
  expect(edited.locate(['name'])).toEqual({ line: 2, column: 7 });
  expect(entries()).toHaveLength(1);
  expect(YamlSource.read(file, 'a YAML file', cache).locate(['name'])).toEqual({ line: 2, column: 7 });
});

test('an entry that does not load is none; a cache that cannot be written is none; a file outside the project is not stored', () => {
  const { root, scope, cache, write, entries } = sandbox();
  const file = write('a.yaml', 'key: value\n');
  YamlSource.read(file, 'a YAML file', cache);
  const [entry] = entries();
  if (!entry) throw new Error('nothing was stored');
  for (const broken of ['{ not JSON', '{"text": 7}', 'null', '[]']) {
    fs.writeFileSync(entry, broken);
    const read = YamlSource.read(file, 'a YAML file', cache);
    expect(read.data, broken).toEqual({ key: 'value' });
    expect(read.locate(['key']), broken).toEqual({ line: 1, column: 6 });
  }
  // A file where the cache folder would be: nothing is stored, the file is parsed.
  const blocked = path.join(root, 'not-a-folder');
  fs.writeFileSync(blocked, '');
  expect(YamlSource.read(file, 'a YAML file', new YamlCache(blocked, scope)).data).toEqual({ key: 'value' });
  // Outside the project (a temporary file, a user's file elsewhere): parsed each time, never stored.
  const outside = path.join(tempDir('oicp-yaml-outside-'), 'b.yaml');
  fs.writeFileSync(outside, 'other: value\n');
  const before = entries().length;
  expect(YamlSource.read(outside, 'a YAML file', cache).data).toEqual({ other: 'value' });
  expect(entries()).toHaveLength(before);
});

test('values JSON cannot hold (.inf, .nan, -0) are never stored: every read returns them as yaml does', () => {
  const { cache, write, entries } = sandbox();
  const file = write('numbers.yaml', 'big: .inf\nsmall: -.inf\nnothing: .nan\nzero: -0\n');
  for (let read = 0; read < 2; read++) {
    const { data } = YamlSource.read(file, 'a YAML file', cache) as { data: Record<string, number> };
    expect(data.big).toBe(Number.POSITIVE_INFINITY);
    expect(data.small).toBe(Number.NEGATIVE_INFINITY);
    expect(data.nothing).toBeNaN();
    expect(Object.is(data.zero, -0)).toBe(true);
  }
  expect(entries()).toEqual([]);
});

test('a file yaml refuses is never stored: each read names its line again', () => {
  const { cache, write, entries } = sandbox();
  const file = write('broken.yaml', 'a: 1\na: 2\n');
  for (let read = 0; read < 2; read++) {
    let error: unknown;
    try {
      YamlSource.read(file, 'a YAML file', cache);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems[0]).toMatchObject({ line: 2 });
  }
  expect(entries()).toEqual([]);
});

test('entries of another layout or yaml version are removed when this one is made; other folders are left', () => {
  const { root, cache, write } = sandbox();
  fs.mkdirSync(path.join(root, '0-2.0.0'));
  fs.mkdirSync(path.join(root, 'not an entry folder'));
  YamlSource.read(write('a.yaml', 'key: value\n'), 'a YAML file', cache);
  const folders = fs.readdirSync(root);
  expect(folders).not.toContain('0-2.0.0');
  expect(folders).toContain('not an entry folder');
  expect(folders).toHaveLength(2);
});
