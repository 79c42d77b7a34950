import { directRunRefusal } from '../../src/playwright/direct-run.ts';
import { INTERRUPTED_EXIT_CODE, interruptionSummary } from '../../src/run/interruption.ts';
import { expect, test } from '../support/test.ts';

const playwright = ['/usr/bin/node', '/project/node_modules/@playwright/test/cli.js'];

test('a direct `playwright test` is told the conformance command with the same options, its --config left out', () => {
  expect(directRunRefusal([...playwright, 'test'])).toContain('\n  npm run conformance\n');
  expect(
    directRunRefusal([...playwright, 'test', '--config', 'playwright.config.ts', '--grep', '@smoke']),
  ).toContain('\n  npm run conformance -- --grep @smoke\n');
  expect(
    directRunRefusal([...playwright, 'test', '-c', 'x.ts', '--config=y.ts', '--shard', '1/3']),
  ).toContain('\n  npm run conformance -- --shard 1/3\n');
  // Quoted the way a shell reads it back.
  expect(directRunRefusal([...playwright, 'test', '--grep', "EMP's refusals"])).toContain(
    `npm run conformance -- --grep 'EMP'\\''s refusals'`,
  );
  expect(directRunRefusal([...playwright, 'test'])).toContain('Nothing was run or written (exit code 2)');
});

test("an interrupted run's words count what ran, what the signal stopped and what never started", () => {
  const passed = { status: 'passed' };
  expect(INTERRUPTED_EXIT_CODE).toEqual({ SIGINT: 130, SIGTERM: 143 });
  expect(
    interruptionSummary('SIGTERM', {
      planned: 135,
      scenarios: [passed, passed, { status: 'failed' }],
      unfinished: ['a'],
    }),
  ).toBe(
    'interrupted by SIGTERM: 3 of 135 scenarios ran (1 stopped midway, 131 not started) — not a full run',
  );
  expect(
    interruptionSummary('SIGINT', { planned: 3, scenarios: [passed, { status: 'skipped' }], unfinished: [] }),
  ).toBe('interrupted by SIGINT: 1 of 3 scenarios ran (1 skipped, 1 not started) — not a full run');
  expect(interruptionSummary('SIGTERM', undefined)).toBe('interrupted by SIGTERM before any scenario ran');
  expect(interruptionSummary('SIGTERM', undefined, { forcedAfterMs: 20_000 })).toBe(
    'interrupted by SIGTERM: Playwright did not end within 20 s and was killed before it recorded what ran',
  );
});
