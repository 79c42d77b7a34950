import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { isSecretVariable, SECRET_KEYS } from '../redact.ts';
import type { SchemaRegistry, SchemaViolation } from '../schemas/registry.ts';
import { closestAll } from '../text.ts';
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

  /**
   * Line and column of the node at a path of keys/indices (the closest existing ancestor if it is missing).
   * `atKey`: of the last key itself rather than its value — where an unknown or misspelt key is written.
   */
  locate(
    segments: (string | number)[],
    options: { atKey?: boolean } = {},
  ): { line?: number; column?: number } {
    const range = this.nodeAt(segments, options)?.range;
    if (!range) return {};
    const pos = this.lines.linePos(range[0]);
    return { line: pos.line, column: pos.col };
  }

  /** The text a scalar was written as (`0000`, `"1234"`), when the path leads to one. */
  writtenAs(segments: (string | number)[]): string | undefined {
    const node = this.nodeAt(segments);
    return isScalar(node) ? node.source : undefined;
  }

  /** The node at a path, or the closest existing ancestor (see locate). */
  private nodeAt(segments: (string | number)[], options: { atKey?: boolean } = {}): Node | undefined {
    let node: unknown = this.doc.contents;
    for (const [index, segment] of segments.entries()) {
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isScalar(item.key) && String(item.key.value) === String(segment),
        );
        // A key written without a value (`UID:`) is located at the key: the empty value has no place of its own.
        const empty = isScalar(pair?.value) && pair.value.value === null && !pair.value.source;
        next =
          (options.atKey && index === segments.length - 1) || empty ? pair?.key : (pair?.value ?? pair?.key);
      } else if (isSeq(node)) next = node.get(Number(segment), true);
      if (next === undefined || next === null) break;
      node = next;
    }
    return (node ?? undefined) as Node | undefined;
  }

  problem(segments: (string | number)[], message: string, options: { atKey?: boolean } = {}): InputProblem {
    return { file: this.displayPath, ...this.locate(segments, options), field: fieldName(segments), message };
  }

  /**
   * The violations of a schema by the value at `base` (the whole file by default), each located at the key
   * or value it is about, with what was probably meant: an unknown key at its own line with the closest
   * declared name, an enum value with the closest allowed one, a number where a string belongs with "quote
   * it", an empty value where an object belongs with a hint at the indentation of the lines below.
   * `annotate` may add to a message (e.g. which schema a request violates).
   */
  schemaProblems(
    violations: readonly SchemaViolation[],
    base: (string | number)[] = [],
    annotate: (message: string, violation: SchemaViolation) => string = (message) => message,
  ): InputProblem[] {
    const valueAt = (segments: string[]) => readSegments(readSegments(this.data, base), segments);
    // A required property that is missing because it was misspelt: the unknown key says so, once.
    const misspelt = new Set(
      violations
        .filter((v) => v.keyword === 'additionalProperties' && v.property !== undefined)
        .flatMap((v) => closestAll(v.property as string, v.candidates ?? [], 1).map((c) => `${v.path}/${c}`)),
    );
    const problems: InputProblem[] = [];
    for (const violation of violations) {
      const segments = pointerSegments(violation.path);
      const value = valueAt(segments);
      if (violation.keyword === 'required' && misspelt.has(`${violation.path}/${violation.property}`))
        continue;
      if (violation.keyword === 'additionalProperties' && violation.property !== undefined) {
        const name = violation.property;
        problems.push(
          this.problem(
            [...base, ...segments, name],
            annotate(unknownKeyMessage(name, violation, value), violation),
            {
              atKey: true,
            },
          ),
        );
        continue;
      }
      // A secret (a PIN written unquoted) is never echoed to the console.
      const secret = [...base, ...segments].some(
        (s) => SECRET_KEYS.has(String(s)) || isSecretVariable(String(s)),
      );
      const written = secret ? undefined : this.writtenAs([...base, ...segments]);
      problems.push(
        this.problem([...base, ...segments], annotate(valueMessage(violation, value, written), violation)),
      );
    }
    return problems;
  }

  /** Validates the parsed data against one of our schemas; every violation located in the file. */
  validate(registry: SchemaRegistry, schemaId: string, what: string): void {
    const violations = registry.violations(schemaId, this.data);
    if (violations.length === 0) return;
    const problems = this.schemaProblems(violations).sort(
      (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
    );
    throw new InputError(`Invalid ${what}`, problems);
  }
}

function readSegments(value: unknown, segments: readonly (string | number)[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** `unknown property 'statusCod'; did you mean 'statusCode'?`, or the names that are known there. */
function unknownKeyMessage(name: string, violation: SchemaViolation, parent: unknown): string {
  const candidates = violation.candidates ?? [];
  // A name the object already has is no suggestion ('status' for 'statusCod' beside a 'status').
  const present = parent && typeof parent === 'object' ? Object.keys(parent) : [];
  const close = closestAll(
    name,
    candidates.filter((c) => !present.includes(c)),
  );
  if (close.length > 0)
    return `unknown property '${name}'; did you mean ${close.map((c) => `'${c}'`).join(' or ')}?`;
  if (candidates.length > 0 && candidates.length <= 12)
    return `unknown property '${name}' (known here: ${candidates.join(', ')})`;
  return `unknown property '${name}'`;
}

/** The schema's message, with what the writer most likely meant when it can be told. */
function valueMessage(violation: SchemaViolation, value: unknown, written: string | undefined): string {
  const { keyword, message } = violation;
  if (keyword === 'enum' && typeof value === 'string') {
    const close = closestAll(value, violation.candidates ?? []);
    if (close.length > 0) return `${message}; did you mean ${close.map((c) => `'${c}'`).join(' or ')}?`;
  }
  if (keyword === 'type' && value === null && /must be object/.test(message))
    return `is empty (null) but ${message}: are the lines below it indented too little?`;
  if (keyword === 'type' && typeof value === 'number' && /must be string/.test(message))
    return written === undefined
      ? `${message}: quote the value, YAML reads it unquoted as a number`
      : `${message}: quote it ("${written}"), YAML reads ${written} unquoted as the number ${value}`;
  return message;
}

export function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `['scenarios', 2, 'expect', 'status']` → `scenarios[2].expect.status` */
function fieldName(segments: (string | number)[]): string {
  return segments
    .map((s, i) =>
      typeof s === 'number' || /^\d+$/.test(String(s)) ? `[${s}]` : `${i === 0 ? '' : '.'}${s}`,
    )
    .join('');
}
