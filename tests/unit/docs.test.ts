import fs from 'node:fs';
import path from 'node:path';
import { CHECKS } from '../../src/checks/registry.ts';
import { projectRoot } from '../../src/paths.ts';
import { renderChecksDoc } from '../../src/report/checks-doc.ts';
import { expect, test } from '../support/test.ts';

test('docs/checks.md is the rendering of the checks registry (run npm run docs:checks after changing a check)', () => {
  expect(fs.readFileSync(path.join(projectRoot, 'docs', 'checks.md'), 'utf8')).toBe(renderChecksDoc(CHECKS));
});

test('check names are unique and read as rules', () => {
  const names = CHECKS.map((c) => c.name);
  expect(new Set(names).size).toBe(names.length);
  for (const name of names) expect(name).toMatch(/^[a-z][A-Za-z0-9]+$/);
});

test('the README gives the two commands on its first screen', () => {
  const firstScreen = fs
    .readFileSync(path.join(projectRoot, 'README.md'), 'utf8')
    .split('\n')
    .slice(0, 30)
    .join('\n');
  expect(firstScreen).toContain('npm ci && npm run conformance');
  expect(firstScreen).toContain('npm ci && npm test');
});

test('the README fits the first five minutes: at most 200 lines, the rest in docs/', () => {
  const lines = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8').trimEnd().split('\n');
  expect(lines.length).toBeLessThanOrEqual(200);
});

/** The Markdown files whose relative links must hold: the README, the guides and the mock's README. */
const LINKED_DOCS = [
  'README.md',
  'mock/README.md',
  ...fs
    .readdirSync(path.join(projectRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The lines of a Markdown file outside fenced code blocks (indented fences inside lists too), with their number. */
function proseLines(text: string): Array<{ number: number; text: string }> {
  const lines: Array<{ number: number; text: string }> = [];
  let fence: string | undefined;
  text.split('\n').forEach((line, index) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker)
        fence = undefined;
    } else if (marker) fence = marker;
    else lines.push({ number: index + 1, text: line });
  });
  return lines;
}

/** GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces as '-', repeats numbered. */
function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text: line } of proseLines(text)) {
    const heading = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const rendered = heading
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/[`*]/g, '');
    const slug = rendered
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The link targets of a Markdown file's prose (inline links and reference definitions), with their line. */
function linkTargets(text: string): Array<{ line: number; target: string }> {
  const targets: Array<{ line: number; target: string }> = [];
  for (const { number, text: line } of proseLines(text)) {
    const withoutCode = line.replace(/(`+)[^`]*?\1/g, 'code');
    for (const match of withoutCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      targets.push({ line: number, target: match[1] as string });
    const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(withoutCode)?.[1];
    if (definition) targets.push({ line: number, target: definition });
  }
  return targets;
}

test('every relative link of the README and the docs points at a file of the repository, and at a heading there', () => {
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (file: string) => {
    if (!anchorsOf.has(file))
      anchorsOf.set(file, headingAnchors(fs.readFileSync(path.join(projectRoot, file), 'utf8')));
    return anchorsOf.get(file) as Set<string>;
  };
  const broken: string[] = [];
  let checked = 0;
  for (const doc of LINKED_DOCS) {
    for (const { line, target } of linkTargets(fs.readFileSync(path.join(projectRoot, doc), 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: … — not a file of the repository
      checked++;
      const [pathPart = '', anchor] = target.split('#', 2) as [string, string | undefined];
      const file = pathPart
        ? path.relative(
            projectRoot,
            path.resolve(projectRoot, path.dirname(doc), decodeURIComponent(pathPart)),
          )
        : doc;
      const where = `${doc}:${line} → ${target}`;
      if (file.startsWith('..') || path.isAbsolute(file)) {
        broken.push(`${where}: outside the repository`);
        continue;
      }
      if (!fs.existsSync(path.join(projectRoot, file))) {
        broken.push(`${where}: no such file`);
        continue;
      }
      if (anchor !== undefined && file.endsWith('.md') && !anchors(file).has(anchor))
        broken.push(`${where}: no heading with that anchor in ${file}`);
    }
  }
  expect(checked).toBeGreaterThan(50);
  expect(broken).toEqual([]);
});

test('the link check reads headings and links as GitHub does', () => {
  const anchors = headingAnchors(
    [
      '# Title',
      '## The registry (`data/mock/registry.yaml`)',
      "## Hubject's known deviations from OICP rules",
      '## Reading the report; what to send',
      '```yaml',
      '# Not a heading',
      '```',
      '## Title',
    ].join('\n'),
  );
  expect([...anchors]).toEqual([
    'title',
    'the-registry-datamockregistryyaml',
    'hubjects-known-deviations-from-oicp-rules',
    'reading-the-report-what-to-send',
    'title-1',
  ]);
  expect(
    linkTargets(
      [
        'See [a](docs/a.md#x) and [`b`](../b.md), not `[c](c.md)`.',
        '```md',
        '[d](d.md)',
        '```',
        '[e]: e.md',
      ].join('\n'),
    ),
  ).toEqual([
    { line: 1, target: 'docs/a.md#x' },
    { line: 1, target: '../b.md' },
    { line: 5, target: 'e.md' },
  ]);
});
