import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { isSecretVariable, SECRET_KEYS } from '../redact.ts';
import type { SchemaRegistry, SchemaViolation } from '../schemas/registry.ts';
import { closestAll } from '../text.ts';
import { displayPath, InputError, type InputProblem } from './errors.ts';
import { readInputFile } from './read-file.ts';
import {
  type ParsedYaml,
  type Places,
  projectYamlCache,
  type Written,
  type YamlCache,
} from './yaml-cache.ts';

/** How many alias expansions a YAML input may make; a hand-written file uses a handful at most. */
const MAX_ALIAS_COUNT = 100;

const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: true } as const;

/** A YAML file whose values can be traced back to their line and column. */
export class YamlSource {
  readonly file: string;
  readonly displayPath: string;
  readonly data: unknown;
  private readonly text: string;
  private readonly places: Places;
  /** Parsed again only for what the places do not hold: how a scalar was written, asked when a value is wrong. */
  private doc?: Document.Parsed;

  private constructor(file: string, text: string, parsed: ParsedYaml, doc?: Document.Parsed) {
    this.file = file;
    this.displayPath = displayPath(file);
    this.text = text;
    this.data = parsed.data;
    this.places = parsed.places;
    this.doc = doc;
  }

  /**
   * Reads and parses a YAML file (or takes what an earlier process stored of it, see yaml-cache.ts). Syntax
   * errors, duplicate keys and unreadable files become an InputError naming the file, line and column.
   */
  static read(file: string, what: string, cache: YamlCache = projectYamlCache): YamlSource {
    const text = readInputFile(file, what).toString('utf8');
    const stored = cache.load(file, text);
    if (stored) return new YamlSource(file, text, stored);
    const { doc, parsed } = parse(text, displayPath(file), what);
    cache.store(file, text, parsed);
    return new YamlSource(file, text, parsed, doc);
  }

  /**
   * Line and column of the node at a path of keys/indices (the closest existing ancestor if it is missing).
   * `atKey`: of the last key itself rather than its value — where an unknown or misspelt key is written.
   */
  locate(
    segments: (string | number)[],
    options: { atKey?: boolean } = {},
  ): { line?: number; column?: number } {
    const walked: string[] = [];
    let found = this.places.get(placeKey(walked));
    if (!found) return {};
    for (const [index, segment] of segments.entries()) {
      // A list's items are found by number, as yaml finds them: "1", 1 and "1.0" name the same item.
      const step = found.list ? String(Number(segment)) : String(segment);
      const next = this.places.get(placeKey([...walked, step]));
      if (!next) break;
      walked.push(step);
      found = next;
      if (options.atKey && index === segments.length - 1)
        return { line: next.keyLine, column: next.keyColumn };
    }
    return { line: found.line, column: found.column };
  }

  /** The text a scalar was written as (`0000`, `"1234"`), when the path leads to one. */
  writtenAs(segments: (string | number)[]): string | undefined {
    this.doc ??= parseDocument(this.text, PARSE_OPTIONS);
    let node: unknown = this.doc.contents;
    for (const segment of segments) {
      const next = isMap(node)
        ? node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment))?.value
        : isSeq(node)
          ? node.get(Number(segment), true)
          : undefined;
      if (next === undefined || next === null) return undefined;
      node = next;
    }
    return isScalar(node) ? node.source : undefined;
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

/** Parses a YAML text into its data and places; an InputError for what yaml refuses. */
function parse(text: string, display: string, what: string): { doc: Document.Parsed; parsed: ParsedYaml } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...PARSE_OPTIONS, lineCounter: lines });
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
  let data: unknown;
  try {
    // yaml refuses documents whose aliases would expand beyond reason (a "billion laughs" bomb).
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new InputError(`Invalid YAML in ${what}; nothing was sent`, [
      {
        file: display,
        field: '',
        message: /alias/i.test((error as Error).message)
          ? `its aliases (*name) expand to too much data (${(error as Error).message})`
          : (error as Error).message,
      },
    ]);
  }
  return { doc, parsed: { data, places: placesOf(doc, lines) } };
}

function placeKey(segments: readonly string[]): string {
  return JSON.stringify(segments);
}

/**
 * Every place a path can lead to, found the way a reader of the file would point at it: a map's value by the
 * first key written as that text, a list's item by its index. A key written without a value (`UID:`) is placed
 * at the key, the empty value having no place of its own; a path never goes into a scalar or an alias (`*name`).
 */
function placesOf(doc: Document.Parsed, lines: LineCounter): Places {
  const places = new Map<string, Written>();
  const at = (node: Node | null | undefined) => {
    const pos = node?.range ? lines.linePos(node.range[0]) : undefined;
    return pos && { line: pos.line, column: pos.col };
  };
  const visit = (node: Node, keyNode: Node, segments: string[]) => {
    const value = at(node);
    const key = at(keyNode) ?? value;
    if (!value || !key) return;
    places.set(placeKey(segments), {
      ...value,
      keyLine: key.line,
      keyColumn: key.column,
      ...(isSeq(node) ? { list: true as const } : {}),
    });
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const name = String(pair.key.value);
        if (seen.has(name)) continue;
        seen.add(name);
        const empty = isScalar(pair.value) && pair.value.value === null && !pair.value.source;
        visit(empty || !pair.value ? pair.key : (pair.value as Node), pair.key, [...segments, name]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        if (item) visit(item as Node, item as Node, [...segments, String(index)]);
      });
    }
  };
  if (doc.contents) visit(doc.contents, doc.contents, []);
  return places;
}
