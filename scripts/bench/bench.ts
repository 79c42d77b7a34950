import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startMock } from '../../mock/server.ts';
import { loadProfile } from '../../src/config/profile.ts';
import { projectRoot } from '../../src/paths.ts';
import { readRunRecord } from '../../src/record/run-record.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';

/**
 * `npm run bench [-- --n 300 --small 20 --runs 5 --newman]`: what a run costs. Generates N AuthorizeStart
 * scenarios in the catalogue's format (half known RFID cards expecting Authorized/000, half unknown cards
 * expecting NotAuthorized/102) and runs them against the embedded mock as a user would (`npm run
 * conformance`, reports on), alternating with a plain-Playwright baseline doing the same exchanges and
 * schema validation (scripts/bench/baseline.spec.ts) and, with --newman, Newman 6.2. Each tool also runs a
 * small set, so that the fixed cost and the marginal cost per scenario can be told apart. Prints medians.
 * A benchmark, never a timed assertion: `npm test` runs it with a tiny N only to prove it works.
 */

const { values: options } = parseArgs({
  options: {
    n: { type: 'string', default: '300' },
    small: { type: 'string', default: '20' },
    runs: { type: 'string', default: '5' },
    newman: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const N = Number(options.n);
const SMALL = Math.min(Number(options.small), N);
const RUNS = Number(options.runs);
if (![N, SMALL, RUNS].every((v) => Number.isInteger(v) && v > 0)) {
  console.error('--n, --small and --runs take positive whole numbers');
  process.exit(2);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-bench-'));
const variables = loadProfile(schemaRegistry(), {}).variables;

interface BenchExchange {
  id: string;
  operatorId: string;
  body: unknown;
  authorizationStatus: string;
  statusCode: string;
}

/** N scenarios in the catalogue's format, and the same exchanges resolved for the baselines. */
function generate(n: number): { scenarios: string; exchanges: string; list: BenchExchange[] } {
  const dir = path.join(work, `n${n}`);
  fs.mkdirSync(dir, { recursive: true });
  const lines = [
    'feature: Benchmark',
    'basis: { rule: { statement: broadcast-one-authorizes } }',
    'scenarios:',
  ];
  const list: BenchExchange[] = [];
  for (let i = 0; i < n; i++) {
    const known = i % 2 === 0;
    const id = `bench-${known ? 'known' : 'unknown'}-card-${i}`;
    lines.push(
      `  - id: ${id}`,
      `    title: Benchmark exchange ${i} (${known ? 'a known card is authorized' : 'an unknown card is refused'})`,
      '    request:',
      '      operatorId: "{{operatorId}}"',
      '      body:',
      '        OperatorID: "{{operatorId}}"',
      '        EvseID: "{{evseId}}"',
      `        Identification: { RFIDMifareFamilyIdentification: { UID: "{{${known ? 'authorizedUid' : 'unknownUid'}}}" } }`,
      '    expect:',
      '      status: 200',
      `      authorizationStatus: ${known ? 'Authorized' : 'NotAuthorized'}`,
      `      statusCode: "${known ? '000' : '102'}"`,
    );
    list.push({
      id,
      operatorId: variables.operatorId as string,
      body: {
        OperatorID: variables.operatorId,
        EvseID: variables.evseId,
        Identification: {
          RFIDMifareFamilyIdentification: { UID: known ? variables.authorizedUid : variables.unknownUid },
        },
      },
      authorizationStatus: known ? 'Authorized' : 'NotAuthorized',
      statusCode: known ? '000' : '102',
    });
  }
  fs.writeFileSync(path.join(dir, 'bench.yaml'), `${lines.join('\n')}\n`);
  const exchanges = path.join(dir, 'exchanges.json');
  fs.writeFileSync(exchanges, JSON.stringify(list));
  return { scenarios: dir, exchanges, list };
}

/**
 * Resident memory of a process and all its descendants, from /proc (0 where /proc is not readable): the sum,
 * and the largest single process (what `time -v` reports as maximum resident set size).
 */
function treeRss(root: number): { total: number; largest: number } {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return { total: 0, largest: 0 };
  }
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const pid of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      rss.set(Number(pid), Number(fields[21]) * 4096);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(pid)]);
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  let largest = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    total += rss.get(pid) ?? 0;
    largest = Math.max(largest, rss.get(pid) ?? 0);
    stack.push(...(children.get(pid) ?? []));
  }
  return { total, largest };
}

interface Measurement {
  wallMs: number;
  /** The peak of the whole process tree's resident memory (shared pages counted in each process). */
  peakRssBytes: number;
  /** The peak resident memory of the largest single process of the tree. */
  largestProcessBytes: number;
  exitCode: number;
  output: string;
}

