import { randomUUID } from 'node:crypto';
import { InputError, type InputProblem } from '../input/errors.ts';
import { closestAll } from '../text.ts';
import type { Scenario } from './types.ts';

/** `{{name}}` or `{{name | filter}}`: a variable or generator, optionally passed through a filter. */
const PLACEHOLDER = /\{\{\s*(\$?[A-Za-z][A-Za-z0-9_]*)\s*(?:\|\s*([A-Za-z]+)\s*)?\}\}/g;

/**
 * Filters a placeholder may apply to its value: `lower` and `upper` write test data in the other case (a
 * scenario on Hubject's case conversion sends the profile's ID in lower case, whatever target it runs against).
 */
const FILTERS: ReadonlyMap<string, (value: string) => string> = new Map([
  ['lower', (value: string) => value.toLowerCase()],
  ['upper', (value: string) => value.toUpperCase()],
]);

/** The variable names the placeholders of a text use (filters left out), in the order found. */
export function placeholderNames(template: unknown): string[] {
  if (typeof template !== 'string') return [];
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

/**
 * Values made fresh for every run of a scenario; the same name gives the same value within one scenario.
 * A Map, like every name lookup here: a template name such as {{constructor}} or {{toString}} must be
 * unknown, never a property of Object.prototype.
 */
const GENERATORS: ReadonlyMap<string, () => string> = new Map([
  ['$uuid', () => randomUUID()],
  ['$timestamp', () => new Date().toISOString()],
]);

export const generatorNames = [...GENERATORS.keys()];

/** The scenario parts that may hold placeholders: the request and the expectation. */
function templatedParts(scenario: Scenario): unknown {
  return { request: scenario.request, expect: scenario.expect };
}

function collectPlaceholders(value: unknown, found: Set<string>, filters?: Set<string>): void {
  if (typeof value === 'string') {
    for (const match of value.matchAll(PLACEHOLDER)) {
      found.add(match[1] as string);
      if (match[2] !== undefined) filters?.add(match[2]);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) collectPlaceholders(item, found, filters);
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      collectPlaceholders(key, found, filters);
      collectPlaceholders(item, found, filters);
    }
  }
}

/** The placeholder names a scenario uses, in the order found. */
export function placeholdersOf(scenario: Scenario): string[] {
  const found = new Set<string>();
  collectPlaceholders(templatedParts(scenario), found);
  return [...found];
}

/**
 * Every placeholder of every scenario must be a variable of some profile or a generator. Checked for the
 * whole selection before the first request, so a typo never sends a half-resolved request. A variable this
 * profile lacks but another profile defines is test data this target does not offer: not an error here
 * (the scenario is skipped, see the suite), while a name no profile knows is a typo, named with the
 * closest known names.
 */
export function checkPlaceholders(
  scenarios: Scenario[],
  variables: Record<string, string>,
  profileName: string,
  definedElsewhere: ReadonlySet<string> = new Set(),
): void {
  const problems: InputProblem[] = [];
  const known = [...new Set([...Object.keys(variables), ...definedElsewhere])];
  for (const scenario of scenarios) {
    const found = new Set<string>();
    const filters = new Set<string>();
    collectPlaceholders(templatedParts(scenario), found, filters);
    for (const filter of filters) {
      if (FILTERS.has(filter)) continue;
      problems.push({
        file: scenario.source.file,
        line: scenario.source.line,
        field: scenario.id,
        message: `unknown filter '| ${filter}' in a placeholder (filters: ${[...FILTERS.keys()].join(', ')})`,
      });
    }
    for (const name of found) {
      if (GENERATORS.has(name) || Object.hasOwn(variables, name) || definedElsewhere.has(name)) continue;
      const candidates = name.startsWith('$') ? generatorNames : known;
      const suggestions = closestAll(name, candidates).map((c) => `{{${c}}}`);
      problems.push({
        file: scenario.source.file,
        line: scenario.source.line,
        field: scenario.id,
        message: `unknown variable {{${name}}}: ${name.startsWith('$') ? `not a generator (${generatorNames.join(', ')})` : `no profile defines it (profile '${profileName}' is in use)`}${suggestions.length > 0 ? `; did you mean ${suggestions.join(' or ')}?` : ''}`,
      });
    }
  }
  if (problems.length > 0) throw new InputError('Unresolved scenario variables; nothing was sent', problems);
}

function substitute(value: unknown, lookup: (name: string) => string): unknown {
  if (typeof value === 'string')
    return value.replace(PLACEHOLDER, (_m, name: string, filter: string | undefined) => {
      const found = lookup(name);
      const apply = filter === undefined ? undefined : FILTERS.get(filter);
      return apply ? apply(found) : found;
    });
  if (Array.isArray(value)) return value.map((item) => substitute(item, lookup));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        substitute(key, lookup) as string,
        substitute(item, lookup),
      ]),
    );
  }
  return value;
}

/**
 * The scenario with every placeholder replaced; generators run once per name for this scenario.
 * `options.standIn` may supply a value first (the load-time lint stands in for test data the profile does not
 * offer); `options.generated` learns each generator's value (`$uuid` → the UUID made), so that the exchange
 * log can mark what a comparison or a replay must not take for the target's doing.
 */
export function resolveScenario(
  scenario: Scenario,
  variables: Record<string, string>,
  options: {
    standIn?: (name: string) => string | undefined;
    generated?: Map<string, string>;
  } = {},
): Scenario {
  const standIn = options.standIn ?? (() => undefined);
  const generated = options.generated ?? new Map<string, string>();
  const lookup = (name: string): string => {
    const substitute = standIn(name);
    if (substitute !== undefined) return substitute;
    if (Object.hasOwn(variables, name)) return variables[name] as string;
    const generator = GENERATORS.get(name);
    if (!generator) {
      throw new InputError('Unresolved scenario variable; nothing was sent', [
        {
          file: scenario.source.file,
          line: scenario.source.line,
          field: scenario.id,
          message: `unknown variable {{${name}}}`,
        },
      ]);
    }
    if (!generated.has(name)) generated.set(name, generator());
    return generated.get(name) as string;
  };
  const resolved = substitute(templatedParts(scenario), lookup) as Pick<Scenario, 'request' | 'expect'>;
  return { ...scenario, request: resolved.request, expect: resolved.expect };
}
