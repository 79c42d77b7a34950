import fs from 'node:fs';
import path from 'node:path';
import { CHECKS } from '../src/checks/registry.ts';
import { RUN_CHECKS } from '../src/checks/run-level.ts';
import { loadProfile } from '../src/config/profile.ts';
import { requirementsMarkdown, statementCoverage } from '../src/coverage/requirements.ts';
import { generatedNegativeScenarios } from '../src/negatives/scenarios.ts';
import { projectRoot } from '../src/paths.ts';
import { loadScenarios } from '../src/scenarios/load.ts';
import { loadStatements } from '../src/scenarios/statements.ts';
import { schemaRegistry } from '../src/schemas/registry.ts';

/** docs/requirements.md from the statements, the shipped catalogue (with its generated cases) and the checks. */
const registry = schemaRegistry();
const profile = loadProfile(registry, { OICP_ENV: 'mock' });
const scenarios = [...loadScenarios(registry, undefined), ...generatedNegativeScenarios(registry, profile)];
const rows = statementCoverage(loadStatements(registry), scenarios, [...CHECKS, ...RUN_CHECKS]);
const file = path.join(projectRoot, 'docs', 'requirements.md');
fs.writeFileSync(file, `${requirementsMarkdown(rows)}\n`);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
