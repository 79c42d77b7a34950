import fs from 'node:fs';
import path from 'node:path';
import { globSync } from 'glob';
import { displayPath, InputError, type InputProblem } from '../input/errors.ts';
import { YamlSource } from '../input/yaml-file.ts';
import { dataDir, projectRoot } from '../paths.ts';
import { type SchemaRegistry, schemaId } from '../schemas/registry.ts';
import { closestAll, foldList } from '../text.ts';
import { expectationKeys, isWrittenBasis, parseBasis, type WrittenBasis } from './basis.ts';
import { expectationProblems } from './lint.ts';
import { loadStatements, type Statements } from './statements.ts';
import type {
  Basis,
  ExpectationBases,
  ExpectationKey,
  ResponseBodyKind,
  Scenario,
  ScenarioExpectation,
  ScenarioRequest,
  ScenarioRequirement,
  Severity,
} from './types.ts';

export const DEFAULT_SCENARIOS = 'data/scenarios/**/*.yaml';

/** The body schema an answer with this HTTP status is held to when the scenario does not name one. */
export function defaultBodyKind(status: number): ResponseBodyKind {
  if (status === 200) return 'eRoamingAuthorizationStart';
  if (status === 400 || status === 500) return 'FaultBody';
  if (status === 401 || status === 404) return 'OicpERoamingFault';
  return 'any';
}

/**
 * The scenario files `OICP_SCENARIOS` selects: files, folders (all YAML below) or globs, comma-separated,
 * relative to the working directory or the project root.
 */
export function selectScenarioFiles(selection: string | undefined): string[] {
  const patterns = (selection?.trim() ? selection : DEFAULT_SCENARIOS)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const files = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    const found = expand(pattern);
    if (found.length === 0) unmatched.push(pattern);
    for (const file of found) files.add(file);
  }
  if (unmatched.length > 0) {
    throw new InputError(
      'OICP_SCENARIOS selects no scenario file; nothing was sent',
      unmatched.map((p) => ({
        file: 'OICP_SCENARIOS',
        field: 'OICP_SCENARIOS',
        message: `'${p}' matches no .yaml file${closeFiles(p)}`,
      })),
    );
  }
  return [...files].sort();
}

/**
 * `; did you mean data/scenarios/authorize-start/rfid-cards.yaml?` — the scenario files whose path or name
 * is closest to what was written, looked for in the catalogue and beside the path given.
 */
function closeFiles(pattern: string): string {
  const near = nearestFolder(pattern);
  const files = [
    ...new Set(
      [scenariosDir, ...(near ? [near] : [])].flatMap((dir) =>
        // Bounded: the folder next to a mistyped path may be a home directory.
        globSync('**/*.{yaml,yml}', {
          cwd: dir,
          absolute: true,
          nodir: true,
          maxDepth: 4,
          ignore: ['**/node_modules/**', '**/.git/**'],
        }).slice(0, 2000),
      ),
    ),
  ]
    .map((file) => displayPath(file))
    .sort();
  const byPath = closestAll(pattern, files);
  const byName = closestAll(
    path.basename(pattern),
    files.map((f) => path.basename(f)),
  ).flatMap((name) => files.filter((f) => path.basename(f) === name));
  const close = [...new Set([...byPath, ...byName])].slice(0, 2);
  if (close.length > 0) return `; did you mean ${close.join(' or ')}?`;
  return `; the catalogue's files are under ${displayPath(scenariosDir)}/ (${foldList(
    files.filter((f) => f.startsWith(displayPath(scenariosDir))),
    4,
  )})`;
}

/** The deepest existing folder on the way to a path that does not exist (relative to cwd or the project). */
function nearestFolder(pattern: string): string | undefined {
  const literal = pattern.split(/[*?[{]/)[0] ?? '';
  for (const base of [process.cwd(), projectRoot]) {
    let candidate = path.resolve(base, literal);
    while (candidate !== path.dirname(candidate)) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isDirectory())
        return candidate === path.parse(candidate).root ? undefined : candidate;
      candidate = path.dirname(candidate);
    }
  }
  return undefined;
}

function expand(pattern: string): string[] {
  for (const base of [process.cwd(), projectRoot]) {
    const candidate = path.resolve(base, pattern);
    if (fs.existsSync(candidate)) {
      if (fs.statSync(candidate).isDirectory()) {
        return globSync('**/*.{yaml,yml}', { cwd: candidate, absolute: true, nodir: true });
      }
      return [candidate];
    }
    const matches = globSync(pattern, { cwd: base, absolute: true, nodir: true }).filter((f) =>
      /\.ya?ml$/.test(f),
    );
    if (matches.length > 0) return matches;
  }
  return [];
}

