import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { DEFAULT_REGISTRY_PATH, parseMockRegistry } from '../../mock/registry.ts';
import { loadProfile, profileFile } from '../../src/config/profile.ts';
import { YamlSource } from '../../src/input/yaml-file.ts';
import { projectRoot } from '../../src/paths.ts';
import { loadScenarios } from '../../src/scenarios/load.ts';
import { schemaId, schemaRegistry } from '../../src/schemas/registry.ts';
import { expect, test } from '../support/test.ts';

/**
 * Every example of the documentation that shows a file of the suite loads as written, with the suite's own
 * loaders. The ```yaml blocks of README.md and docs/*.md are extracted and classified by their content:
 *
 * - a **scenario file** (`feature:` and `scenarios:`): written to a temp file and loaded with
 *   `loadScenarios(schemaRegistry(), file)`, exactly as `OICP_SCENARIOS=<file>` would;
 * - a **mock registry fragment** (`operators:`, `rfidCards:` or `contracts:` at the top): its entries are added
 *   to the shipped `data/mock/registry.yaml` (the fragment shows what to add to it), and the whole is parsed
 *   with `parseMockRegistry`;
 * - a **profile** (`name:` and `baseUrl:`): validated as `loadProfile` validates a profile file, against
 *   `schemas/environment.schema.json` (`loadProfile` only reads `data/environments/<name>.yaml`);
 * - a **profile fragment** (only top-level keys of a profile, e.g. the `expectations:` block that
 *   calibration.md proposes): put into the shipped `data/environments/mock.yaml` in place of its keys, and the
 *   whole is validated as a profile.
 *
 * Skipped, by this rule only: a block that is none of the above (comments only, or a single key shown inside a
 * larger file) AND is listed in DELIBERATELY_PARTIAL below with why. A block that is none of the above and not
 * listed fails the test, so that no example is skipped silently; every skipped one is annotated with why.
 */

const DOCS = ['README.md', ...fs.readdirSync(path.join(projectRoot, 'docs')).map((f) => `docs/${f}`)]
  .filter((f) => f.endsWith('.md'))
  .sort();

interface Example {
  /** `docs/scenarios.md:9` — the line of the opening fence. */
  where: string;
  /** The `<!-- example: … -->` marker just above the block, if any. */
  marker?: string;
  text: string;
}

