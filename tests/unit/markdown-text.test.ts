import { createRequire } from 'node:module';
import { markdownText } from '../../src/text.ts';
import { expect, test } from '../support/test.ts';

// calibration.md, drift.md, coverage.md and the scenario descriptions are Markdown that the Allure report
// renders: a value a target (or a log) chose must render as the text it is — never as an image that the
// report would fetch, a link, raw HTML or a broken table. Proven against the renderer the report uses:
// markdown-it, as Allure's awesome plugin depends on it, with the options the report's page uses (its
// defaults: no raw HTML, no linkify), and again with raw HTML and linkify switched on, as a stricter renderer.

interface Renderer {
  render(markdown: string): string;
}
type RendererClass = new (options?: Record<string, unknown>) => Renderer;

/** markdown-it as Allure's awesome plugin resolves it. */
const MarkdownIt = createRequire(import.meta.resolve('@allurereport/plugin-awesome'))(
  'markdown-it',
) as RendererClass;

/** Each renderer, and whether it knows GFM tables (strict CommonMark does not). */
const RENDERERS: Array<[string, Renderer, boolean]> = [
  ['the report (markdown-it defaults)', new MarkdownIt(), true],
  ['raw HTML and linkify on', new MarkdownIt({ html: true, linkify: true }), true],
  ['CommonMark (raw HTML on)', new MarkdownIt('commonmark' as unknown as Record<string, unknown>), false],
];

const URL = 'http://127.0.0.1:9/hostile';

/** Every form a hostile value may take, each able to make an element of its own in one of the renderers. */
const FORMS: Record<string, string> = {
  image: `![pic](${URL}/image.png)`,
  'image with a title': `![pic](${URL}/image.png "title")`,
  'reference image': `![pic][ref]\n\n[ref]: ${URL}/reference.png`,
  link: `[click](${URL}/link)`,
  'javascript link': '[click](javascript:alert(1))',
  autolink: `<${URL}/autolink>`,
  'e-mail autolink': '<someone@evil.example>',
  'bare URL': `see ${URL}/bare now`,
  'www host': 'see www.evil.com/page now',
  'bare host': 'see evil.com now',
  'e-mail address': 'mail someone@evil.com now',
  'raw img': `<img src="${URL}/raw.png">`,
  'raw img, unquoted': `<img src=${URL}/raw.png onerror=alert(1)>`,
  'raw script': `<script src="${URL}/script.js"></script>`,
  'raw iframe': `<iframe src="${URL}/frame"></iframe>`,
  'raw anchor': `<a href="${URL}/anchor">x</a>`,
  'raw svg': `<svg onload="fetch('${URL}/svg')"></svg>`,
  'HTML block after a blank line': `text\n\n<img src="${URL}/block.png">\n\ntext`,
  'an entity': `&lt;img src="${URL}/entity.png"&gt; &#60;b&#62;`,
  'table pipe': 'left | right | third',
  newline: `first line\nsecond line\n\n# heading\n- item\n> quote\n    code`,
  backticks: '`code` and ``two`` and ```\n<img src=x>\n```',
  'a fence': `\`\`\`\n<img src="${URL}/fenced.png">\n\`\`\``,
  'a backslash of its own': `\\![pic](${URL}/escaped.png) \\<img src="${URL}/escaped.png">`,
  emphasis: '**bold** _em_ ~~struck~~ <u>u</u>',
  'a heading start': '# not a heading ###',
  'a list start': '- not a list',
  'an ordered list start': '1. not a list',
  'a setext underline': '===',
  'a thematic break': '---',
};

const ELEMENTS = /<(?:img|a|script|iframe|svg|object|embed|video|audio|source|link|style|picture)\b/i;

/** The text a rendered fragment shows: tags dropped, markdown-it's entities decoded. */
function shownText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

const collapsed = (text: string) => text.replace(/\s+/g, ' ').trim();

