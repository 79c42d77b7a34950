import { type Document, isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { SchemaRegistry } from '../schemas/registry.ts';
import { displayPath, InputError, type InputProblem } from './errors.ts';
import { readInputFile } from './read-file.ts';

/** How many alias expansions a YAML input may make; a hand-written file uses a handful at most. */
const MAX_ALIAS_COUNT = 100;

/** A YAML file whose values can be traced back to their line and column. */
export class YamlSource {
  readonly file: string;
  readonly displayPath: string;
  readonly data: unknown;
  private readonly doc: Document.Parsed;
  private readonly lines: LineCounter;

  private constructor(file: string, doc: Document.Parsed, lines: LineCounter, what: string) {
    this.file = file;
    this.displayPath = displayPath(file);
    this.doc = doc;
    this.lines = lines;
    try {
      // yaml refuses documents whose aliases would expand beyond reason (a "billion laughs" bomb).
      this.data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      throw new InputError(`Invalid YAML in ${what}; nothing was sent`, [
        {
          file: this.displayPath,
          field: '',
          message: /alias/i.test((error as Error).message)
            ? `its aliases (*name) expand to too much data (${(error as Error).message})`
            : (error as Error).message,
        },
      ]);
    }
  }

  /**
   * Reads and parses a YAML file. Syntax errors, duplicate keys and unreadable files become an
   * InputError naming the file, line and column.
   */
  static read(file: string, what: string): YamlSource {
    const display = displayPath(file);
    const text = readInputFile(file, what).toString('utf8');
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      throw new InputError(
        `Invalid YAML in ${what}`,
        doc.errors.map((e) => {
          const pos = lines.linePos(e.pos[0]);
          return {
            file: display,
            line: pos.line,
            column: pos.col,
            field: '',
            message: e.message.split('\n')[0] ?? e.code,
          };
        }),
      );
    }
    return new YamlSource(file, doc, lines, what);
  }

  /** Line and column of the node at a path of keys/indices (the closest existing ancestor if it is missing). */
  locate(segments: (string | number)[]): { line?: number; column?: number } {
    let node: unknown = this.doc.contents;
    for (const segment of segments) {
      let next: unknown;
      if (isMap(node)) next = node.get(segment, true);
      else if (isSeq(node)) next = node.get(Number(segment), true);
      if (next === undefined || next === null) break;
      node = next;
    }
    const range = (node as Node | null)?.range;
    if (!range) return {};
    const pos = this.lines.linePos(range[0]);
    return { line: pos.line, column: pos.col };
  }

  problem(segments: (string | number)[], message: string): InputProblem {
    return { file: this.displayPath, ...this.locate(segments), field: fieldName(segments), message };
  }

  /** Validates the parsed data against one of our schemas; every violation located in the file. */
  validate(registry: SchemaRegistry, schemaId: string, what: string): void {
    const violations = registry.violations(schemaId, this.data);
    if (violations.length === 0) return;
    throw new InputError(
      `Invalid ${what}`,
      violations.map((v) => this.problem(pointerSegments(v.path), v.message)),
    );
  }
}

export function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `['scenarios', 2, 'expect', 'status']` → `scenarios[2].expect.status` */
export function fieldName(segments: (string | number)[]): string {
  return segments
    .map((s, i) =>
      typeof s === 'number' || /^\d+$/.test(String(s)) ? `[${s}]` : `${i === 0 ? '' : '.'}${s}`,
    )
    .join('');
}
