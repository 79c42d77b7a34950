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
        async ({ suite, transport, hooks, evidence }, testInfo) => {
          // Test data the target does not offer (an empty profile value): skipped, and the report says why.
          test.skip(scenario.skipReason !== undefined, scenario.skipReason);
          // Added at run time: Playwright's report shows them, the Allure report takes them from labels.
          testInfo.annotations.push(
            { type: 'scenario', description: scenario.id },
            { type: 'source', description: `${scenario.source.file}:${scenario.source.line}` },
          );
          await evidence.describe(scenario, suite.profile);
          await runScenario(scenario, { profile: suite.profile, schemas: suite.schemas, transport, hooks });
        },
      );
    }
  });
}