type WrittenBases = WrittenBasis | Record<string, WrittenBasis>;

/**
 * Where each loaded scenario was written, so that checks made later (the request, once the profile's values
 * are known) can name the line and column of the key or value they are about.
 */
const writtenAt = new WeakMap<Scenario, { source: YamlSource; at: (string | number)[] }>();

/** The file and path of a scenario loaded from a file; undefined for a generated one. */
export function scenarioWrittenAt(
  scenario: Scenario,
): { source: YamlSource; at: (string | number)[] } | undefined {
  return writtenAt.get(scenario);
}

interface ScenarioFileData {
  feature: string;
  reference?: string;
  basis?: WrittenBases;
  scenarios: Array<{
    id: string;
    title: string;
    story?: string;
    description?: string;
    severity?: Severity;
    tags?: string[];
    reference?: string;
    covers?: string[];
    invalid?: boolean;
    requires?: ScenarioRequirement;
    request: ScenarioRequest;
    expect: Omit<ScenarioExpectation, 'body' | 'fields' | 'basis'> &
      Partial<Pick<ScenarioExpectation, 'body' | 'fields'>> & { basis?: WrittenBases };
  }>;
}

interface ParsedBases {
  default?: Basis;
  byKey: Record<string, Basis>;
}

/**
 * A written basis — one basis (for every expectation) or a map of `default` and expectation keys — with each
 * rule's statement looked up; `at` is where the basis is written, for positions in messages and the list of
 * rules.
 */
function parseBases(
  written: WrittenBases | undefined,
  at: (string | number)[],
  context: { source: YamlSource; statements: Statements; problems: InputProblem[] },
): ParsedBases {
  if (!written) return { byKey: {} };
  const one = (basis: WrittenBasis, segments: (string | number)[]): Basis | undefined => {
    const parsed = parseBasis(basis, context.statements, {
      file: context.source.displayPath,
      line: context.source.locate(segments).line ?? 1,
    });
    if ('problem' in parsed) {
      context.problems.push(context.source.problem([...segments, ...parsed.at], parsed.problem));
      return undefined;
    }
    return parsed;
  };
  if (isWrittenBasis(written)) {
    const basis = one(written, at);
    return { ...(basis ? { default: basis } : {}), byKey: {} };
  }
  const byKey: Record<string, Basis> = {};
  let fallback: Basis | undefined;
  for (const [key, basis] of Object.entries(written as Record<string, WrittenBasis>)) {
    const parsed = one(basis, [...at, key]);
    if (!parsed) continue;
    if (key === 'default') fallback = parsed;
    else byKey[key] = parsed;
  }
  return { ...(fallback ? { default: fallback } : {}), byKey };
}

/**
 * The bases of one scenario, from its own `expect.basis` and its file's `basis`: for each expectation its own
 * key, else the scenario's default, else the file's key, else the file's default (basisOf): what the scenario
 * says beats what its file says. A key of the
 * scenario naming an expectation it does not make is a mistake (a typo would silently leave the expectation
 * without its basis), and so is an expectation with no basis at all: a rule must cite its passage. Both are
 * reported through `problem`. The file's keys apply where a scenario makes that expectation.
 */
function basesOf(
  ofScenario: ParsedBases,
  ofFile: ParsedBases,
  expectations: readonly ExpectationKey[],
  problem: (key: string | undefined, message: string) => void,
): ExpectationBases | undefined {
  for (const key of Object.keys(ofScenario.byKey)) {
    if (!expectations.includes(key as ExpectationKey))
      problem(
        key,
        `names no expectation of this scenario (it expects: ${expectations.join(', ')}); a basis needs the expectation it qualifies`,
      );
  }
  const byExpectation: ExpectationBases['byExpectation'] = {};
  for (const key of expectations) {
    // What the scenario says beats what its file says: its default covers every expectation it does not name.
    const basis = ofScenario.byKey[key] ?? (ofScenario.default ? undefined : ofFile.byKey[key]);
    if (basis) byExpectation[key] = basis;
  }
  const fallback = ofScenario.default ?? ofFile.default;
  const without = expectations.filter((key) => !byExpectation[key] && !fallback);
  if (without.length > 0)
    problem(
      undefined,
      `states no basis for ${without.join(', ')}: give expect.basis (or the file's basis) — rule: { statement: <id in data/oicp/statements.yaml> }, observed: <evidence> or assumption: <why> (docs/scenarios.md)`,
    );
  if (!fallback && Object.keys(byExpectation).length === 0) return undefined;
  return { ...(fallback ? { default: fallback } : {}), byExpectation };
}