/** The fenced ```yaml blocks of a Markdown file (indented ones too, e.g. inside a list), with their line. */
function yamlBlocks(file: string): Example[] {
  const lines = fs.readFileSync(path.join(projectRoot, file), 'utf8').split('\n');
  const blocks: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```ya?ml\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const indent = (open[1] as string).length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j] as string); j++)
      body.push(
        (lines[j] as string).slice(Math.min(indent, /^\s*/.exec(lines[j] as string)?.[0].length ?? 0)),
      );
    const marker = /<!--\s*example:\s*(.*?)\s*-->/.exec(lines[i - 1] ?? '')?.[1];
    blocks.push({ where: `${file}:${i + 1}`, ...(marker ? { marker } : {}), text: `${body.join('\n')}\n` });
    i = j;
  }
  return blocks;
}

type Kind = 'scenario file' | 'mock registry' | 'profile' | 'profile fragment' | 'skipped';

const REGISTRY_KEYS = ['operators', 'rfidCards', 'contracts'];
const shippedProfile = parse(fs.readFileSync(profileFile('mock'), 'utf8')) as Record<string, unknown>;
const PROFILE_KEYS = [
  ...Object.keys(
    (
      JSON.parse(fs.readFileSync(path.join(projectRoot, 'schemas', 'environment.schema.json'), 'utf8')) as {
        properties: Record<string, unknown>;
      }
    ).properties,
  ),
];

function classify(data: unknown): Kind {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'skipped';
  const keys = Object.keys(data);
  if (keys.includes('feature') && keys.includes('scenarios')) return 'scenario file';
  if (keys.some((k) => REGISTRY_KEYS.includes(k))) return 'mock registry';
  if (keys.includes('name') && keys.includes('baseUrl')) return 'profile';
  if (keys.length > 0 && keys.every((k) => PROFILE_KEYS.includes(k))) return 'profile fragment';
  return 'skipped';
}

const examples = DOCS.flatMap(yamlBlocks).map((example) => ({
  ...example,
  kind: classify(parse(example.text)),
}));

function tempFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-docs-example-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** The shipped registry with the entries of registry fragments added (a fragment shows what to add). */
function registryWith(fragments: Example[]): Record<string, unknown[]> {
  const whole = parse(fs.readFileSync(DEFAULT_REGISTRY_PATH, 'utf8')) as Record<string, unknown[]>;
  for (const fragment of fragments) {
    const data = parse(fragment.text) as Record<string, unknown[]>;
    for (const key of REGISTRY_KEYS) whole[key] = [...(whole[key] ?? []), ...(data[key] ?? [])];
  }
  return whole;
}

function validateProfile(text: string): void {
  const source = YamlSource.read(tempFile('profile.yaml', text), 'profile example');
  source.validate(schemaRegistry(), schemaId('environment.schema.json'), 'profile example');
}

function loadExample(example: Example & { kind: Kind }): void {
  switch (example.kind) {
    case 'scenario file':
      loadScenarios(schemaRegistry(), tempFile('example.yaml', example.text));
      return;
    case 'mock registry':
      parseMockRegistry(stringify(registryWith([example])), example.where);
      return;
    case 'profile':
      validateProfile(example.text);
      return;
    case 'profile fragment':
      validateProfile(stringify({ ...shippedProfile, ...(parse(example.text) as object) }));
      return;
    case 'skipped':
      return;
  }
}

/**
 * Blocks skipped on purpose, by where they are and their first line (none today): a block that stops being
 * recognised is not skipped silently, it fails the test below until it is loaded or listed here with why.
 */
const DELIBERATELY_PARTIAL: Array<{ file: string; firstLine: string; why: string }> = [];

function partialEntry(example: Example): (typeof DELIBERATELY_PARTIAL)[number] | undefined {
  return DELIBERATELY_PARTIAL.find(
    (p) => example.where.startsWith(`${p.file}:`) && example.text.split('\n')[0]?.trim() === p.firstLine,
  );
}

test('the documentation has the examples this test loads, and skips none silently', () => {
  const of = (kind: Kind) => examples.filter((e) => e.kind === kind).map((e) => e.where);
  // The marked examples (<!-- example: … -->) are recognised as what their marker says.
  for (const example of examples.filter((e) => e.marker)) {
    const expected = example.marker?.endsWith('registry') ? 'mock registry' : 'scenario file';
    expect(example.kind, `${example.where} (<!-- example: ${example.marker} -->)`).toBe(expected);
  }
  expect(of('scenario file').filter((w) => w.startsWith('docs/scenarios.md:')).length).toBeGreaterThanOrEqual(
    3,
  );
  expect(of('mock registry').length).toBeGreaterThanOrEqual(1);
  // The expectations: block calibration.md proposes, shown in docs/mock-vs-qa.md (Calibrating a profile).
  expect(of('profile fragment')).toContainEqual(expect.stringMatching(/^docs\/mock-vs-qa\.md:/));
  expect(
    examples.filter((e) => e.kind === 'skipped' && !partialEntry(e)).map((e) => e.where),
    'a ```yaml block of the docs that is neither a scenario file, a registry nor a profile: make it one, or list it in DELIBERATELY_PARTIAL with why',
  ).toEqual([]);
});

test('the variables of the scenario examples exist in the mock profile, with the registry examples added', () => {
  // As a run would load them: the mock profile, its registry being the shipped one plus the docs' entries.
  const registry = tempFile(
    'registry.yaml',
    stringify(registryWith(examples.filter((e) => e.kind === 'mock registry'))),
  );
  const profile = loadProfile(schemaRegistry(), { OICP_ENV: 'mock', OICP_MOCK_REGISTRY: registry });
  for (const example of examples.filter((e) => e.kind === 'scenario file')) {
    const names = [...example.text.matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g)].map((m) => m[1] as string);
    expect(names.length, `${example.where} uses the profile's variables`).toBeGreaterThan(0);
    const unknown = names.filter((name) => !name.startsWith('$') && !Object.hasOwn(profile.variables, name));
    expect(unknown, `${example.where}: placeholders the mock profile does not define`).toEqual([]);
  }
});

for (const example of examples) {
  test(`${example.where}: the ${example.kind} example loads as written`, () => {
    if (example.kind === 'skipped') {
      const why = partialEntry(example)?.why;
      test.info().annotations.push({
        type: 'skipped example',
        description: `${example.where}: neither a scenario file, a registry nor a profile (${why ?? 'not listed as deliberately partial'})`,
      });
      test.skip(why !== undefined, why);
    }
    expect(() => loadExample(example)).not.toThrow();
  });
}
