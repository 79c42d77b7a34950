import { FAILURE_CATEGORIES, type FailureCategory } from '../record/failure-category.ts';
import type { ScenarioRecord } from '../record/run-record.ts';

/**
 * JUnit XML for CI test tabs, written from the run record. A failed check is a contract violation, a
 * `<failure>` with its expected/received; only a scenario that stopped before its checks could judge an
 * answer (no answer: connection, TLS, DNS; a configuration or scenario error; a fault of the suite) is an
 * `<error>`. Playwright's own JUnit reporter files every non-expect() error as an error, so a target that
 * breaks the contract would read like a crashed test.
 */
export interface JunitOptions {
  name: string;
  /** When the run started (ISO 8601). */
  timestamp?: string;
}

function escapeXml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // Characters XML 1.0 cannot carry at all (control characters from a binary answer).
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters being removed.
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
  );
}

const attribute = (name: string, value: string | number) => `${name}="${escapeXml(String(value))}"`;
const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** How a scenario reads in JUnit. */
export type JunitOutcome = 'passed' | 'failure' | 'error' | 'skipped';

export function junitOutcome(scenario: ScenarioRecord): JunitOutcome {
  if (scenario.status === 'passed') return 'passed';
  if (scenario.status === 'skipped') return 'skipped';
  return (scenario.verdicts?.failed.length ?? 0) > 0 ? 'failure' : 'error';
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  );
}

function categoryTitle(key: string | undefined): string | undefined {
  return key && Object.hasOwn(FAILURE_CATEGORIES, key)
    ? FAILURE_CATEGORIES[key as FailureCategory].title
    : undefined;
}

function testcase(scenario: ScenarioRecord): string {
  const open = `    <testcase ${[
    attribute('name', `${scenario.title} [${scenario.id}]`),
    attribute('classname', scenario.feature),
    attribute('time', seconds(scenario.durationMs)),
  ].join(' ')}>`;
  const body: string[] = [];
  const properties = [
    `      <property ${attribute('name', 'scenario')} ${attribute('value', scenario.id)}/>`,
    ...(scenario.source
      ? [`      <property ${attribute('name', 'source')} ${attribute('value', scenario.source)}/>`]
      : []),
    ...scenario.advisories.map(
      (finding) => `      <property ${attribute('name', 'advisory')} ${attribute('value', finding)}/>`,
    ),
  ];
  body.push('    <properties>', ...properties, '    </properties>');
  const outcome = junitOutcome(scenario);
  const category = categoryTitle(scenario.category);
  if (outcome === 'failure') {
    const failed = scenario.verdicts?.failed ?? [];
    const first = failed[0];
    const message = first
      ? `${first.check}: expected ${first.expected}, received ${first.received}${failed.length > 1 ? ` (+${failed.length - 1} more)` : ''}`
      : '';
    const text = failed
      .map((f) => `${f.check}\n  expected: ${f.expected}\n  received: ${f.received}\n  rule: ${f.rule}`)
      .join('\n\n');
    body.push(
      `      <failure ${attribute('message', message)} ${attribute('type', category ?? 'CheckFailure')}>${escapeXml(text)}</failure>`,
    );
  } else if (outcome === 'error') {
    const error = scenario.error ?? '';
    const text = scenario.stack ?? error;
    body.push(
      `      <error ${attribute('message', firstLine(error))} ${attribute('type', category ?? 'Error')}>${escapeXml(text)}</error>`,
    );
  } else if (outcome === 'skipped') {
    body.push(`      <skipped ${attribute('message', scenario.skipReason ?? 'skipped')}/>`);
  }
  if (scenario.advisories.length > 0)
    body.push(
      `      <system-out>${escapeXml(scenario.advisories.map((a) => `advisory: ${a}`).join('\n'))}</system-out>`,
    );
  return [open, ...body, '    </testcase>'].join('\n');
}

export function junitXml(scenarios: readonly ScenarioRecord[], options: JunitOptions): string {
  const count = (list: readonly ScenarioRecord[], outcome: JunitOutcome) =>
    list.filter((s) => junitOutcome(s) === outcome).length;
  const totals = (list: readonly ScenarioRecord[]) =>
    [
      attribute('tests', list.length),
      attribute('failures', count(list, 'failure')),
      attribute('errors', count(list, 'error')),
      attribute('skipped', count(list, 'skipped')),
      attribute('time', seconds(list.reduce((sum, s) => sum + s.durationMs, 0))),
    ].join(' ');
  const features = [...new Set(scenarios.map((s) => s.feature))];
  const suites = features.map((feature) => {
    const members = scenarios.filter((s) => s.feature === feature);
    return [
      `  <testsuite ${attribute('name', feature)} ${totals(members)}${options.timestamp ? ` ${attribute('timestamp', options.timestamp)}` : ''}>`,
      ...members.map(testcase),
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attribute('name', options.name)} ${totals(scenarios)}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
