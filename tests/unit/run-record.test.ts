import { keepingRunReporter, RUN_REPORTER } from '../../src/playwright/run-reporter.ts';
import {
  type FinishedTest,
  runTotals,
  type ScenarioRecord,
  scenarioRecord,
} from '../../src/record/run-record.ts';
import { junitOutcome, junitXml } from '../../src/report/junit.ts';
import { expect, test } from '../support/test.ts';

// What the suite's reporter records of each test, and the JUnit it writes from that record.

const verdicts = {
  scenario: 'rfid-unknown',
  failed: [
    {
      check: 'authorizationStatusAsExpected',
      category: 'status',
      expected: 'AuthorizationStatus "NotAuthorized"',
      received: 'AuthorizationStatus "Authorized"',
      rule: 'the scenario expectation (OICP 2.3 eRoamingAuthorizationStart.AuthorizationStatus)',
    },
  ],
  advisories: [],
  unconfirmed: [],
  passed: ['httpStatusAsExpected'],
  notApplicable: [],
};

function finished(overrides: Partial<FinishedTest> = {}): FinishedTest {
  return {
    title: 'An RFID card no EMP knows is refused [rfid-unknown]',
    feature: 'RFID (Mifare family)',
    status: 'failed',
    durationMs: 12.4,
    annotations: [
      { type: 'scenario', description: 'rfid-unknown' },
      { type: 'source', description: 'data/scenarios/my-fleet/cards.yaml:26' },
      { type: 'failure-category', description: 'status' },
    ],
    attachments: [{ name: 'verdicts.json', body: Buffer.from(JSON.stringify(verdicts)) }],
    error: {
      message: '\u001b[31mScenarioFailed: 1 check(s) failed: authorizationStatusAsExpected\u001b[39m',
      stack: 'ScenarioFailed: 1 check(s) failed\n    at runScenario (src/run/scenario-runner.ts:1:1)',
    },
    ...overrides,
  };
}

test('a failed scenario is recorded with its id, title, feature, category, verdicts and plain error; no stack', () => {
  const record = scenarioRecord(finished());
  expect(record).toMatchObject({
    id: 'rfid-unknown',
    title: 'An RFID card no EMP knows is refused',
    feature: 'RFID (Mifare family)',
    source: 'data/scenarios/my-fleet/cards.yaml:26',
    status: 'failed',
    durationMs: 12,
    category: 'status',
    error: 'ScenarioFailed: 1 check(s) failed: authorizationStatusAsExpected',
    advisories: [],
  });
  expect(record.verdicts?.failed[0]?.check).toBe('authorizationStatusAsExpected');
  expect(record.stack).toBeUndefined();
});

test('a fault of the suite keeps its stack; a skipped scenario its reason and the settings that enable it', () => {
  const fault = scenarioRecord(
    finished({
      annotations: [{ type: 'scenario', description: 'rfid-unknown' }],
      attachments: [],
      error: {
        message: 'TypeError: x is undefined',
        stack: 'TypeError: x is undefined\n    at f (a.ts:1:1)',
      },
    }),
  );
  expect(fault.category).toBeUndefined();
  expect(fault.stack).toContain('at f (a.ts:1:1)');

  const skipped = scenarioRecord(
    finished({
      status: 'skipped',
      attachments: [],
      error: undefined,
      annotations: [
        { type: 'scenario', description: 'evse-out-of-service' },
        { type: 'enable-with', description: 'OICP_QA_A, OICP_QA_B' },
        {
          type: 'skip',
          description: "profile 'qa' has no test data for {{a}}, {{b}} (set OICP_QA_A, OICP_QA_B)",
        },
      ],
    }),
  );
  expect(skipped).toMatchObject({
    id: 'evse-out-of-service',
    status: 'skipped',
    enableWith: ['OICP_QA_A', 'OICP_QA_B'],
    skipReason: "profile 'qa' has no test data for {{a}}, {{b}} (set OICP_QA_A, OICP_QA_B)",
  });
  expect(skipped.error).toBeUndefined();

  // Advisories: one per finding, even when Playwright reports the annotation on the test and the result.
  const advisory = {
    type: 'advisory',
    description: 'requestCarriesEvseId: expected an EvseID, received (absent)',
  };
  const passed = scenarioRecord(
    finished({ status: 'passed', error: undefined, annotations: [advisory, advisory], attachments: [] }),
  );
  expect(passed.advisories).toEqual([advisory.description]);
  expect(passed.id).toBe('rfid-unknown'); // from the title when the annotation is missing
  expect(runTotals([fault, skipped, passed])).toEqual({ passed: 1, failed: 1, skipped: 1 });
});

