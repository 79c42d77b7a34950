import type { Check } from '../checks/check.ts';

/**
 * docs/checks.md, rendered from the registry so that the documentation cannot drift from the code
 * (a test compares the file with this rendering; `npm run docs:checks` rewrites it).
 */
export function renderChecksDoc(checks: readonly Check[]): string {
  const rows = checks.map(
    (check) =>
      `| \`${check.name}\` | ${check.verdict} | ${check.category} | ${check.title} | ${check.source.replace(/\|/g, '\\|')} |`,
  );
  return `# Checks

Every answer is judged by the applicable checks of \`src/checks/registry.ts\`, in this order. A
**failure** is a contract violation and fails the scenario; an **advisory** is a best-practice finding
that is reported (Allure step, annotation, console count) and does not fail the run. Each failed check
states what was expected, what arrived, and where the rule comes from.

This file is generated from the registry: \`npm run docs:checks\`.

| check | verdict | category | rule | source |
|---|---|---|---|---|
${rows.join('\n')}
`;
}