function measure(command: string, args: string[], env: Record<string, string>): Promise<Measurement> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child: ChildProcess = spawn(command, args, {
      cwd: projectRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    let peak = 0;
    let largest = 0;
    const poll = setInterval(() => {
      if (!child.pid) return;
      const rss = treeRss(child.pid);
      peak = Math.max(peak, rss.total);
      largest = Math.max(largest, rss.largest);
    }, 100);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({
        wallMs: performance.now() - started,
        peakRssBytes: peak,
        largestProcessBytes: largest,
        exitCode: code ?? -1,
        output,
      });
    });
  });
}

function folderBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const full = path.join(dir, entry.name);
    return sum + (entry.isDirectory() ? folderBytes(full) : fs.statSync(full).size);
  }, 0);
}

interface SuiteRun extends Measurement {
  /** From the last test's end (the run record's finishedAt) to the end of the process. */
  afterLastTestMs: number;
  reportBytes: number;
}

async function runSuite(scenarios: string, n: number): Promise<SuiteRun> {
  const reports = path.join(work, `suite-reports-${n}`);
  fs.rmSync(reports, { recursive: true, force: true });
  const run = await measure('npm', ['run', 'conformance'], {
    OICP_SCENARIOS: scenarios,
    OICP_REPORTS_DIR: reports,
    OICP_SETTINGS_FILE: 'none',
  });
  const endedAt = Date.now();
  const record = readRunRecord(reports);
  if (run.exitCode !== 0 || !record || record.scenarios.length !== n)
    throw new Error(`the suite's run of ${n} scenarios did not pass:\n${run.output.slice(-3000)}`);
  return {
    ...run,
    afterLastTestMs: Math.max(0, endedAt - Date.parse(record.finishedAt)),
    reportBytes: folderBytes(reports),
  };
}

async function runBaseline(exchanges: string, n: number): Promise<Measurement> {
  const port = String(await freePort());
  const run = await measure(
    process.execPath,
    [require_resolve('@playwright/test/cli'), 'test', '--config', 'scripts/bench/baseline.config.ts'],
    {
      BENCH_EXCHANGES: exchanges,
      BENCH_BASE_URL: `http://127.0.0.1:${port}`,
      BENCH_PORT: port,
      BENCH_OUTPUT: work,
    },
  );
  if (run.exitCode !== 0 || !new RegExp(`${n} passed`).test(run.output))
    throw new Error(`the baseline's run of ${n} exchanges did not pass:\n${run.output.slice(-3000)}`);
  return run;
}

