import type { Check } from '../checks/check.ts';
import { RUN_CHECKS, type RunCheck } from '../checks/run-level.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|');
const statementsCell = (ids: readonly string[] | undefined) =>
  ids && ids.length > 0 ? ids.map((id) => `\`${id}\``).join(', ') : '—';

/**
 * docs/checks.md, rendered from the registries so that the documentation cannot drift from the code
 * (a test compares the file with this rendering; `npm run docs:checks` rewrites it).
 */
export function renderChecksDoc(
  checks: readonly Check[],
  runChecks: readonly RunCheck[] = RUN_CHECKS,
): string {
  const rows = checks.map(
    (check) =>
      `| \`${check.name}\` | ${check.verdict} | ${check.category} | ${check.expectation ? `\`${check.expectation}\`` : '—'} | ${check.title} | ${cell(check.source)} | ${statementsCell(check.statements)} |`,
  );
  const runRows = runChecks.map(
    (check) =>
      `| \`${check.name}\` | ${check.verdict} | ${check.category} | ${check.title} | ${cell(check.source)} | ${statementsCell(check.statements)} |`,
  );
  return `# Checks

Every answer is judged by the applicable checks of \`src/checks/registry.ts\`, in this order. A
**failure** is a contract violation and fails the scenario; an **advisory** is a best-practice finding
that is reported (Allure step, annotation, console count) and does not fail the run. Each failed check
states what was expected, what arrived, and where the rule comes from.

The body checks (\`contentTypeIsJsonUtf8\`, \`bodyIsJson\`, \`bodyMatchesSchema\`) judge every answer as the
message the contract documents for the HTTP status that arrived, as a rule, whatever the scenario expected;
only on a status with no documented message do they judge the scenario's \`body\` expectation, on its basis.

A check that judges one of the scenario's expectations (column *expectation*) fails the scenario only
when that expectation's basis is an OICP rule; an unmet expectation that is observed Hubject behaviour or
an assumption is reported as *not confirmed by this target* and does not fail it
([scenarios.md](scenarios.md#where-an-expectation-comes-from)). A finding that is a known Hubject deviation
(docs/errata.md E-15 to E-17) is an advisory marked "Hubject deviation E-nn" in a profile that lists it
under \`hubjectDeviations\` (the \`qa\` profile), and a failure everywhere else.

The column *OICP statements* names the statements of Hubject's published contract a check enforces (ids of
\`data/oicp/statements.yaml\`, listed with their quotes in [requirements.md](requirements.md)); a failure
check without an expectation always names at least one.

This file is generated from the registries: \`npm run docs:checks\`.

| check | verdict | category | expectation | rule | source | OICP statements |
|---|---|---|---|---|---|---|
${rows.join('\n')}

## Run-level checks

What no single scenario can see: judged once after every scenario has run (\`src/checks/run-level.ts\`), from
the answer summary each scenario's \`verdicts.json\` records. A failed run-level check fails the run (exit
code 1); the console prints the result, \`run-checks.json\` keeps it, and the Allure report shows it as the
test *Run-level checks* with one step per check.

| check | verdict | category | rule | source | OICP statements |
|---|---|---|---|---|---|
${runRows.join('\n')}
`;
}
