/** A rule of the request schema is either ours only (lint) or one the server is known to enforce. */
import type { RuleKind } from '../scenarios/types.ts';
import { type JsonSchema, OICP, type SchemaRegistry, schemaId } from '../schemas/registry.ts';

/** One invalid variant of a valid request: exactly one rule of the request schema broken. */
export interface NegativeVariant {
  /** Stable id derived from the rule (`schema-identification-rfidmifarefamilyidentification-uid-pattern`). */
  id: string;
  /** The rule, readable: `Identification.RFIDMifareFamilyIdentification.UID: pattern`. */
  rule: string;
  keyword: string;
  kind: RuleKind;
  /** What was changed, e.g. `UID set to "044A2DAA856280#" (breaks pattern ^…$)`. */
  mutation: string;
  /** The valid request the variant was made from. */
  base: string;
  /** The base request's OperatorID: the path parameter stays valid, so only the body breaks the rule. */
  operatorId: string;
  body: unknown;
}

export interface BaseRequest {
  name: string;
  body: unknown;
}

type Path = string[];

/** Where lint comments put us: nothing, some keywords/properties of this node, or the whole subtree. */
interface Scope {
  /** The whole subtree is lint. */
  all: boolean;
  /** Keywords or property names of the current node that are lint. */
  here: Set<string>;
}

/**
 * `$comment: "lint — …"` marks a subtree as lint; `$comment: "lint: additionalProperties, PIN — …"` marks
 * keywords (or property names) of that node. Everything else is enforced by the server.
 */
