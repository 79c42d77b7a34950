import fs from 'node:fs';
import path from 'node:path';
import { _, Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import { schemasDir } from '../paths.ts';
import { VALIDATOR_CACHE_DIR, ValidatorCache } from './validator-cache.ts';

// ajv-formats is published as CommonJS with a default export; under NodeNext the callable sits on .default.
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  (addFormatsModule as unknown as FormatsPlugin);

/** Base of every `$id` under schemas/. The host is a reserved example domain: the ids are names, never fetched. */
const SCHEMA_BASE = 'https://oicp-conformance.example/schemas/';

/** `$id` of a schema from its path under schemas/, e.g. `oicp/UID.schema.json`. */
export function schemaId(relativePath: string): string {
  return SCHEMA_BASE + relativePath;
}

export const OICP = {
  request: schemaId('oicp/eRoamingAuthorizeStart.schema.json'),
  response: schemaId('oicp/eRoamingAuthorizationStart.schema.json'),
  faultBody: schemaId('oicp/FaultBody.schema.json'),
  statusFault: schemaId('oicp/OicpERoamingFault.schema.json'),
  acknowledgement: schemaId('oicp/eRoamingAcknowledgement.schema.json'),
  identification: schemaId('oicp/Identification.schema.json'),
} as const;

/** A JSON Schema document or subschema, as read from schemas/. */
export type JsonSchema = { [keyword: string]: unknown };

export interface SchemaViolation {
  /** JSON pointer into the validated document, '' for the root. */
  path: string;
  message: string;
  /** The schema keyword that failed (pattern, required, additionalProperties, …). */
  keyword: string;
  /** For required / additionalProperties: the property concerned. */
  property?: string;
  /**
   * What would have been accepted, for a "did you mean": the properties the schema declares where an unknown
   * one was found (additionalProperties), or the allowed values (enum).
   */
  candidates?: string[];
}

function listSchemaFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return listSchemaFiles(full);
      return entry.name.endsWith('.schema.json') ? [full] : [];
    })
    .sort();
}

function describe(error: ErrorObject): SchemaViolation {
  const params = error.params as Record<string, unknown>;
  let message = error.message ?? error.keyword;
  if (error.keyword === 'additionalProperties')
    message = `unknown property '${String(params.additionalProperty)}'`;
  if (error.keyword === 'enum') message = `must be one of ${JSON.stringify(params.allowedValues)}`;
  if (error.keyword === 'false schema') message = 'is not allowed here';
  const property = (params.missingProperty ?? params.additionalProperty) as string | undefined;
  const candidates = candidatesOf(error);
  return {
    path: error.instancePath,
    message,
    keyword: error.keyword,
    ...(property ? { property } : {}),
    ...(candidates ? { candidates } : {}),
  };
}

/** The names a misspelt property or value was probably meant to be (needs ajv's verbose errors). */
function candidatesOf(error: ErrorObject): string[] | undefined {
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    return allowed.filter((v): v is string => typeof v === 'string');
  }
  if (error.keyword !== 'additionalProperties') return undefined;
  const declared = (error.parentSchema as JsonSchema | undefined)?.properties;
  if (!declared || typeof declared !== 'object') return undefined;
  // A property declared `false` (forbidden, e.g. RFIDIdentification in an authorization) is no suggestion.
  return Object.entries(declared as Record<string, unknown>)
    .filter(([, schema]) => schema !== false)
    .map(([name]) => name);
}

// verbose: the errors carry the failing value and their schema, for messages that say what was meant.
// validateSchema: false — the schemas are the suite's own, checked against the JSON Schema meta-schema by its
// tests (tests/unit/schemas.test.ts); checking them again in every process that starts (the command,
// Playwright's main process, each worker) took a tenth of a second each time.
const AJV_OPTIONS = { allErrors: true, verbose: true, validateSchema: false } as const;

