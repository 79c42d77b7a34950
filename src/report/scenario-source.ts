import fs from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Redactor } from '../redact.ts';
import { REDACTED } from '../redact.ts';

/**
 * The scenario as its author wrote it — the YAML item of its file, comments included — so that the report
 * shows the source without a link that only works on the author's machine. Secret values written into the
 * file (a PIN, a hashed PIN) are masked like everywhere else.
 */

/** YAML keys whose values are secret wherever they appear (a HashedPIN's Value and Salt included). */
const SECRET_KEYS = new Set(['PIN', 'HashedPIN', 'Salt', 'Authorization', 'authorization']);

interface ParsedFile {
  text: string;
  document: ReturnType<typeof parseDocument>;
  lineCounter: LineCounter;
}

/** Each scenario file is parsed once per process, however many of its scenarios run there. */
const parsedFiles = new Map<string, ParsedFile | undefined>();

function parsedFile(file: string): ParsedFile | undefined {
  if (!parsedFiles.has(file)) {
    try {
      const text = fs.readFileSync(file, 'utf8');
      const lineCounter = new LineCounter();
      parsedFiles.set(file, { text, document: parseDocument(text, { lineCounter }), lineCounter });
    } catch {
      parsedFiles.set(file, undefined);
    }
  }
  return parsedFiles.get(file);
}

/**
 * The YAML text of the scenario `id` in `file` (a scenario file: `scenarios:` a list of items with an `id`),
 * with a comment naming file and line; undefined when the file or the item cannot be read.
 */
export function scenarioYaml(file: string, id: string, redactor: Redactor): string | undefined {
  const parsed = parsedFile(file);
  if (!parsed) return undefined;
  const { text, document, lineCounter } = parsed;
  const scenarios = document.get('scenarios', true);
  if (!isSeq(scenarios)) return undefined;
  const item = scenarios.items.find((candidate) => isMap(candidate) && candidate.get('id') === id);
  if (!isMap(item) || !item.range) return undefined;

  // Mask secrets in the source text itself, so that comments and layout survive.
  const secrets: Array<[number, number]> = [];
  visit(item, {
    Pair(_key, pair) {
      if (!isPair(pair) || !isScalar(pair.key) || !SECRET_KEYS.has(String(pair.key.value))) return;
      const value = pair.value as { range?: [number, number, number] } | null;
      if (value?.range) secrets.push([value.range[0], value.range[1]]);
    },
  });
  const [start, , end] = item.range;
  // From the start of the item's first line (its indentation and the list dash) to its end.
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  let snippet = '';
  let cursor = lineStart;
  for (const [from, to] of secrets.sort((a, b) => a[0] - b[0])) {
    if (from < cursor) continue;
    snippet += `${text.slice(cursor, from)}"${REDACTED}"`;
    cursor = to;
  }
  snippet += text.slice(cursor, end);
  const { line } = lineCounter.linePos(start);
  return `# ${file}:${line}\n${redactor.text(dedent(snippet.trimEnd()))}\n`;
}

/** Removes the common indentation, so that the item reads as a document of its own. */
function dedent(text: string): string {
  const lines = text.split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0);
  const common = Math.min(...indents);
  return lines.map((l) => l.slice(common)).join('\n');
}