/** A Postman collection of the same exchanges, each answer checked against the answer schema and its outcome. */
function newmanCollection(list: BenchExchange[], baseUrl: string): string {
  const schemaDir = path.join(projectRoot, 'schemas', 'oicp');
  // Newman's jsonSchema assertion takes one schema: the answer schema with its references inlined.
  const documents = new Map(
    fs
      .readdirSync(schemaDir)
      .map((file) => [file, JSON.parse(fs.readFileSync(path.join(schemaDir, file), 'utf8'))]),
  );
  const inline = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(inline);
    if (!node || typeof node !== 'object') return node;
    const object = node as Record<string, unknown>;
    if (typeof object.$ref === 'string' && documents.has(object.$ref))
      return inline(documents.get(object.$ref));
    return Object.fromEntries(
      Object.entries(object)
        .filter(([key]) => key !== '$id' && key !== '$schema')
        .map(([key, value]) => [key, inline(value)]),
    );
  };
  const schema = JSON.stringify(inline(documents.get('eRoamingAuthorizationStart.schema.json')));
  const file = path.join(work, `newman-${list.length}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({
      info: {
        name: 'OICP AuthorizeStart benchmark',
        schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
      },
      item: list.map((exchange) => ({
        name: exchange.id,
        request: {
          method: 'POST',
          header: [{ key: 'Content-Type', value: 'application/json' }],
          url: `${baseUrl}/api/oicp/charging/v21/operators/${encodeURIComponent(exchange.operatorId)}/authorize/start`,
          body: { mode: 'raw', raw: JSON.stringify(exchange.body) },
        },
        event: [
          {
            listen: 'test',
            script: {
              exec: [
                `const schema = ${schema};`,
                "pm.test('status', () => pm.response.to.have.status(200));",
                "pm.test('schema', () => pm.response.to.have.jsonSchema(schema));",
                `pm.test('outcome', () => { const b = pm.response.json(); pm.expect(b.AuthorizationStatus).to.eql(${JSON.stringify(exchange.authorizationStatus)}); pm.expect(b.StatusCode.Code).to.eql(${JSON.stringify(exchange.statusCode)}); });`,
              ],
            },
          },
        ],
      })),
    }),
  );
  return file;
}

async function runNewman(list: BenchExchange[]): Promise<Measurement> {
  const mock = await startMock({ port: 0 });
  try {
    const collection = newmanCollection(list, mock.url);
    const run = await measure(
      'npx',
      ['--yes', 'newman@6.2.2', 'run', collection, '--reporters', 'cli', '--color', 'off'],
      {},
    );
    if (run.exitCode !== 0) throw new Error(`newman did not pass:\n${run.output.slice(-3000)}`);
    // The mock runs in this process: count its requests, not newman's word for them.
    if (mock.requestCount() !== list.length)
      throw new Error(`newman sent ${mock.requestCount()} requests, not ${list.length}`);
    return run;
  } finally {
    await mock.close();
  }
}

function freePort(): Promise<number> {
  return import('node:net').then(
    ({ createServer }) =>
      new Promise<number>((resolve) => {
        const server = createServer();
        server.listen(0, '127.0.0.1', () => {
          const { port } = server.address() as { port: number };
          server.close(() => resolve(port));
        });
      }),
  );
}

function require_resolve(specifier: string): string {
  return import.meta.resolve(specifier).replace(/^file:\/\//, '');
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const big = generate(N);
  const small = generate(SMALL);
  const tools = ['suite', 'baseline', ...(options.newman ? ['newman'] : [])] as const;
  const results: Record<string, { big: Measurement[]; small: Measurement[] }> = {};
  for (const tool of tools) results[tool] = { big: [], small: [] };
  console.log(
    `Benchmark: ${N} and ${SMALL} scenarios, ${RUNS} alternating run(s) per tool, ${os.availableParallelism()} core(s)`,
  );
  for (let run = 1; run <= RUNS; run++) {
    for (const [size, data, n] of [
      ['big', big, N],
      ['small', small, SMALL],
    ] as const) {
      for (const tool of tools) {
        const measured =
          tool === 'suite'
            ? await runSuite(data.scenarios, n)
            : tool === 'baseline'
              ? await runBaseline(data.exchanges, n)
              : await runNewman(data.list);
        (results[tool] as { big: Measurement[]; small: Measurement[] })[size].push(measured);
        console.log(`  run ${run}, ${tool}, ${n} scenario(s): ${seconds(measured.wallMs)}`);
      }
    }
  }
  const summary = Object.fromEntries(
    tools.map((tool) => {
      const { big: bigRuns, small: smallRuns } = results[tool] as {
        big: Measurement[];
        small: Measurement[];
      };
      const bigMs = median(bigRuns.map((r) => r.wallMs));
      const smallMs = median(smallRuns.map((r) => r.wallMs));
      const marginalMs = N > SMALL ? (bigMs - smallMs) / (N - SMALL) : Number.NaN;
      return [
        tool,
        {
          wallMs: bigMs,
          smallWallMs: smallMs,
          marginalMsPerScenario: marginalMs,
          fixedMs: smallMs - SMALL * marginalMs,
          peakRssMB: Math.max(...bigRuns.map((r) => r.peakRssBytes)) / 1024 / 1024,
          largestProcessMB: Math.max(...bigRuns.map((r) => r.largestProcessBytes)) / 1024 / 1024,
          ...(tool === 'suite'
            ? {
                afterLastTestMs: median((bigRuns as SuiteRun[]).map((r) => r.afterLastTestMs)),
                reportKBPerScenario: median((bigRuns as SuiteRun[]).map((r) => r.reportBytes)) / 1024 / N,
              }
            : {}),
        },
      ];
    }),
  );
  const suite = summary.suite as Record<string, number>;
  const baseline = summary.baseline as Record<string, number>;
  const lines = [
    '',
    `| N=${N} (median of ${RUNS}) | whole run | marginal per scenario | fixed cost | peak memory: all processes / largest | after last test | report per scenario |`,
    '|---|---|---|---|---|---|---|',
    ...tools.map((tool) => {
      const s = summary[tool] as Record<string, number>;
      return `| ${tool} | ${seconds(s.wallMs as number)} | ${(s.marginalMsPerScenario as number).toFixed(1)} ms | ${seconds(s.fixedMs as number)} | ${(s.peakRssMB as number).toFixed(0)} MB / ${(s.largestProcessMB as number).toFixed(0)} MB | ${s.afterLastTestMs === undefined ? '—' : seconds(s.afterLastTestMs)} | ${s.reportKBPerScenario === undefined ? '—' : `${s.reportKBPerScenario.toFixed(1)} KB`} |`;
    }),
    '',
    `suite / plain Playwright: whole run ${((suite.wallMs as number) / (baseline.wallMs as number)).toFixed(2)}×, marginal ${((suite.marginalMsPerScenario as number) / (baseline.marginalMsPerScenario as number)).toFixed(2)}×`,
    ...(summary.newman
      ? [
          `suite / Newman: whole run ${((suite.wallMs as number) / ((summary.newman as Record<string, number>).wallMs as number)).toFixed(2)}×`,
        ]
      : []),
  ];
  console.log(lines.join('\n'));
  const out = options.out ?? path.join(projectRoot, 'reports', 'bench', `bench-${N}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    `${JSON.stringify({ n: N, small: SMALL, runs: RUNS, cores: os.availableParallelism(), summary }, null, 2)}\n`,
  );
  console.log(`\nWritten: ${path.relative(process.cwd(), out) || out}`);
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(1);
});