function scopeOf(node: JsonSchema, parent: Scope): Scope {
  const comment = typeof node.$comment === 'string' ? node.$comment : '';
  const match = /^lint(?::\s*([^—]+))?/.exec(comment);
  if (!match) return { all: parent.all, here: new Set() };
  if (!match[1]) return { all: true, here: new Set() };
  return {
    all: parent.all,
    here: new Set(
      match[1]
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  };
}

const kindOf = (scope: Scope, key: string): RuleKind =>
  scope.all || scope.here.has(key) ? 'lint' : 'enforced';

/** `CPOPartnerSessionID` → `cpo-partner-session-id`, `RFIDMifareFamilyIdentification` → `rfid-mifare-family-identification`. */
function kebab(text: string): string {
  return text
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .toLowerCase()
    .replace(/^-|-$/g, '');
}

const readable = (path: Path) => (path.length === 0 ? 'the body' : path.join('.'));

/** The name of a rule: where it applies and its keyword, e.g. `Identification.RFIDMifareFamilyIdentification.UID: pattern`. */
export function ruleName(path: readonly string[], keyword: string): string {
  return `${readable([...path])}: ${keyword}`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 40)}… (${text.length} characters)` : text;
}

/** A copy of the body with the value at `path` replaced (path [] replaces the whole body). */
function replaced(body: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return structuredClone(value);
  const copy = structuredClone(body);
  let parent = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  parent[path[path.length - 1] as string] = value;
  return copy;
}

const WRONG_TYPE: Record<string, unknown> = {
  string: 42,
  integer: 'forty-two',
  number: 'forty-two',
  boolean: 'true',
  object: 'not an object',
  array: 'not an array',
  null: { unexpected: 'object' },
};

/**
 * Derives, deterministically, one invalid variant per rule of the request schema that the base requests
 * reach: each required property removed, each pattern / length / enum broken, each property given the
 * wrong JSON type, an unknown property added, Identification with no and with two members, and every
 * member the authorization forbids. Adding a rule to the schema adds its variants.
 */
export class NegativeCaseDeriver {
  private readonly registry: SchemaRegistry;
  private readonly variants = new Map<string, NegativeVariant>();
  private base: BaseRequest = { name: '', body: undefined };

  constructor(registry: SchemaRegistry) {
    this.registry = registry;
  }

  derive(bases: BaseRequest[]): NegativeVariant[] {
    const root = this.registry.document(OICP.request);
    for (const base of bases) {
      const violations = this.registry.violations(OICP.request, base.body);
      if (violations.length > 0) {
        throw new Error(`base request '${base.name}' is not valid: ${JSON.stringify(violations)}`);
      }
      this.base = base;
      this.walk(root, OICP.request, base.body, [], { all: false, here: new Set() });
    }
    const variants = [...this.variants.values()];
    for (const variant of variants) {
      // A variant that our own schema accepts would test nothing: the generator must never produce one.
      if (this.registry.violations(OICP.request, variant.body).length === 0) {
        throw new Error(
          `derived variant ${variant.id} (${variant.mutation}) is valid against the request schema`,
        );
      }
    }
    return variants;
  }

  private add(
    path: Path,
    keyword: string,
    suffix: string,
    kind: RuleKind,
    mutation: string,
    body: unknown,
  ): void {
    const id = ['schema', ...(path.length === 0 ? ['body'] : path.map(kebab)), suffix].join('-');
    if (this.variants.has(id)) return;
    this.variants.set(id, {
      id,
      rule: ruleName(path, keyword),
      keyword,
      kind,
      mutation,
      base: this.base.name,
      operatorId: String((this.base.body as Record<string, unknown>).OperatorID ?? ''),
      body,
    });
  }

  /** Resolves a `$ref` against the document it appears in; returns the subschema and its document id. */
  private resolve(ref: string, documentId: string): { node: JsonSchema | boolean; documentId: string } {
    const url = new URL(ref, documentId);
    const id = `${url.origin}${url.pathname}`;
    let node: unknown = this.registry.document(id);
    for (const segment of url.hash.replace(/^#\/?/, '').split('/').filter(Boolean)) {
      node = (node as JsonSchema)[decodeURIComponent(segment)];
    }
    return { node: node as JsonSchema | boolean, documentId: id };
  }

  /** A valid sample of a type schema (`RFIDIdentification` → its schema file), built from examples and enums. */
  private sample(name: string): unknown {
    const id = schemaId(`oicp/${name}.schema.json`);
    if (!this.registry.ids.includes(id)) return { [name]: 'sample' };
    return this.sampleOf(this.registry.document(id), id);
  }

  private sampleOf(node: JsonSchema | boolean, documentId: string): unknown {
    if (typeof node === 'boolean') return {};
    if (typeof node.$ref === 'string') {
      const target = this.resolve(node.$ref, documentId);
      return this.sampleOf(target.node, target.documentId);
    }
    if (Array.isArray(node.examples) && node.examples.length > 0) return node.examples[0];
    if (Array.isArray(node.enum)) return node.enum[0];
    if (node.format === 'date-time') return '2030-01-01T00:00:00Z';
    if (Array.isArray(node.anyOf)) {
      const branch = (node.anyOf as JsonSchema[]).find((b) => b.type !== 'null');
      return branch ? this.sampleOf(branch, documentId) : null;
    }
    if (node.type === 'object') {
      const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
      const required = (node.required ?? []) as string[];
      return Object.fromEntries(
        required.map((key) => [key, this.sampleOf(properties[key] ?? {}, documentId)]),
      );
    }
    if (node.type === 'string') return typeof node.pattern === 'string' ? 'AAAAAAAA' : 'sample';
    return null;
  }

  private walk(
    node: JsonSchema | boolean,
    documentId: string,
    value: unknown,
    path: Path,
    parent: Scope,
  ): void {
    if (typeof node === 'boolean') return;
    const scope = scopeOf(node, parent);
    const body = this.base.body;

    if (typeof node.$ref === 'string') {
      const target = this.resolve(node.$ref, documentId);
      this.walk(target.node, target.documentId, value, path, scope);
    }
    for (const branch of (node.allOf ?? []) as JsonSchema[])
      this.walk(branch, documentId, value, path, scope);
    if (Array.isArray(node.anyOf) && value !== null) {
      // `anyOf: [null, T]` (optional fields as Hubject serialises them): the rules are those of T.
      for (const branch of node.anyOf as JsonSchema[]) {
        if (branch.type !== 'null') this.walk(branch, documentId, value, path, scope);
      }
    }

    const type = typeof node.type === 'string' ? node.type : undefined;
    if (type && type in WRONG_TYPE && value !== undefined) {
      const wrong = WRONG_TYPE[type];
      this.add(
        path,
        'type',
        'type',
        kindOf(scope, 'type'),
        `${readable(path)} is ${show(wrong)} instead of ${/^[aeio]/.test(type) ? 'an' : 'a'} ${type}`,
        replaced(body, path, wrong),
      );
    }

    if (typeof value === 'string') this.stringRules(node, value, path, scope);
    if (Array.isArray(node.enum) && value !== undefined) {
      this.add(
        path,
        'enum',
        'enum',
        kindOf(scope, 'enum'),
        `${readable(path)} is "NotAnOicpValue"`,
        replaced(body, path, 'NotAnOicpValue'),
      );
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      this.objectRules(node, documentId, value as Record<string, unknown>, path, scope);
    }
  }

  private stringRules(node: JsonSchema, value: string, path: Path, scope: Scope): void {
    const body = this.base.body;
    if (typeof node.pattern === 'string') {
      const pattern = new RegExp(node.pattern, 'u');
      const candidates = [`${value}#`, `#${value}`, value.toLowerCase(), value.toUpperCase(), '#'];
      const broken = candidates.find((c) => !pattern.test(c));
      if (broken !== undefined) {
        this.add(
          path,
          'pattern',
          'pattern',
          kindOf(scope, 'pattern'),
          `${readable(path)} is ${show(broken)}, which breaks the pattern ${node.pattern}`,
          replaced(body, path, broken),
        );
      }
    }
    if (typeof node.maxLength === 'number') {
      const tooLong = 'x'.repeat(node.maxLength + 1);
      this.add(
        path,
        'maxLength',
        'max-length',
        kindOf(scope, 'maxLength'),
        `${readable(path)} has ${node.maxLength + 1} characters (limit ${node.maxLength})`,
        replaced(body, path, tooLong),
      );
    }
    if (typeof node.minLength === 'number' && node.minLength > 0) {
      this.add(
        path,
        'minLength',
        'min-length',
        kindOf(scope, 'minLength'),
        `${readable(path)} is empty (at least ${node.minLength} character(s))`,
        replaced(body, path, ''),
      );
    }
  }

  private objectRules(
    node: JsonSchema,
    documentId: string,
    value: Record<string, unknown>,
    path: Path,
    scope: Scope,
  ): void {
    const body = this.base.body;
    const properties = (node.properties ?? {}) as Record<string, JsonSchema | boolean>;
    for (const key of (node.required ?? []) as string[]) {
      if (!(key in value)) continue;
      const without = Object.fromEntries(Object.entries(value).filter(([k]) => k !== key));
      this.add(
        [...path, key],
        'required',
        'missing',
        kindOf(scope, 'required') === 'lint' || kindOf(scope, key) === 'lint' ? 'lint' : 'enforced',
        `${readable([...path, key])} is missing`,
        replaced(body, path, without),
      );
    }
    if (node.additionalProperties === false) {
      this.add(
        path,
        'additionalProperties',
        'unknown-property',
        kindOf(scope, 'additionalProperties'),
        `${readable(path)} has an unknown property "UnknownProperty"`,
        replaced(body, path, { ...value, UnknownProperty: 'x' }),
      );
    }
    if (typeof node.minProperties === 'number' && node.minProperties > 0) {
      this.add(
        path,
        'minProperties',
        'empty',
        kindOf(scope, 'minProperties'),
        `${readable(path)} is {} (no member)`,
        replaced(body, path, {}),
      );
    }
    if (typeof node.maxProperties === 'number') {
      const extra = Object.entries(properties).find(([k, s]) => !(k in value) && s !== false);
      if (extra) {
        const [name] = extra;
        this.add(
          path,
          'maxProperties',
          'two-members',
          kindOf(scope, 'maxProperties'),
          `${readable(path)} has a second member ${name}`,
          replaced(body, path, { ...value, [name]: this.sample(name) }),
        );
      }
    }
    for (const [key, sub] of Object.entries(properties)) {
      if (sub === false) {
        // A member the schema forbids here (RFIDIdentification in an authorization): send it instead.
        this.add(
          [...path, key],
          'not allowed',
          'not-allowed',
          kindOf(scope, key),
          `${readable(path)} carries ${key}`,
          replaced(body, path, { [key]: this.sample(key) }),
        );
        continue;
      }
      if (key in value) {
        this.walk(sub, documentId, value[key], [...path, key], scope);
        continue;
      }
      if (typeof sub === 'object' && sub.type === 'null') {
        // An optional member that must stay null here (HashedPIN in an authorization): give it a value.
        this.add(
          [...path, key],
          'type',
          'not-null',
          kindOf(scope, key),
          `${readable([...path, key])} is given a value`,
          replaced(body, path, { ...value, [key]: this.sample(key) }),
        );
      }
    }
  }
}
