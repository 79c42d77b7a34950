import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { loadMockRegistry } from '../../mock/registry.ts';
import { DEFAULT_MOCK_REGISTRY } from '../../src/config/mock-registry-variables.ts';
import { projectRoot } from '../../src/paths.ts';
import { loadSuiteFresh } from '../../src/run/suite.ts';
import { runConformance, scenarioResults } from '../support/conformance-run.ts';
import { runBesideMockInProcess } from '../support/in-process-run.ts';
import { testPki } from '../support/pki.ts';
import { qaEnvironmentFromMockData } from '../support/qa-environment.ts';
import { expect, test } from '../support/test.ts';

// docs/scenarios.md "A new test card in one place", followed to the letter on copies: the registry snippet of
// the docs added to a copy of the embedded mock's registry, the scenario snippet written as a scenario file of
// its own. The real registry and catalogue are never touched.

/** The YAML block after `<!-- example: <name> -->` in docs/scenarios.md (its list indentation removed). */
function documentedExample(name: string): string {
  const docs = fs.readFileSync(path.join(projectRoot, 'docs', 'scenarios.md'), 'utf8');
  const match = new RegExp(`<!-- example: ${name} -->\\n( *)\`\`\`yaml\\n([\\s\\S]*?)\\n\\1\`\`\``).exec(
    docs,
  );
  if (!match) throw new Error(`docs/scenarios.md has no example '${name}'`);
  const indent = (match[1] as string).length;
  return (match[2] as string)
    .split('\n')
    .map((line) => line.slice(indent))
    .join('\n');
}

interface Entry {
  uid?: string;
  evcoId?: string;
  evseId?: string;
  operatorId?: string;
  variable?: string;
  variables?: Record<string, string>;
  outcome?: { status: string; providerId?: string };
}

/** The documented registry entries, by list (`rfidCards`, `contracts`). */
const documentedEntries = () => parse(documentedExample('new-card registry')) as Record<string, Entry[]>;

/**
 * A copy of the embedded mock's registry without anything the documented example would clash with (a user who
 * followed the docs literally has the same cards and variable names in the real registry already).
 */
function registryWithout(example: Record<string, Entry[]>): Record<string, Entry[]> {
  const registry = parse(fs.readFileSync(DEFAULT_MOCK_REGISTRY, 'utf8')) as Record<string, Entry[]>;
  const added = Object.values(example).flat();
  const ids = new Set(added.flatMap((e) => [e.uid, e.evcoId, e.evseId, e.operatorId]).filter(Boolean));
  const names = new Set(
    added.flatMap((e) => [e.variable, ...Object.values(e.variables ?? {})]).filter(Boolean),
  );
  const clashes = (e: Entry) =>
    [e.uid, e.evcoId, e.evseId, e.operatorId].some((id) => id !== undefined && ids.has(id)) ||
    [e.variable, ...Object.values(e.variables ?? {})].some((name) => name !== undefined && names.has(name));
  for (const list of ['rfidCards', 'contracts'])
    registry[list] = (registry[list] ?? []).filter((e) => !clashes(e));
  return registry;
}

function writeRegistry(dir: string, registry: Record<string, Entry[]>): string {
  const file = path.join(dir, 'registry.yaml');
  fs.writeFileSync(file, stringify(registry));
  return file;
}

/** Step 1 on a copy: the documented entries appended to the lists of the registry. */
function registryWithDocumentedCards(dir: string): string {
  const example = documentedEntries();
  const registry = registryWithout(example);
  for (const [list, entries] of Object.entries(example))
    registry[list] = [...(registry[list] ?? []), ...entries];
  return writeRegistry(dir, registry);
}

/** Step 2: the documented scenarios, in a file of their own; returns the file and the scenario ids. */
function documentedScenarios(dir: string): { file: string; ids: string[] } {
  const file = path.join(dir, 'my-fleet.yaml');
  const text = documentedExample('new-card scenarios');
  fs.writeFileSync(file, text);
  return { file, ids: (parse(text) as { scenarios: Array<{ id: string }> }).scenarios.map((s) => s.id) };
}

