import { InputError } from '../input/errors.ts';
import { basisTable, type ExpectationRecord, expectationsOf } from '../scenarios/basis.ts';
import { loadScenarios } from '../scenarios/load.ts';
import { SOURCES } from '../scenarios/statements.ts';
import { schemaRegistry } from '../schemas/registry.ts';
import type { CommandOutput } from './conformance-command.ts';

/**
 * `npm run catalogue:basis [-- --list | --rules [--json]]`: the expectations of the scenario files
 * (OICP_SCENARIOS of `env`, default the catalogue) counted by basis — rule, observed, assumption — and kind of
 * expectation. `--list` adds every expectation that is not a rule, with its citation; `--rules` lists every rule
 * expectation with the passage it cites, `--rules --json` as a JSON array of
 * `{ id, file, line, key, statement, source, section, quote }` so that anyone can check each quote against the
 * text. Returns the exit code: 0, or 2 when a scenario file is wrong. Nothing happens when this module is loaded.
 */
export function basis(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  output: CommandOutput = console,
): number {
  let scenarios: ReturnType<typeof loadScenarios>;
  try {
    scenarios = loadScenarios(schemaRegistry(), env.OICP_SCENARIOS);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    output.error(error.message);
    return 2;
  }
  const records = expectationsOf(scenarios);
  if (argv.includes('--rules')) {
    const rules = records.filter((r) => r.basis.kind === 'rule').map(ruleEntry);
    if (argv.includes('--json')) output.log(JSON.stringify(rules, null, 2));
    else
      for (const rule of rules)
        output.log(
          `${rule.file}:${rule.line} ${rule.id} · ${rule.key}\n    ${rule.source}, ${rule.section}: “${rule.quote}”`,
        );
    return 0;
  }
  output.log(`Expectations by basis: ${scenarios.length} scenario(s), ${records.length} expectation(s)\n`);
  output.log(basisTable(records));
  if (argv.includes('--list')) {
    for (const kind of ['observed', 'assumption'] as const) {
      output.log(`\n${kind}:`);
      for (const r of records.filter((record) => record.basis.kind === kind))
        output.log(`  ${r.scenario} · ${r.expectation}: ${r.expected}\n      ${r.basis.citation}`);
    }
  }
  return 0;
}

/** One rule expectation with where it is written and the passage it cites. */
function ruleEntry(record: ExpectationRecord) {
  const statement = record.basis.statement;
  return {
    id: record.scenario,
    file: record.basis.writtenAt?.file ?? '',
    line: record.basis.writtenAt?.line ?? 0,
    key: record.expectation,
    statement: statement?.id ?? '',
    source: statement ? SOURCES[statement.source].title : '',
    section: statement?.section ?? '',
    quote: statement?.quote ?? '',
  };
}