/** Reads one scenario file: YAML syntax, then the scenario schema, then rules a schema cannot say. */
function loadScenarioFile(file: string, registry: SchemaRegistry): Scenario[] {
  const source = YamlSource.read(file, 'scenario file');
  source.validate(registry, schemaId('scenario.schema.json'), 'scenario file');
  const data = source.data as ScenarioFileData;
  const problems: InputProblem[] = [];
  const statements = loadStatements(registry);
  const fileBases = parseBases(data.basis, ['basis'], { source, statements, problems });
  const scenarios = data.scenarios.map((raw, index): Scenario => {
    const at = (...segments: (string | number)[]) => ['scenarios', index, ...segments];
    for (const [field, matcher] of Object.entries(raw.expect.fields ?? {})) {
      if ('matches' in matcher) {
        try {
          new RegExp(matcher.matches);
        } catch (error) {
          problems.push(source.problem(at('expect', 'fields', field, 'matches'), (error as Error).message));
        }
      }
    }
    if (raw.request.rawBody !== undefined && raw.invalid !== true && !isJson(raw.request.rawBody)) {
      problems.push(
        source.problem(at('request', 'rawBody'), 'is not JSON, so the scenario must say invalid: true'),
      );
    }
    const { basis: writtenBases, ...expectations } = raw.expect;
    const expect: ScenarioExpectation = {
      ...expectations,
      body: raw.expect.body ?? defaultBodyKind(raw.expect.status),
      fields: raw.expect.fields ?? {},
    };
    const ownBases = parseBases(writtenBases, at('expect', 'basis'), { source, statements, problems });
    const basis = basesOf(ownBases, fileBases, expectationKeys({ expect }), (key, message) =>
      problems.push(source.problem(key ? at('expect', 'basis', key) : at('expect'), message)),
    );
    problems.push(...expectationProblems(expect, at(), source, registry, raw.expect.body !== undefined));
    (raw.covers ?? []).forEach((id, i) => {
      if (!statements.has(id))
        problems.push(
          source.problem(
            at('covers', i),
            `names no statement of data/oicp/statements.yaml: '${id}'${closestAll(id, [...statements.keys()])
              .map((c) => ` (did you mean '${c}'?)`)
              .join('')}`,
          ),
        );
    });
    const scenario: Scenario = {
      id: raw.id,
      title: raw.title,
      feature: data.feature,
      story: raw.story,
      description: raw.description,
      severity: raw.severity ?? 'normal',
      tags: raw.tags ?? [],
      reference: raw.reference ?? data.reference,
      ...(raw.covers ? { covers: raw.covers } : {}),
      invalid: raw.invalid ?? false,
      ...(raw.requires ? { requires: raw.requires } : {}),
      request: raw.request,
      expect: basis ? { ...expect, basis } : expect,
      source: { file: source.displayPath, line: source.locate(at()).line ?? 1 },
    };
    writtenAt.set(scenario, { source, at: at() });
    return scenario;
  });
  if (problems.length > 0) throw new InputError('Invalid scenario file', byPosition(problems));
  return scenarios;
}

/** Problems in the order of the file, so that a reader fixes them top to bottom. */
function byPosition(problems: InputProblem[]): InputProblem[] {
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads every selected file; all problems of all files are reported together, and a scenario id used
 * twice is an error naming both places (ids are the stable test-case ids of the reports).
 */
export function loadScenarios(registry: SchemaRegistry, selection = process.env.OICP_SCENARIOS): Scenario[] {
  const problems: InputProblem[] = [];
  const scenarios: Scenario[] = [];
  for (const file of selectScenarioFiles(selection)) {
    try {
      scenarios.push(...loadScenarioFile(file, registry));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
    }
  }
  const firstSeen = new Map<string, Scenario>();
  for (const scenario of scenarios) {
    const first = firstSeen.get(scenario.id);
    if (first) {
      problems.push({
        file: scenario.source.file,
        line: scenario.source.line,
        field: 'id',
        message: `duplicate scenario id '${scenario.id}' (first used at ${first.source.file}:${first.source.line})`,
      });
    } else firstSeen.set(scenario.id, scenario);
  }
  if (problems.length > 0) throw new InputError('Scenario files have errors; nothing was sent', problems);
  return scenarios;
}

export const scenariosDir = path.join(dataDir, 'scenarios');
