// Allure 3 report configuration. `npm run conformance` generates the report with it (through
// src/report/allure-report.ts, which also evaluates the quality gate and puts the history where
// OICP_REPORTS_DIR / OICP_ALLURE_HISTORY say); `npx allure generate reports/allure-results --config
// allurerc.mjs` reads it too.

const FAILED = ['failed', 'broken'];

/**
 * Failure categories, in precedence order (a result lands in the first that matches). The suite files
 * each failed scenario under a `failureCategory` label (src/record/failure-category.ts: the category of
 * its first failed check, or of its error); the message patterns catch results written without it.
 * The names are the console summary's words.
 */
const failureCategory = (key, name, messages = []) => ({
  id: `oicp-${key}`,
  name,
  matchers: [
    { statuses: FAILED, labels: { failureCategory: `^${key}$` } },
    ...messages.map((message) => ({ statuses: FAILED, message })),
  ],
  groupBy: [{ label: 'feature' }],
  groupByMessage: false,
  expand: true,
});

const certification = (testResult) =>
  testResult.labels.some((label) => label.name === 'tag' && label.value === 'certification');

export default {
  name: 'OICP 2.3 eRoamingAuthorizeStart conformance',
  output: './reports/allure-report',
  // One JSON line per run, appended after each report: kept outside allure-results and allure-report,
  // which every run replaces. CI keeps this file between runs (see docs/ci.md, "Allure history in CI").
  historyPath: process.env.OICP_ALLURE_HISTORY || './reports/history/allure-history.jsonl',
  historyLimit: 60,
  categories: {
    rules: [
      failureCategory('configuration', 'Configuration error', [/^(?:RequestLintError|InputError)\b/]),
      failureCategory('transport', 'Transport error', [/^TransportError\b/]),
      failureCategory('status', 'Unexpected status / code'),
      failureCategory('schema', 'Schema violation'),
      failureCategory('protocol', 'Protocol rule'),
      failureCategory('field', 'Unexpected field value'),
      failureCategory('best-practice', 'Best practice'),
      {
        // Passed only because a profile setting relaxed an OICP rule (invalidRequests, hubjectDeviations):
        // before every other passed category, so that such a pass is never taken for a plain one.
        id: 'oicp-relaxed',
        name: 'Passed with an OICP rule relaxed by the profile',
        matchers: [{ statuses: ['passed'], labels: { relaxedRule: '.+' } }],
        groupBy: [{ label: 'relaxedRule' }],
        groupByMessage: false,
      },
      {
        // Passed scenarios with an expectation that is not an OICP rule (observed Hubject behaviour or an
        // assumption) the target did not meet: seen, never a failure, never against the quality gate.
        id: 'oicp-unconfirmed',
        name: 'Expectation not confirmed by this target',
        matchers: [{ statuses: ['passed'], labels: { unconfirmed: '.+' } }],
        groupBy: [{ label: 'unconfirmed' }],
        groupByMessage: false,
      },
      {
        id: 'oicp-advisories',
        name: 'Advisories (passed, best-practice findings)',
        matchers: [{ statuses: ['passed'], labels: { advisory: '.+' } }],
        groupBy: [{ label: 'advisory' }],
        groupByMessage: false,
      },
    ],
  },
  // The gate a certification run must pass: no failed `certification` scenario, and a run that ran
  // something. The conformance CLI evaluates it, shows it in the report and exits non-zero when it fails.
  qualityGate: {
    rules: [
      { id: 'certification', maxFailures: 0, filter: certification },
      { id: 'run', minTestsCount: 1 },
    ],
  },
  // Labels allure-playwright adds that tell a reader nothing: the language and test framework, the spec
  // file and Playwright's title path, the machine name and worker, the describe block (the feature again).
  // Hidden from the page; categories and the quality gate do not use them.
  hideLabels: ['language', 'framework', 'package', 'titlePath', 'host', 'thread', 'subSuite'],
  plugins: {
    awesome: {
      options: {
        reportName: 'OICP 2.3 eRoamingAuthorizeStart conformance',
        // One self-contained index.html that opens from disk, offline: the evidence a CPO sends. The
        // conformance CLI falls back to a folder for results too large for one file (src/report/allure-report.ts).
        singleFile: true,
        reportLanguage: 'en',
        groupBy: ['epic', 'feature', 'story'],
        // Failed checks (and advisories) open with their explanation; passed steps stay folded.
        stepTreeExpansion: 'expand_failed_only',
      },
    },
  },
};
