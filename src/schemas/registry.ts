import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import { schemasDir } from '../paths.ts';

// ajv-formats is published as CommonJS with a default export; under NodeNext the callable sits on .default.
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  (addFormatsModule as unknown as FormatsPlugin);

/** Base of every `$id` under schemas/. The host is a reserved example domain: the ids are names, never fetched. */
export const SCHEMA_BASE = 'https://oicp-conformance.example/schemas/';

/** `$id` of a schema from its path under schemas/, e.g. `oicp/UID.schema.json`. */
export function schemaId(relativePath: string): string {
  return SCHEMA_BASE + relativePath;
}

export const OICP = {
  request: schemaId('oicp/eRoamingAuthorizeStart.schema.json'),
  response: schemaId('oicp/eRoamingAuthorizationStart.schema.json'),
  faultBody: schemaId('oicp/FaultBody.schema.json'),
  statusFault: schemaId('oicp/OicpERoamingFault.schema.json'),
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
  return { path: error.instancePath, message, keyword: error.keyword, ...(property ? { property } : {}) };
}

/**
 * Every schema under schemas/, loaded into one ajv (draft 2020-12) instance and compiled on first use by `$id`.
 * Plain ajv options on purpose: the schemas must work in anyone's ajv, so patterns are written unicode-safe
 * instead of relaxing `unicodeRegExp` (docs/errata.md, E-04).
 */
export class SchemaRegistry {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly documents = new Map<string, JsonSchema>();
  readonly ids: readonly string[];

  constructor(dir: string = schemasDir) {
    this.ajv = new Ajv2020({ allErrors: true });
    addFormats(this.ajv);
    const ids: string[] = [];
    for (const file of listSchemaFiles(dir)) {
      const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as JsonSchema;
      if (typeof schema.$id !== 'string') throw new Error(`${file}: schema has no $id`);
      this.ajv.addSchema(schema);
      this.documents.set(schema.$id, schema);
      ids.push(schema.$id);
    }
    this.ids = ids;
  }

  /** The schema document itself (for tools that read the rules, such as the negative-case generator). */
  document(id: string): JsonSchema {
    const document = this.documents.get(id);
    if (!document) throw new Error(`no schema with $id ${id}`);
    return document;
  }

  validator(id: string): ValidateFunction {
    let validate = this.compiled.get(id);
    if (!validate) {
      validate = this.ajv.getSchema(id);
      if (!validate) throw new Error(`no schema with $id ${id}`);
      this.compiled.set(id, validate);
    }
    return validate;
  }

  /** Validates and returns the violations, most specific first; an empty list means valid. */
  violations(id: string, value: unknown): SchemaViolation[] {
    const validate = this.validator(id);
    if (validate(value)) return [];
    return pruneAlternatives((validate.errors ?? []).map(describe));
  }
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
/** One registry per process (one per Playwright worker): schemas compile once. */
export function schemaRegistry(): SchemaRegistry {
  shared ??= new SchemaRegistry();
  return shared;
}

export function formatViolations(violations: SchemaViolation[]): string {
  return violations.map((v) => `${v.path || '(root)'}: ${v.message}`).join('\n');
}
