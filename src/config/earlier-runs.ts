import path from 'node:path';
import { readExchangeLog } from '../exchange/log-file.ts';
import { InputError, type InputProblem } from '../input/errors.ts';
import type { ReportPaths } from '../reports-folder/paths.ts';
import type { SchemaRegistry } from '../schemas/registry.ts';

type Env = Record<string, string | undefined>;

/** The run compares itself at its end with the earlier run this names (src/drift/run-comparison.ts). */
export const COMPARE_WITH = 'OICP_COMPARE_WITH';
/** The embedded mock answers from the earlier run this names (mock/replay.ts). */
const MOCK_REPLAY = 'OICP_MOCK_REPLAY';

/**
 * Before a run: the settings that name an earlier run (OICP_COMPARE_WITH, OICP_MOCK_REPLAY) must name a
 * readable exchange log — a reports folder or an exchanges.jsonl — and not this run's own folder, whose log
 * the run clears when it starts. Each problem is a configuration error (file, line, field), before anything
 * is sent. The replay's log is set to its absolute path for the mock the run starts.
 */
export function checkEarlierRunSettings(
  reports: ReportPaths,
  registry: SchemaRegistry,
  env: Env = process.env,
): void {
  const problems: InputProblem[] = [];
  for (const variable of [COMPARE_WITH, MOCK_REPLAY]) {
    const given = env[variable]?.trim();
    if (!given) continue;
    const problem = (message: string) => problems.push({ file: variable, field: variable, message });
    const resolved = path.resolve(given);
    if (resolved === reports.root || resolved === reports.exchangeLog) {
      problem(
        `'${given}' is this run's own reports folder, which the run clears when it starts: copy the earlier run's exchanges.jsonl elsewhere and name the copy, or give this run another OICP_REPORTS_DIR`,
      );
      continue;
    }
    try {
      const log = readExchangeLog(given, registry, `earlier run (${variable})`);
      if (variable === MOCK_REPLAY && log.records.length === 0)
        problem(`'${given}' holds no exchange to replay`);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems.map((p) => ({ ...p, message: `${variable}: ${p.message}` })));
      continue;
    }
    if (variable === MOCK_REPLAY) env[MOCK_REPLAY] = resolved;
  }
  if (env[MOCK_REPLAY]?.trim()) {
    const fault = env.OICP_MOCK_FAULT?.trim();
    if (fault && fault !== 'none')
      problems.push({
        file: MOCK_REPLAY,
        field: MOCK_REPLAY,
        message: `a replay answers as recorded: it cannot be combined with the fault mode OICP_MOCK_FAULT=${fault}`,
      });
    const timing = env.OICP_MOCK_REPLAY_TIMING?.trim();
    if (timing && timing !== 'recorded' && timing !== 'none')
      problems.push({
        file: 'OICP_MOCK_REPLAY_TIMING',
        field: 'OICP_MOCK_REPLAY_TIMING',
        message: `must be 'recorded' or 'none', got '${timing}'`,
      });
  }
  if (problems.length > 0) throw new InputError('Invalid configuration; nothing was sent', problems);
}
