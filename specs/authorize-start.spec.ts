import { labelScenario } from '../src/report/allure-labels.ts';
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
      test(`${scenario.title} [${scenario.id}]`, {
        tag: scenario.tags.map((tag) => `@${tag}`),
        annotation: [
          { type: 'scenario', description: scenario.id },
          { type: 'source', description: `${scenario.source.file}:${scenario.source.line}` },
        ],
      }, async ({ suite, transport, hooks }) => {
        await labelScenario(scenario, suite.profile);
        await runScenario(scenario, { profile: suite.profile, schemas: suite.schemas, transport, hooks });
      });
    }
  });
}
