import fs from 'node:fs';
import { parseVerdicts, type ScenarioVerdicts, VERDICTS_ATTACHMENT } from '../run/verdicts.ts';

interface Annotation {
  type: string;
  description?: string;
}
interface JsonResult {
  status: string;
  error?: { message?: string };
  attachments?: Array<{ name: string; body?: string }>;
  annotations?: Annotation[];
}
interface JsonSpec {
  title: string;
  tests: Array<{ results: JsonResult[]; annotations?: Annotation[] }>;
}
interface JsonSuite {
  specs?: JsonSpec[];
  suites?: JsonSuite[];
}
interface JsonReport {
  suites: JsonSuite[];
  stats: { expected: number; unexpected: number; skipped: number; flaky: number };
  errors?: Array<{ message?: string }>;
}

/** One scenario of a run, as Playwright's JSON report records its last attempt. */
export interface ScenarioRun {
  /** The test title: `<scenario title> [<id>]`. */
  specTitle: string;
  id: string;
  title: string;
  status: string;
  errorMessage?: string;
  /** Declared and run-time annotations (Playwright records the latter on the test and on the result). */
  annotations: Annotation[];
  verdicts?: ScenarioVerdicts;
}

export interface RunResults {
  scenarios: ScenarioRun[];
  stats: JsonReport['stats'];
  /** Errors outside any scenario (a worker crash, a broken spec). */
  errors: string[];
}

function specsOf(suite: JsonSuite): JsonSpec[] {
  return [...(suite.specs ?? []), ...(suite.suites ?? []).flatMap(specsOf)];
}

/** Reads Playwright's JSON report of a run (undefined when there is none): the one reader of that format. */
export function readRunResults(jsonReportFile: string): RunResults | undefined {
  if (!fs.existsSync(jsonReportFile)) return undefined;
  const report = JSON.parse(fs.readFileSync(jsonReportFile, 'utf8')) as JsonReport;
  const scenarios = report.suites.flatMap(specsOf).flatMap((spec) =>
    spec.tests.map((test): ScenarioRun => {
      const last = test.results.at(-1);
      const annotations = [...(test.annotations ?? []), ...(last?.annotations ?? [])];
      const titled = /^(.*) \[([^\]]+)\]$/.exec(spec.title);
      const body = last?.attachments?.find((a) => a.name === VERDICTS_ATTACHMENT)?.body;
      return {
        specTitle: spec.title,
        id: annotations.find((a) => a.type === 'scenario')?.description ?? titled?.[2] ?? spec.title,
        title: titled?.[1] ?? spec.title,
        status: last?.status ?? 'unknown',
        errorMessage: last?.error?.message,
        annotations,
        verdicts: body ? parseVerdicts(Buffer.from(body, 'base64').toString('utf8')) : undefined,
      };
    }),
  );
  return { scenarios, stats: report.stats, errors: (report.errors ?? []).map((e) => e.message ?? '') };
}