function scenario(overrides: Partial<ScenarioRecord> & { id: string }): ScenarioRecord {
  return {
    title: `Title of ${overrides.id}`,
    feature: 'RFID <cards> & "friends"',
    status: 'passed',
    durationMs: 1500,
    advisories: [],
    ...overrides,
  };
}

test('JUnit: a failed check is a <failure> with expected and received; transport, configuration and suite faults are <error>', () => {
  const scenarios = [
    scenario({
      id: 'ok',
      advisories: ['processIdCaptured: expected a Process-ID header, received (absent)'],
    }),
    scenario({ id: 'violation', status: 'failed', category: 'status', verdicts }),
    scenario({
      id: 'unreachable',
      status: 'failed',
      category: 'transport',
      error: 'TransportError: POST http://127.0.0.1:9/x failed: ECONNREFUSED',
    }),
    scenario({
      id: 'lint',
      status: 'failed',
      category: 'configuration',
      error: 'RequestLintError: x sends …',
    }),
    scenario({ id: 'timeout', status: 'timedOut', error: 'Test timeout of 40000ms exceeded.' }),
    scenario({ id: 'skipped', status: 'skipped', skipReason: 'set OICP_QA_X' }),
  ];
  expect(scenarios.map(junitOutcome)).toEqual(['passed', 'failure', 'error', 'error', 'error', 'skipped']);
  const xml = junitXml(scenarios, { name: 'OICP', timestamp: '2026-01-01T00:00:00.000Z' });
  // Well-formed, with the counts CI tabs show.
  const document = parseXml(xml);
  expect(document.root).toMatchObject({ tests: '6', failures: '1', errors: '3', skipped: '1' });
  expect(xml).toContain('<testsuite name="RFID &lt;cards&gt; &amp; &quot;friends&quot;"');
  expect(xml).toContain(
    '<failure message="authorizationStatusAsExpected: expected AuthorizationStatus &quot;NotAuthorized&quot;, received AuthorizationStatus &quot;Authorized&quot;" type="Unexpected status / code">',
  );
  expect(xml).toContain('  received: AuthorizationStatus &quot;Authorized&quot;');
  expect(xml).toContain(
    '<error message="TransportError: POST http://127.0.0.1:9/x failed: ECONNREFUSED" type="Transport error">',
  );
  expect(xml).toContain('<error message="RequestLintError: x sends …" type="Configuration error">');
  expect(xml).toContain('<skipped message="set OICP_QA_X"/>');
  expect(xml).toContain('<property name="advisory" value="processIdCaptured: expected a Process-ID header');
  expect(xml).toContain('time="1.500"');
  expect(document.testcases).toBe(6);
});

test('JUnit stays well-formed whatever an answer quoted: control characters and markup are escaped', () => {
  const nasty = scenario({
    id: 'nasty',
    status: 'failed',
    category: 'schema',
    verdicts: {
      ...verdicts,
      failed: [
        { ...(verdicts.failed[0] as (typeof verdicts.failed)[0]), received: '"\u0001</failure><x>&"' },
      ],
    },
  });
  const xml = junitXml([nasty], { name: 'OICP' });
  expect(xml).not.toContain('\u0001');
  expect(xml).not.toContain('</failure><x>');
  expect(parseXml(xml).root.failures).toBe('1');
});

/** A minimal check that the XML nests and closes properly, and the root's attributes. */
function parseXml(xml: string): { root: Record<string, string>; testcases: number } {
  const stack: string[] = [];
  let testcases = 0;
  let root: Record<string, string> = {};
  for (const match of xml.matchAll(/<(\/?)([a-z-]+)([^>]*?)(\/?)>/g)) {
    const [, closing, name, attributes, selfClosing] = match as unknown as string[];
    if (closing) {
      expect(stack.pop()).toBe(name);
      continue;
    }
    if (name === 'testsuites')
      root = Object.fromEntries(
        [...(attributes ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
      );
    if (name === 'testcase') testcases++;
    if (!selfClosing) stack.push(name as string);
  }
  expect(stack).toEqual([]);
  return { root, testcases };
}

test('a --reporter on the command line keeps the suite’s own reporter beside the ones asked for', () => {
  expect(keepingRunReporter(['--grep', '@smoke'])).toEqual(['--grep', '@smoke']);
  expect(keepingRunReporter(['--reporter=dot'])).toEqual([`--reporter=dot,${RUN_REPORTER}`]);
  expect(keepingRunReporter(['--reporter', 'line', '-x'])).toEqual([
    '--reporter',
    `line,${RUN_REPORTER}`,
    '-x',
  ]);
  expect(keepingRunReporter([`--reporter=json,${RUN_REPORTER}`])).toEqual([
    `--reporter=json,${RUN_REPORTER}`,
  ]);
});
