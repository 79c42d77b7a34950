import { InputError } from '../input/errors.ts';
import type { Scenario } from '../scenarios/types.ts';
import { closestAll, foldList, substringDistance } from '../text.ts';

/**
 * A selection that matches nothing says what it searched and what is close (instead of Playwright's bare
 * "No tests found"). Playwright's `--grep` / `--grep-invert` are matched the way Playwright matches them:
 * a regular expression, case-insensitive unless written `/…/flags`, tried on the test's title path joined by
 * spaces — project, spec file, describe (the feature), test title (`<title> [<id>]`) — and its tags.
 */

/** The spec file's title in Playwright's title path (specs/ is the test directory). */
const SPEC_FILE_TITLE = 'authorize-start.spec.ts';

/** What Playwright's --grep is matched against for the test of this scenario. */
export function grepTitle(scenario: Pick<Scenario, 'feature' | 'title' | 'id' | 'tags'>): string {
  // The project's title is empty and still takes its place in the path (a test keeps this in step).
  return ['', SPEC_FILE_TITLE, scenario.feature, `${scenario.title} [${scenario.id}]`]
    .concat(scenario.tags.map((tag) => `@${tag}`))
    .join(' ');
}

export interface GrepOptions {
  grep?: string;
  grepInvert?: string;
  /** `--pass-with-no-tests`: the user accepts an empty selection. */
  passWithNoTests: boolean;
}

/** --grep / -g and --grep-invert / -G as Playwright's command line reads them (the last one given wins). */
export function grepOptions(args: readonly string[]): GrepOptions {
  const options: GrepOptions = { passWithNoTests: false };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === '--') break;
    if (arg === '--pass-with-no-tests') options.passWithNoTests = true;
    const take = (long: string, short: string): string | undefined => {
      if (arg === long || arg === short) return args[++index];
      if (arg.startsWith(`${long}=`)) return arg.slice(long.length + 1);
      if (arg.startsWith(short) && !arg.startsWith('--') && arg.length > short.length)
        return arg.slice(short.length);
      return undefined;
    };
    const grep = take('--grep', '-g');
    if (grep !== undefined) options.grep = grep;
    const invert = take('--grep-invert', '-G');
    if (invert !== undefined) options.grepInvert = invert;
  }
  return options;
}

/** Playwright's reading of a --grep value: `/source/flags`, or the text as a case-insensitive expression. */
function playwrightRegExp(pattern: string, option: string): RegExp {
  try {
    const literal = /^\/(.*)\/([gi]*)$/.exec(pattern);
    return literal ? new RegExp(literal[1] as string, literal[2]) : new RegExp(pattern, 'gi');
  } catch (error) {
    throw new InputError('Invalid selection; nothing was sent', [
      {
        file: option,
        field: option,
        message: `'${pattern}' is not a regular expression: ${(error as Error).message}`,
      },
    ]);
  }
}

function matches(expression: RegExp, text: string): boolean {
  expression.lastIndex = 0;
  return expression.test(text);
}

/**
 * Checks the Playwright selection against the loaded scenarios before anything starts. A selection that
 * leaves no scenario is an InputError naming the pattern, how many scenarios it was tried on, and the closest
 * scenario ids, titles or tags. For a selection that does leave scenarios, returns notes on `@tags` the
 * pattern names that no scenario has (`@smoke|@certifcation` would silently run the smoke tests only).
 */
export function checkSelection(scenarios: readonly Scenario[], args: readonly string[]): string[] {
  const options = grepOptions(args);
  if (options.grep === undefined && options.grepInvert === undefined) return [];
  const grep = options.grep === undefined ? undefined : playwrightRegExp(options.grep, '--grep');
  const invert =
    options.grepInvert === undefined ? undefined : playwrightRegExp(options.grepInvert, '--grep-invert');
  const selected = scenarios.filter((scenario) => {
    const title = grepTitle(scenario);
    return (!invert || !matches(invert, title)) && (!grep || matches(grep, title));
  });
  const tags = [...new Set(scenarios.flatMap((s) => s.tags))].sort();
  const titles = scenarios.map(grepTitle);
  // A tag written in the pattern that no scenario's title path contains (`@smok` still selects @smoke).
  const unknownTags = [options.grep, options.grepInvert]
    .flatMap((pattern) => [...(pattern ?? '').matchAll(/@([a-z0-9][a-z0-9-]*)/gi)].map((m) => m[1] as string))
    .filter((tag) => !titles.some((title) => title.toLowerCase().includes(`@${tag.toLowerCase()}`)));
  const tagNotes = unknownTags.map(
    (tag) =>
      `no scenario has the tag @${tag}${suggestion(tag, tags)}; tags in use: ${tags.map((t) => `@${t}`).join(', ')}`,
  );
  if (selected.length > 0 || options.passWithNoTests || scenarios.length === 0)
    return tagNotes.map((note) => `Note: ${note}`);

  const option = options.grep === undefined ? '--grep-invert' : '--grep';
  const searched =
    options.grep === undefined
      ? `'${options.grepInvert}' excludes every one`
      : `'${options.grep}'${options.grepInvert === undefined ? '' : ` with --grep-invert '${options.grepInvert}'`} selects none`;
  const example = [...titles].sort((a, b) => a.length - b.length)[0]?.trim();
  const lines = [
    `${searched} of the ${scenarios.length} loaded scenario(s); Playwright matches it, case-insensitively, against each scenario's "<spec file> <feature> <title> [<id>] @<tags>", e.g. "${example}"`,
    ...tagNotes,
  ];
  const close = options.grep === undefined ? [] : closestScenarios(scenarios, [options.grep]);
  if (close.length > 0) lines.push(`closest scenario ids: ${foldList(close)}`);
  else lines.push(`scenario ids: ${foldList(scenarios.map((s) => s.id))}`);
  if (unknownTags.length === 0 && tags.length > 0)
    lines.push(`tags in use: ${tags.map((t) => `@${t}`).join(', ')}`);
  throw new InputError(
    'The selection matches no scenario; nothing was sent',
    lines.map((message) => ({ file: option, field: option, message })),
  );
}

function suggestion(name: string, candidates: readonly string[]): string {
  const close = closestAll(name, candidates);
  return close.length > 0 ? `; did you mean ${close.map((c) => `@${c}`).join(' or ')}?` : '';
}

/**
 * The scenarios whose id or title comes closest to containing what the pattern spells (its regular-expression
 * syntax stripped; each alternative of `a|b` on its own), best first, by id.
 */
function closestScenarios(scenarios: readonly Scenario[], patterns: readonly string[]): string[] {
  const needles = patterns
    .flatMap((pattern) => pattern.replace(/^\/(.*)\/[gi]*$/, '$1').split('|'))
    .map((part) =>
      part
        .replace(/\\(.)/g, '$1')
        .replace(/[\^$()[\]{}*+?]/g, '')
        .trim(),
    )
    .filter((needle) => needle.length >= 3);
  const ranked = scenarios
    .map((scenario) => {
      const distance = Math.min(
        ...needles.flatMap((needle) => [
          substringDistance(needle, scenario.id),
          substringDistance(needle, scenario.title),
        ]),
      );
      const tolerance = Math.max(1, Math.floor(Math.min(...needles.map((n) => n.length)) / 4));
      return { scenario, distance, tolerance };
    })
    .filter(({ distance, tolerance }) => distance <= tolerance)
    .sort((a, b) => a.distance - b.distance || a.scenario.id.localeCompare(b.scenario.id));
  return ranked.map(({ scenario }) => scenario.id);
}