test('the documented steps add a card in one edit: the run starts the embedded mock with it and both scenarios pass', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-new-card-'));
  const registry = registryWithDocumentedCards(dir);
  const scenarios = documentedScenarios(dir);
  expect(scenarios.ids).toHaveLength(2);
  // Step 3: the embedded mock, started by the run (no OICP_BASE_URL), from the same registry as the profile.
  const run = await runConformance(
    { OICP_MOCK_REGISTRY: registry, OICP_SCENARIOS: scenarios.file },
    { recordOnly: true },
  );
  expect(run.exitCode, run.stdout + run.stderr).toBe(0);
  expect(
    scenarioResults(run)
      .map((r) => `${r.id} ${r.status}`)
      .sort(),
  ).toEqual(scenarios.ids.map((id) => `${id} passed`).sort());
  // Without OICP_MOCK_PORT the embedded mock takes a free port, never the old default 8787. No test binds a
  // fixed port: a run that fell back to 8787 would either show it here or, with 8787 held by someone else on
  // this machine, fail to start its mock; either way the test fails.
  const port = /target http:\/\/127\.0\.0\.1:(\d+) \(embedded mock\)/.exec(run.stdout)?.[1];
  expect(port, run.stdout).toBeDefined();
  expect(port).not.toBe('8787');
});

test('without the registry entry the card is unknown: the failure names the UID it sent and where to add it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-new-card-'));
  const example = documentedEntries();
  const [card] = example.rfidCards ?? [];
  if (!card?.uid || !card.variable) throw new Error('the documented example has no card with a variable');
  // The scenarios with the card's values written in, against a registry that does not have the cards.
  const registry = writeRegistry(dir, registryWithout(example));
  let text = documentedExample('new-card scenarios');
  for (const entry of example.rfidCards ?? []) {
    text = text.replaceAll(`{{${entry.variable}}}`, entry.uid ?? '');
    for (const name of Object.values(entry.variables ?? {}))
      text = text.replaceAll(`{{${name}}}`, entry.outcome?.providerId ?? '');
  }
  const file = path.join(dir, 'my-fleet.yaml');
  fs.writeFileSync(file, text);
  // The embedded mock with that registry, started here: the run has the settings of a run of the command
  // that started it (OICP_MOCK_REGISTRY, OICP_MOCK_PORT), its scenarios judged as the command's workers judge them.
  const run = await runBesideMockInProcess(
    { registry: loadMockRegistry(registry) },
    { OICP_MOCK_REGISTRY: registry, OICP_SCENARIOS: file },
  );
  expect(run.exitCode).toBe(1);
  const authorized = scenarioResults(run).find((r) => r.error.includes(`UID ${card.uid} `));
  expect(authorized?.status).toBe('failed');
  expect(authorized?.error).toContain(
    `The outcome depended on UID ${card.uid} (written in the scenario), EvseID DE*ABC*E1234567*1 ({{evseId}}), OperatorID DE*ABC ({{operatorId}})`,
  );
  expect(authorized?.error).toMatch(/registry\.yaml: add the one it lacks there/);
});

test('step 4: against the QA profile the new scenarios are skipped, naming the profile file that lacks the variables', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-new-card-'));
  const registry = registryWithDocumentedCards(dir);
  const pki = testPki();
  const { scenarios } = loadSuiteFresh({
    ...qaEnvironmentFromMockData(),
    OICP_CLIENT_PFX: pki.pfx,
    OICP_CLIENT_PASSPHRASE: pki.passphrase,
    OICP_MOCK_REGISTRY: registry,
    OICP_SCENARIOS: documentedScenarios(dir).file,
  });
  expect(scenarios).toHaveLength(2);
  // (Other tests may have fixture profiles of their own that define the same names: 'mock' is among those named.)
  for (const scenario of scenarios)
    expect(scenario.skipReason).toMatch(
      /^profile 'qa' has no variable \{\{\w+\}\}.* \(defined in profile .*'mock'.*; add it to data\/environments\/qa\.yaml\)$/,
    );
});