/** ajv with every schema of a registry. The formats are ajv-formats' full set, named for standalone code. */
function plainAjv(schemas: readonly JsonSchema[]): Ajv2020 {
  const ajv = new Ajv2020({
    ...AJV_OPTIONS,
    code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` },
  });
  addFormats(ajv);
  for (const schema of schemas) ajv.addSchema(schema);
  return ajv;
}

/**
 * The validators of one view of the schemas (as written, or opened for answers): loaded from the cache of an
 * earlier process when it has them, else compiled — by an ajv instance built on the first compile — and
 * stored there.
 */
class Validators {
  private ajv: Ajv2020 | undefined;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly cache: ValidatorCache | undefined;

  constructor(
    view: string,
    private readonly schemas: readonly JsonSchema[],
    cacheRoot: string | undefined,
  ) {
    this.cache = cacheRoot
      ? ValidatorCache.of(cacheRoot, view, { ...AJV_OPTIONS, formats: 'ajv-formats full' }, schemas)
      : undefined;
  }

  get(id: string): ValidateFunction {
    let validate = this.validators.get(id) ?? this.cache?.load(id);
    if (!validate) {
      this.ajv ??= plainAjv(this.schemas);
      validate = this.ajv.getSchema(id);
      if (!validate) throw new Error(`no schema with $id ${id}`);
      this.cache?.store(id, this.ajv, validate);
    }
    this.validators.set(id, validate);
    return validate;
  }
}

/**
 * The same schema without any `additionalProperties: false`, at every depth: the answer view (docs/errata.md
 * E-12). The OICP types are shared by requests and answers; a request is linted strictly (an unknown name is
 * most likely a typo the server drops, E-11), an answer is Hubject's to extend.
 */
function openedForAnswers(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(openedForAnswers);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node as JsonSchema)
      .filter(([keyword, value]) => !(keyword === 'additionalProperties' && value === false))
      .map(([keyword, value]) => [keyword, openedForAnswers(value)]),
  );
}

/** `AuthorizationStopIdentifications[0].RFIDMifareFamilyIdentification.UID` */
function propertyPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * Every schema under schemas/, loaded into plain ajv (draft 2020-12) instances and compiled on first use by
 * `$id`: once as written (requests, our own files) and once opened for answers (no `additionalProperties:
 * false`, E-12). Plain ajv options on purpose: the schemas must work in anyone's ajv, so patterns are written
 * unicode-safe instead of relaxing `unicodeRegExp` (docs/errata.md, E-04). The validators of the suite's own
 * schemas are kept between processes (validator-cache.ts); a registry of another folder compiles its own.
 */
export class SchemaRegistry {
  private readonly asWritten: Validators;
  private readonly forAnswers: Validators;
  private readonly documents = new Map<string, JsonSchema>();
  readonly ids: readonly string[];

  constructor(
    dir: string = schemasDir,
    cacheRoot: string | undefined = dir === schemasDir ? VALIDATOR_CACHE_DIR : undefined,
  ) {
    for (const file of listSchemaFiles(dir)) {
      const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as JsonSchema;
      if (typeof schema.$id !== 'string') throw new Error(`${file}: schema has no $id`);
      if (this.documents.has(schema.$id))
        throw new Error(`${file}: another schema has the $id ${schema.$id}`);
      this.documents.set(schema.$id, schema);
    }
    const schemas = [...this.documents.values()];
    this.ids = [...this.documents.keys()];
    this.asWritten = new Validators('as-written', schemas, cacheRoot);
    this.forAnswers = new Validators(
      'for-answers',
      schemas.map((schema) => openedForAnswers(schema) as JsonSchema),
      cacheRoot,
    );
  }

  /** The schema document itself (for tools that read the rules, such as the negative-case generator). */
  document(id: string): JsonSchema {
    const document = this.documents.get(id);
    if (!document) throw new Error(`no schema with $id ${id}`);
    return document;
  }

  validator(id: string): ValidateFunction {
    return this.asWritten.get(id);
  }

  /** Validates as written and returns the violations, most specific first; an empty list means valid. */
  violations(id: string, value: unknown): SchemaViolation[] {
    return violationsOf(this.validator(id), value);
  }

  /**
   * Validates an answer: every rule of the schema except `additionalProperties: false`, so that a property
   * OICP does not list never fails an answer (E-12). `unknownProperties` names those properties.
   */
  answerViolations(id: string, value: unknown): SchemaViolation[] {
    return violationsOf(this.forAnswers.get(id), value);
  }

  /**
   * The paths of the properties in `value` that the schema does not declare, at every depth
   * (`AuthorizationStopIdentifications[0].RFIDMifareFamilyIdentification.Serial`). Follows `$ref`,
   * `allOf`, `anyOf` / `oneOf` and `items`; a property any applicable branch declares is known.
   */
  unknownProperties(id: string, value: unknown): string[] {
    const found = new Set<string>();
    this.collectUnknown([{ node: this.document(id), documentId: id }], value, '', found);
    return [...found];
  }

  /**
   * Follows a path of property names and array indexes (`AuthorizationStopIdentifications.0.…`) through a
   * schema, as a field matcher reads an answer. Says where the path leaves what the schema declares — a
   * property no applicable branch declares (with the names declared there), or a step into a value that is
   * neither object nor array — and otherwise the JSON types the value at the end may have.
   */
  followPath(id: string, segments: readonly string[]): SchemaPath {
    let nodes: SchemaAt[] = [{ node: this.document(id), documentId: id }];
    for (const [at, segment] of segments.entries()) {
      const facets = nodes.flatMap((n) => this.facetsOf(n.node, n.documentId, new Set()));
      const declaring = facets.filter(({ node }) => node.properties && typeof node.properties === 'object');
      const declared = declaring.flatMap(({ node, documentId }) => {
        const child = (node.properties as Record<string, unknown>)[segment];
        return child && typeof child === 'object' ? [{ node: child as JsonSchema, documentId }] : [];
      });
      if (declared.length > 0) {
        nodes = declared;
        continue;
      }
      const items = /^\d+$/.test(segment)
        ? facets.flatMap(({ node, documentId }) =>
            node.items && typeof node.items === 'object'
              ? [{ node: node.items as JsonSchema, documentId }]
              : [],
          )
        : [];
      if (items.length > 0) {
        nodes = items;
        continue;
      }
      const types = typesOf(facets);
      if (declaring.length > 0 || types.includes('object'))
        return {
          unknownAt: at,
          known: [
            ...new Set(
              declaring.flatMap(({ node }) =>
                Object.entries(node.properties as Record<string, unknown>)
                  .filter(([, child]) => child !== false)
                  .map(([name]) => name),
              ),
            ),
          ],
          types,
        };
      return { leavesAt: at, types };
    }
    return { types: typesOf(nodes.flatMap((n) => this.facetsOf(n.node, n.documentId, new Set()))) };
  }

  private collectUnknown(nodes: SchemaAt[], value: unknown, at: string, found: Set<string>): void {
    const facets = nodes.flatMap((n) => this.facetsOf(n.node, n.documentId, new Set()));
    if (Array.isArray(value)) {
      const items = facets.flatMap(({ node, documentId }) =>
        node.items && typeof node.items === 'object' ? [{ node: node.items as JsonSchema, documentId }] : [],
      );
      if (items.length === 0) return;
      for (const [index, item] of value.entries())
        this.collectUnknown(items, item, propertyPath(at, index), found);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const declaring = facets.filter(({ node }) => node.properties && typeof node.properties === 'object');
    // A schema that says nothing about this object's properties cannot call one of them unknown.
    if (declaring.length === 0) return;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const childNodes = declaring.flatMap(({ node, documentId }) => {
        const declared = (node.properties as Record<string, unknown>)[key];
        return declared !== undefined && typeof declared === 'object'
          ? [{ node: declared as JsonSchema, documentId }]
          : [];
      });
      const isDeclared = declaring.some(({ node }) => Object.hasOwn(node.properties as object, key));
      if (!isDeclared) found.add(propertyPath(at, key));
      else this.collectUnknown(childNodes, child, propertyPath(at, key), found);
    }
  }

  /** The node and every subschema that applies to the same value: `$ref` targets, `allOf`, `anyOf`, `oneOf`. */
  private facetsOf(node: JsonSchema, documentId: string, seen: Set<JsonSchema>): SchemaAt[] {
    if (seen.has(node)) return [];
    seen.add(node);
    const facets: SchemaAt[] = [{ node, documentId }];
    if (typeof node.$ref === 'string') {
      const target = this.resolveRef(node.$ref, documentId);
      facets.push(...this.facetsOf(target.node, target.documentId, seen));
    }
    for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
      const branches = node[keyword];
      if (!Array.isArray(branches)) continue;
      for (const branch of branches as JsonSchema[])
        if (branch && typeof branch === 'object') facets.push(...this.facetsOf(branch, documentId, seen));
    }
    return facets;
  }

  private resolveRef(ref: string, documentId: string): SchemaAt {
    const url = new URL(ref, documentId);
    const id = `${url.origin}${url.pathname}`;
    let node: unknown = this.document(id);
    for (const segment of url.hash.replace(/^#\/?/, '').split('/').filter(Boolean))
      node = (node as JsonSchema)[decodeURIComponent(segment)];
    return { node: (node ?? {}) as JsonSchema, documentId: id };
  }
}

/**
 * Where a path leads in a schema (followPath): `unknownAt` the index of a property the schema does not
 * declare (`known`: the names it declares there), `leavesAt` the index of a step into a value that has no
 * properties or items (a string, a number); else the path exists. `types`: the JSON types of the value the
 * path reaches (or of the value it could not step into); empty when the schema does not say.
 */
export interface SchemaPath {
  unknownAt?: number;
  leavesAt?: number;
  known?: string[];
  types: string[];
}

/** The JSON types the schemas allow (`type` keywords and `const`/`enum` values); empty when none says. */
function typesOf(facets: readonly SchemaAt[]): string[] {
  const types = new Set<string>();
  for (const { node } of facets) {
    const type = node.type;
    if (typeof type === 'string') types.add(type);
    if (Array.isArray(type)) for (const t of type) if (typeof t === 'string') types.add(t);
  }
  return [...types];
}

interface SchemaAt {
  node: JsonSchema;
  /** The `$id` of the document the node belongs to: relative `$ref`s resolve against it. */
  documentId: string;
}

function violationsOf(validate: ValidateFunction, value: unknown): SchemaViolation[] {
  if (validate(value)) return [];
  return pruneAlternatives((validate.errors ?? []).map(describe));
}

/**
 * `anyOf: [null, X]` reports both "must be null" and X's own errors; the null branch only adds noise.
 * Keep the specific errors and drop the generic "must be null" / "must match a schema in anyOf" lines
 * when something more specific was said about the same or a deeper path.
 */
function pruneAlternatives(list: SchemaViolation[]): SchemaViolation[] {
  const generic = (v: SchemaViolation) =>
    v.message === 'must be null' || v.message.startsWith('must match a schema in anyOf');
  const specific = list.filter((v) => !generic(v));
  const kept = list.filter(
    (v) => !generic(v) || !specific.some((s) => s.path === v.path || s.path.startsWith(`${v.path}/`)),
  );
  const seen = new Set<string>();
  return kept.filter((v) => {
    const key = `${v.path} ${v.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

let shared: SchemaRegistry | undefined;
/** One registry per process (one per Playwright worker): each validator is compiled, or loaded, once. */
export function schemaRegistry(): SchemaRegistry {
  shared ??= new SchemaRegistry();
  return shared;
}

export function formatViolations(violations: SchemaViolation[]): string {
  return violations.map((v) => `${v.path || '(root)'}: ${v.message}`).join('\n');
}
