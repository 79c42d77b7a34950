import { describeStop } from '../src/run/fail-fast.ts';
import { runScenario } from '../src/run/scenario-runner.ts';
import { loadSuite } from '../src/run/suite.ts';
import { test } from './fixtures.ts';

// Scenario files are data: each scenario becomes one test. A broken file fails here, at collection,
// with its file and line, before any request is sent.
const { scenarios } = loadSuite();

const features = [...new Set(scenarios.map((s) => s.feature))];
for (const feature of features) {
  test.describe(feature, () => {
    for (const scenario of scenarios.filter((s) => s.feature === feature)) {
      test(
        `${scenario.title} [${scenario.id}]`,
        {
          tag: scenario.tags.map((tag) => `@${tag}`),
        },
        async ({ suite, transport, failFast, hooks, evidence }, testInfo) => {
          // Added first, so that a skipped scenario is reported in its feature with its id, like any other.
          // At run time: Playwright's report shows them, the Allure report takes them from labels.
          testInfo.annotations.push(
            { type: 'scenario', description: scenario.id },
            { type: 'source', description: `${scenario.source.file}:${scenario.source.line}` },
          );
          await evidence.describe(scenario, suite.profile);
          // Test data the target does not offer (an empty profile value): skipped, and the report says why.
          test.skip(scenario.skipReason !== undefined, scenario.skipReason);
          // A dead target stopped the run: the remaining scenarios are not run (the CLI names the cause).
          const stop = failFast.stopped();
          test.skip(stop !== undefined, stop && `not run: ${describeStop(stop)}`);
          await runScenario(scenario, {
            profile: suite.profile,
            schemas: suite.schemas,
            transport,
            hooks,
            failFast,
          });
        },
      );
    }
  });
}
