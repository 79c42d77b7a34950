import { stripVTControlCharacters } from 'node:util';

/** C0 and C1 control characters except tab, line feed and carriage return (which a reader expects). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/**
 * Control characters (a hostile reason phrase, a NUL in a body) escaped as `\u0000`, so that the console,
 * JUnit and the reports stay readable and no terminal control sequence is ever replayed.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
function editDistance(a: string, b: string): number {
  return lastAlignmentRow(a, b, false)[b.length] as number;
}

/**
 * The last row of the edit-distance table of `needle` against `haystack` (case-insensitive). With
 * `anywhere`, the alignment may start anywhere in the haystack (Sellers' algorithm), so the row's minimum is
 * the distance of the best match of the needle inside the haystack.
 */
function lastAlignmentRow(needle: string, haystack: string, anywhere: boolean): number[] {
  const x = needle.toLowerCase();
  const y = haystack.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_v, j) => (anywhere ? 0 : j));
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous;
}

/**
 * The candidates closest to a misspelt name, best first, for a "did you mean" — only those close enough
 * to be a plausible typo (at most a third of the name's length away).
 */
export function closestAll(name: string, candidates: readonly string[], limit = 3): string[] {
  const tolerance = Math.max(2, Math.floor(name.length / 3));
  return candidates
    .map((candidate) => ({ candidate, distance: editDistance(name, candidate) }))
    .filter(({ distance }) => distance <= tolerance)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}

/** The single closest candidate (see closestAll), or undefined. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  return closestAll(name, candidates, 1)[0];
}

/**
 * A line that stays one line and fits: whitespace collapsed, cut at a word boundary near the limit (or
 * mid-word when a single token is too long, e.g. a URL), marked with `…`.
 */
export function cutLine(text: string, width = 200): string {
  const line = stripVTControlCharacters(text).replace(/\s+/g, ' ').trim();
  if (line.length <= width) return line;
  const room = width - 1;
  const space = line.lastIndexOf(' ', room);
  const cut = space > room * 0.6 ? space : room;
  return `${line.slice(0, cut).trimEnd()}…`;
}

/**
 * The fewest edits that make `needle` appear somewhere inside `haystack` (case-insensitive): 0 when it is a
 * substring, 1 for `rfid-unkown` in `rfid-unknown-uid-not-authorized`. For "did you mean" over ids and titles,
 * where the user typed a part of a name.
 */
export function substringDistance(needle: string, haystack: string): number {
  return Math.min(...lastAlignmentRow(needle, haystack, true));
}

/** `a, b, c, … and 4 more`: at most `shown` items of a list, and how many were left out. */
export function foldList(items: readonly string[], shown = 5): string {
  if (items.length <= shown) return items.join(', ');
  return `${items.slice(0, shown).join(', ')}, … and ${items.length - shown} more`;
}

/**
 * The characters that give text a meaning in Markdown (CommonMark and GitHub's dialect): emphasis, code,
 * links and images, raw HTML and entities, headings, tables, strikethrough — and `:` `.` `@`, without which no
 * bare URL, `www.` host or e-mail address is turned into a link. Every one is ASCII punctuation, which
 * CommonMark lets a backslash escape into plain text.
 */
const MARKDOWN_SPECIAL = /[\\`*_[\]()<>#!|~&:.@]/g;

/**
 * A value from outside the suite (an answer's reason phrase, header or field, a line of an exchange log) as
 * plain Markdown text, for running text, headings and table cells alike: every character that could start
 * Markdown or HTML is backslash-escaped, so that the value renders as written and never as an image, a link,
 * an autolink, raw HTML or a table border (`\|` is also how a table cell holds a pipe); line breaks and other
 * whitespace become single spaces, so that it cannot start a block of its own; control characters are shown
 * escaped. A leading `-`, `+` or `=` is escaped too (a list item, a setext underline). Not for code spans or
 * fenced blocks, where a backslash is literal.
 */
export function markdownText(value: string | number): string {
  const text = escapeControlCharacters(String(value)).replace(/\s+/g, ' ').trim();
  return text.replace(MARKDOWN_SPECIAL, '\\$&').replace(/^[-+=]/, '\\$&');
}
