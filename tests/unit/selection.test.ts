import { InputError } from '../../src/input/errors.ts';
import { checkSelection, grepOptions } from '../../src/run/selection.ts';
import { loadScenarios, selectScenarioFiles } from '../../src/scenarios/load.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { expect, test } from '../support/test.ts';

// A selection that matches nothing says what it searched and what is close, instead of "No tests found".
// That the suite reads --grep as Playwright does is tests/e2e/selection.test.ts's (it asks Playwright itself).

const FIXTURE = 'tests/fixtures/scenarios/rfid.yaml';
const scenarios = loadScenarios(schemaRegistry(), FIXTURE);

function selectionError(args: string[]): string {
  try {
    checkSelection(scenarios, args);
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('expected the selection to be refused');
}

test('--grep and --grep-invert are read in every form Playwright accepts; the last one wins', () => {
  expect(grepOptions(['--grep', 'a', '-g', 'b'])).toMatchObject({ grep: 'b' });
  expect(grepOptions(['--grep=@smoke', '--workers', '2'])).toMatchObject({ grep: '@smoke' });
  expect(grepOptions(['-g@smoke', '-G', 'slow'])).toMatchObject({ grep: '@smoke', grepInvert: 'slow' });
  expect(grepOptions(['--grep-invert=x', '--pass-with-no-tests'])).toEqual({
    grepInvert: 'x',
    passWithNoTests: true,
  });
  expect(grepOptions(['--reporter', 'dot'])).toEqual({ passWithNoTests: false });
});

test('a --grep with a typo names the pattern, how many scenarios it was tried on, and the closest ids', () => {
  const message = selectionError(['--grep', 'fixture-rfid-unkown']);
  expect(message).toContain('The selection matches no scenario; nothing was sent');
  expect(message).toContain("--grep: 'fixture-rfid-unkown' selects none of the 3 loaded scenario(s)");
  expect(message).toContain('--grep: closest scenario ids: fixture-rfid-unknown-uid');
  expect(message).toContain('--grep: tags in use: @certification, @smoke');
});

test('a tag no scenario has is named with the closest tag; in a selection that still runs, it is a note', () => {
  expect(selectionError(['--grep', '@smkoe'])).toContain(
    '--grep: no scenario has the tag @smkoe; did you mean @smoke?; tags in use: @certification, @smoke',
  );
  expect(checkSelection(scenarios, ['--grep', '@smoke|@certifcation'])).toEqual([
    'Note: no scenario has the tag @certifcation; did you mean @certification?; tags in use: @certification, @smoke',
  ]);
  expect(checkSelection(scenarios, ['--grep', '@smoke'])).toEqual([]);
});

test('a --grep-invert that excludes everything, and a pattern that is no regular expression, are refused', () => {
  expect(selectionError(['-G', 'fixture'])).toContain(
    "--grep-invert: 'fixture' excludes every one of the 3 loaded scenario(s)",
  );
  expect(selectionError(['--grep', '(unclosed'])).toContain(
    "--grep: '(unclosed' is not a regular expression",
  );
  // The user said an empty selection is fine.
  expect(checkSelection(scenarios, ['--grep', 'nothing-like-it', '--pass-with-no-tests'])).toEqual([]);
});

test('long lists are folded', () => {
  const many = Array.from({ length: 9 }, (_v, index) => ({
    ...(scenarios[0] as (typeof scenarios)[number]),
    id: `fixture-many-${index}`,
  }));
  expect(() => checkSelection(many, ['--grep', 'zzzz'])).toThrow(
    /scenario ids: fixture-many-0, fixture-many-1, fixture-many-2, fixture-many-3, fixture-many-4, … and 4 more/,
  );
});

test('OICP_SCENARIOS naming no file suggests the closest scenario files', () => {
  expect(() => selectScenarioFiles('tests/fixtures/scenarios/rfid-cards.yaml')).toThrow(
    /'tests\/fixtures\/scenarios\/rfid-cards\.yaml' matches no \.yaml file; did you mean tests\/fixtures\/scenarios\/rfid\.yaml/,
  );
});
