import { InputError } from '../input/errors.ts';
import { basisTable, expectationsOf } from '../scenarios/basis.ts';
import { loadScenarios } from '../scenarios/load.ts';
import { schemaRegistry } from '../schemas/registry.ts';

/**
 * `npm run catalogue:basis [-- --list]`: the expectations of the scenario files (OICP_SCENARIOS, default the
 * catalogue) counted by basis — rule, observed, assumption — and kind of expectation; `--list` adds every
 * expectation that is not a rule, with its citation. Exit code 2 when a scenario file is wrong.
 */
function main(args: string[]): number {
  let scenarios: ReturnType<typeof loadScenarios>;
  try {
    scenarios = loadScenarios(schemaRegistry(), process.env.OICP_SCENARIOS);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    console.error(error.message);
    return 2;
  }
  const records = expectationsOf(scenarios);
  const unstated = records.filter((r) => !r.basis.stated).length;
  console.log(`Expectations by basis: ${scenarios.length} scenario(s), ${records.length} expectation(s)\n`);
  console.log(basisTable(records));
  if (unstated > 0)
    console.log(`\n${unstated} expectation(s) state no basis and count as rules (docs/scenarios.md).`);
  if (args.includes('--list')) {
    for (const kind of ['observed', 'assumption'] as const) {
      console.log(`\n${kind}:`);
      for (const r of records.filter((record) => record.basis.kind === kind))
        console.log(`  ${r.scenario} · ${r.expectation}: ${r.expected}\n      ${r.basis.citation}`);
    }
  }
  return 0;
}

process.exit(main(process.argv.slice(2)));
