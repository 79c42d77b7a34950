import { describeProfileExpectations } from '../src/config/expectation-overrides.ts';
import { ANNOTATION } from '../src/record/run-record.ts';
import { withoutSuiteFrames } from '../src/report/failure-presentation.ts';
import { scenarioYaml } from '../src/report/scenario-source.ts';
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
        async ({ suite, transport, failFast, exchangeLog, redactor, report }, testInfo) => {
          const { evidence, hooks } = report;
          // Added at run time: Playwright's report shows them, the run record and Allure read them.
          testInfo.annotations.push(
            { type: ANNOTATION.scenario, description: scenario.id },
            { type: ANNOTATION.source, description: `${scenario.source.file}:${scenario.source.line}` },
          );
          // Labels first, so that a skipped scenario still sits in its feature in the report.
          await evidence.describe(scenario, suite.profile);
          const source = scenario.tags.includes('generated')
            ? undefined
            : scenarioYaml(scenario.source.file, scenario.id, redactor);
          if (scenario.fromProfile?.length) {
            const keys = scenario.fromProfile.map((p) => p.expectation).join(', ');
            await hooks.step(`Expectations from profile '${suite.profile.name}' (calibrated): ${keys}`, () =>
              hooks.attach(
                'expectations-from-profile.txt',
                'text/plain',
                redactor.text(describeProfileExpectations(scenario)),
              ),
            );
          }
          // Test data the target does not offer (an empty profile value): skipped, and the report says why.
          if (scenario.skipReason !== undefined) {
            if (source) await hooks.attach('scenario.yaml', 'text/yaml', source);
            const settings = scenario.enableWith ?? [];
            testInfo.annotations.push({ type: ANNOTATION.enableWith, description: settings.join(', ') });
            test.skip(true, scenario.skipReason);
          }
          // A dead target stopped the run: the remaining scenarios are not run (the CLI names the cause).
          const stop = failFast.stopped();
          test.skip(stop !== undefined, stop && `not run: ${describeStop(stop)}`);
          await runScenario(scenario, {
            profile: suite.profile,
            schemas: suite.schemas,
            transport,
            hooks,
            failFast,
            scenarioSource: source,
            exchangeLog,
          }).catch((error: unknown) => {
            throw withoutSuiteFrames(error);
          });
        },
      );
    }
  });
}