test('not vacuous: unescaped, every form but plain structure makes an element in one of the renderers', () => {
  const structural = new Set([
    'table pipe',
    'newline',
    'backticks',
    'a fence',
    'emphasis',
    'a heading start',
    'a list start',
    'an ordered list start',
    'a setext underline',
    'a thematic break',
    'an entity',
    'javascript link',
  ]);
  for (const [name, form] of Object.entries(FORMS)) {
    if (structural.has(name)) continue;
    expect(
      RENDERERS.some(([, renderer]) => ELEMENTS.test(renderer.render(form))),
      name,
    ).toBe(true);
  }
  // Allure's own renderer turns an image into an <img> the page fetches: what a hostile target relies on.
  expect(new MarkdownIt().render(FORMS.image as string)).toContain(`<img src="${URL}/image.png"`);
});

for (const [name, form] of Object.entries(FORMS)) {
  test(`${name}: as running text, a heading and a table cell it renders as written, with no element of its own`, () => {
    const escaped = markdownText(form);
    // What each rendering shows, next to what it must show: one comparison, whose difference names the
    // renderer and the place (a step per expectation would make this file the slowest of the unit tests).
    const seen: Record<string, unknown> = {};
    const wanted: Record<string, unknown> = {};
    const observe = (what: string, actual: unknown, expected: unknown) => {
      seen[what] = actual;
      wanted[what] = expected;
    };
    const NO_ELEMENT = 'no element';
    const elementsOf = (html: string) => (ELEMENTS.test(html) ? html : NO_ELEMENT);
    const shaped = (html: string, shape: RegExp, words: string) => (shape.test(html) ? words : html);
    observe('one line', escaped.includes('\n') ? escaped : 'one line', 'one line');
    for (const [renderer, md, tables] of RENDERERS) {
      const paragraph = md.render(`Received ${escaped} here.`);
      observe(`${renderer}: paragraph`, elementsOf(paragraph), NO_ELEMENT);
      observe(
        `${renderer}: paragraph shape`,
        shaped(paragraph, /^<p>[^<]*<\/p>\n$/, 'one paragraph of text'),
        'one paragraph of text',
      );
      observe(`${renderer}: paragraph text`, shownText(paragraph), `Received ${collapsed(form)} here.`);

      const heading = md.render(`### ${escaped} — different outcome`);
      observe(`${renderer}: heading`, elementsOf(heading), NO_ELEMENT);
      observe(`${renderer}: heading text`, shownText(heading), `${collapsed(form)} — different outcome`);

      // At the start of a line of its own (a title under a heading): still one paragraph of text.
      const alone = md.render(`## Title\n\n${escaped}\n\nafter`);
      observe(`${renderer}: line of its own`, elementsOf(alone), NO_ELEMENT);
      observe(
        `${renderer}: line of its own shape`,
        shaped(alone, /^<h2>Title<\/h2>\n<p>[^<]*<\/p>\n<p>after<\/p>\n$/, 'a heading and two paragraphs'),
        'a heading and two paragraphs',
      );

      if (!tables) continue;

      const table = md.render(`| what | value | more |\n|---|---|---|\n| x | ${escaped} | y |`);
      observe(`${renderer}: table`, elementsOf(table), NO_ELEMENT);
      const cells = [...table.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => shownText(m[1] as string));
      observe(`${renderer}: table cells`, cells, ['x', collapsed(form), 'y']);
    }
    expect(seen).toEqual(wanted);
  });
}

test('line breaks and other whitespace become single spaces; control characters are shown escaped', () => {
  expect(markdownText('a\r\n\tb\u2028c   d')).toBe('a b c d');
  expect(markdownText('nul\u0000bell\u0007')).toBe('nul\\\\u0000bell\\\\u0007');
  expect(shownText(new MarkdownIt().render(markdownText('nul\u0000')))).toBe('nul\\u0000');
  expect(markdownText('')).toBe('');
  expect(markdownText(404)).toBe('404');
});

test('plain words, digits, slashes, quotes and percent signs stay as they are', () => {
  expect(markdownText('rfid-unknown-uid 102 "NotAuthorized" a/b %41 = +1')).toBe(
    'rfid-unknown-uid 102 "NotAuthorized" a/b %41 = +1',
  );
  expect(markdownText('StatusCode.Code')).toBe('StatusCode\\.Code');
  expect(markdownText('- a')).toBe('\\- a');
});
