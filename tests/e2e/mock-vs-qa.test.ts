import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FaultName } from '../../mock/faults.ts';
import { loadReplayLog } from '../../mock/replay.ts';
import { startMock } from '../../mock/server.ts';
import type { Calibration } from '../../src/calibration/calibrate.ts';
import { profileFile } from '../../src/config/profile.ts';
import type { Drift, DriftGroup } from '../../src/drift/compare.ts';
import { readExchangeLog } from '../../src/exchange/log-file.ts';
import { loadSuiteFresh } from '../../src/run/suite.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { runCompare } from '../support/compare-run.ts';
import { type ConformanceRun, runConformance } from '../support/conformance-run.ts';
import { runBesideMockInProcess, runEnvironmentInProcess, runInProcess } from '../support/in-process-run.ts';
import { testPki } from '../support/pki.ts';
import { qaEnvironmentFromMockData } from '../support/qa-environment.ts';
import { expect, test } from '../support/test.ts';
import { withMock } from '../support/with-mock.ts';

// Mock versus QA: every run records its exchanges; two runs compared (the compare command, in this process) give
// the drift groups the faults between them explain, and none between two runs of the same target (a run compared
// with an earlier one carries the same drift in its report: tests/e2e/hostile-echo.test.ts); the calibration a
// run proposes, pasted into a profile, makes the next run confirm it; a replay of a recorded run reproduces that
// run's verdicts exactly. What the command does with an earlier run (calibrate, replay) goes through the real
// command, once each; the recordings it is given, and the other replays (a mock replaying in this process, with
// the replay's settings), are made in this process (tests/support/in-process-run.ts: the runner, transport and
// exchange log of a worker) where the test judges the recording, not how it was made. A setting naming an
// earlier run that is not there stops the command before anything is sent:
// tests/cli/earlier-runs-preflight.test.ts.

const FIXTURE = 'tests/fixtures/scenarios/mock-vs-qa.yaml';
const registry = schemaRegistry();

test.describe.configure({ mode: 'parallel' });

/**
 * A recording of the fixture against the in-process mock in a fault mode (null: none), made in this process:
 * its exchange log, run record, run-level checks and summary, as a run of the command leaves them. `without`:
 * a scenario left out, as `--grep-invert` leaves it out; `env`: settings of the run (a profile).
 */
async function recordAgainst(
  fault: FaultName | null,
  options: { without?: string; env?: Record<string, string> } = {},
): Promise<ConformanceRun> {
  return withMock({ fault }, (mock) => {
    const suite = loadSuiteFresh({
      OICP_SETTINGS_FILE: 'none',
      OICP_BASE_URL: mock.url,
      OICP_SCENARIOS: FIXTURE,
      ...options.env,
    });
    return runInProcess([{ ...suite, scenarios: suite.scenarios.filter((s) => s.id !== options.without) }]);
  });
}

/** One run of the fixture through the conformance command, against the in-process mock in a fault mode. */
async function runAgainst(
  fault: FaultName | null,
  env: Record<string, string> = {},
  options: { args?: string[]; recordOnly?: boolean } = {},
): Promise<ConformanceRun> {
  return withMock({ fault }, (mock) =>
    runConformance(
      { OICP_BASE_URL: mock.url, OICP_SCENARIOS: FIXTURE, ...env },
      { recordOnly: options.recordOnly ?? true, args: options.args },
    ),
  );
}

/**
 * Recordings several tests read, each made once per worker: the fixture against the fault-free mock (in this
 * process), and through the command against the mock answering refusals with the wrong code (its calibration
 * is the command's). Only read after they are made (compared with, replayed, calibrated from), never written
 * to; each test that shares one sits in a group of its own that runs in one worker, in order.
 */
let faultFreeRun: Promise<ConformanceRun> | undefined;
const faultFree = () => {
  faultFreeRun ??= recordAgainst(null);
  return faultFreeRun;
};
let wrongRefusalRun: Promise<ConformanceRun> | undefined;
const wrongRefusal = () => {
  wrongRefusalRun ??= runAgainst('wrong-refusal-code');
  return wrongRefusalRun;
};

/** A folder of its own for one comparison's drift.md and drift.json. */
const compareOut = () => fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-compare-'));

/**
 * `npm run compare -- <a> <b> --out <out>`, the command in this process (its exit codes through the shell:
 * tests/e2e/compare-cli.test.ts); the runs it compares are real ones.
 */
function compare(a: string, b: string, out: string, flags: string[] = []) {
  const result = runCompare([a, b, '--out', out, ...flags]);
  const drift = fs.existsSync(path.join(out, 'drift.json'))
    ? (JSON.parse(fs.readFileSync(path.join(out, 'drift.json'), 'utf8')) as Drift)
    : undefined;
  return { status: result.exitCode, stdout: result.stdout, stderr: result.stderr, drift, out };
}

const group = (drift: Drift | undefined, name: DriftGroup) =>
  (drift?.scenarios ?? [])
    .filter((s) => s.group === name)
    .map((s) => s.scenario)
    .sort();

/** Every step title of Playwright's JSON report of a run (its Allure report has the same steps). */
function stepTitles(reportsDir: string): string[] {
  const titles: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) for (const item of node) walk(item);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (Array.isArray(record.steps))
        for (const step of record.steps as Array<{ title?: string }>) if (step.title) titles.push(step.title);
      for (const value of Object.values(record)) walk(value);
    }
  };
  walk(JSON.parse(fs.readFileSync(path.join(reportsDir, 'results.json'), 'utf8')));
  return titles;
}

/** Every verdict of every scenario, as the runner recorded them (the answer summary's SessionID aside). */
function verdictsOf(run: ConformanceRun): Record<string, unknown> {
  return Object.fromEntries(
    (run.record?.scenarios ?? []).map((s) => {
      const { answer, ...verdicts } = s.verdicts ?? ({} as NonNullable<typeof s.verdicts>);
      const { sessionId: _fresh, ...summary } = answer ?? { status: 0 };
      return [s.id, { status: s.status, ...verdicts, answer: summary }];
    }),
  );
}

/** The run-level verdicts, the SessionIDs they quote (fresh in every run, a replay's too) left out. */
function runChecksOf(run: ConformanceRun): unknown {
  const file = path.join(run.reportsDir, 'run-checks.json');
  const guid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
  return fs.existsSync(file)
    ? JSON.parse(fs.readFileSync(file, 'utf8').replace(guid, '<SessionID>'))
    : undefined;
}

test.describe('against the fault-free mock, recorded once', () => {
  test.describe.configure({ mode: 'default' });

  test('two runs against the mock in different fault modes give the drift groups their faults explain', async () => {
    // Five recordings, each against its own mock on a free port, with its own reports folder.
    const base = await faultFree();
    expect(base.exitCode, base.stdout + base.stderr).toBe(0);
    const refusals = await recordAgainst('wrong-refusal-code', { without: 'fixture-drift-invalid' });
    const extraFields = await recordAgainst('unknown-answer-properties');
    const provider = await recordAgainst('wrong-provider-id');
    const latin1 = await recordAgainst('latin1-charset');

    // Outcome: the two refusals carry 106; the invalid request did not run in B.
    const outcome = compare(base.reportsDir, refusals.reportsDir, compareOut());
    expect(outcome.status, outcome.stderr).toBe(0);
    expect(group(outcome.drift, 'outcome')).toEqual([
      'fixture-drift-unknown-card',
      'fixture-drift-wrong-pin',
    ]);
    expect(group(outcome.drift, 'only-a')).toEqual(['fixture-drift-invalid']);
    expect(group(outcome.drift, 'same')).toEqual([
      'fixture-drift-authorized',
      'fixture-drift-partner-session',
    ]);
    const card = outcome.drift?.scenarios.find((s) => s.scenario === 'fixture-drift-unknown-card');
    expect(card?.outcome).toEqual([{ where: 'StatusCode.Code', a: '"102"', b: '"106"' }]);
    // Both answers side by side, and the verdicts: the rule broken in B, the assumption not confirmed.
    expect(card?.b?.verdict).toBe('passed; not confirmed: statusCode');
    expect(outcome.drift?.scenarios.find((s) => s.scenario === 'fixture-drift-wrong-pin')?.b?.verdict).toBe(
      'failed: statusCodeAsExpected',
    );
    expect(outcome.stdout).toContain(
      'different outcome 2 · different shape 0 · different verdict 0 · only in A 1',
    );
    expect(outcome.stdout).toContain('≠ fixture-drift-unknown-card · StatusCode.Code "102" → "106"');
    const table = fs.readFileSync(path.join(outcome.out, 'drift.md'), 'utf8');
    expect(table).toContain('| fixture-drift-unknown-card | StatusCode\\.Code | "102" | "106" |');
    expect(table).toContain('### fixture-drift-wrong-pin — different outcome');
    expect(table).toContain('| verdict | passed | failed\\: statusCodeAsExpected |');

    // A flag makes outcome drift fail a CI job; without it the comparison only informs.
    const strict = compare(base.reportsDir, refusals.reportsDir, compareOut(), ['--fail-on-outcome-drift']);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toContain('2 scenario(s) with a different outcome (--fail-on-outcome-drift)');

    // Shape: properties OICP does not define, present in B only, on every answer the fault bends (the 400 stays).
    const shape = compare(base.reportsDir, extraFields.reportsDir, compareOut());
    expect(group(shape.drift, 'shape')).toEqual([
      'fixture-drift-authorized',
      'fixture-drift-partner-session',
      'fixture-drift-unknown-card',
      'fixture-drift-wrong-pin',
    ]);
    expect(group(shape.drift, 'same')).toEqual(['fixture-drift-invalid']);
    expect(shape.drift?.scenarios.find((s) => s.scenario === 'fixture-drift-authorized')?.shape).toEqual(
      expect.arrayContaining([
        { where: 'AuthorizationValidUntil', a: 'absent', b: 'a string' },
        { where: 'StatusCode.TraceID', a: 'absent', b: 'a string' },
      ]),
    );
    // The same outcome but a different charset is shape too, and fails the strict flag only with --fail-on-drift.
    const charset = compare(base.reportsDir, latin1.reportsDir, compareOut(), ['--fail-on-outcome-drift']);
    expect(charset.status).toBe(0);
    expect(charset.drift?.scenarios.find((s) => s.scenario === 'fixture-drift-authorized')?.shape).toEqual([
      { where: 'Content-Type charset', a: 'utf-8', b: 'iso-8859-1' },
    ]);
    const anyDrift = compare(base.reportsDir, latin1.reportsDir, compareOut(), ['--fail-on-drift']);
    expect(anyDrift.status).toBe(1);

    // Verdict: the same outcome and shape, but the ProviderID the scenario assumes is not confirmed in B.
    const verdict = compare(base.reportsDir, provider.reportsDir, compareOut());
    expect(group(verdict.drift, 'verdict')).toEqual(['fixture-drift-authorized']);
    const authorized = verdict.drift?.scenarios.find((s) => s.scenario === 'fixture-drift-authorized');
    expect(authorized?.verdict).toEqual({
      where: 'verdict',
      a: 'passed',
      b: 'passed; not confirmed: fields.ProviderID',
    });
    expect(authorized?.values).toEqual([{ where: 'ProviderID', a: '"DE*ICE"', b: '"DE*XXX"' }]);
    // The partner session's Authorized answer differs in ProviderID too, but its scenario expects none: not drift.
    expect(group(verdict.drift, 'same')).toContain('fixture-drift-partner-session');
  });

  test('two runs of the same target show no drift: the values each run generates are ignored', async () => {
    // The comparison a run makes with OICP_COMPARE_WITH and attaches to its report (the same comparison, the
    // command's part: tests/e2e/hostile-echo.test.ts) is the one `npm run compare` makes of the two folders.
    const earlier = await faultFree();
    expect(earlier.exitCode, earlier.stdout + earlier.stderr).toBe(0);
    const later = await recordAgainst(null);
    expect(later.exitCode, later.stdout + later.stderr).toBe(0);
    const compared = compare(earlier.reportsDir, later.reportsDir, compareOut());
    expect(compared.status, compared.stdout + compared.stderr).toBe(0);
    const drift = compared.drift as Drift;
    expect(drift.counts).toEqual({ outcome: 0, shape: 0, verdict: 0, 'only-a': 0, 'only-b': 0, same: 5 });
    // Nor are they listed as other values that differ.
    expect(drift.scenarios.flatMap((s) => s.values)).toEqual([]);
    // Not vacuous: the generated values really differ between the two runs, and were ignored.
    const first = readExchangeLog(earlier.reportsDir, registry).records;
    const second = readExchangeLog(later.reportsDir, registry).records;
    const echoed = (records: typeof first) => {
      const body = records.find((r) => r.scenario === 'fixture-drift-partner-session')?.answer?.body;
      return (body as Record<string, unknown> | undefined)?.CPOPartnerSessionID;
    };
    expect(echoed(first)).toMatch(/^cpo-/);
    expect(echoed(first)).not.toEqual(echoed(second));
    const sessionIds = (records: typeof first) =>
      records.map((r) => (r.answer?.body as { SessionID?: unknown } | undefined)?.SessionID).filter(Boolean);
    expect(sessionIds(first)).toHaveLength(2);
    expect(sessionIds(first).some((id) => sessionIds(second).includes(id))).toBe(false);
    expect(compared.stdout).toContain(
      'different outcome 0 · different shape 0 · different verdict 0 · only in A 0 · only in B 0 · same 5',
    );
  });
});

test.describe('against the mock answering refusals with the wrong code, recorded once', () => {
  test.describe.configure({ mode: 'default' });

  test('the calibration a run proposes, pasted into a profile, makes the next run confirm it', async () => {
    const first = await wrongRefusal();
    expect(first.exitCode, first.stdout + first.stderr).toBe(1); // the wrong PIN's code is an OICP rule
    const calibration = JSON.parse(
      fs.readFileSync(path.join(first.reportsDir, 'calibration.json'), 'utf8'),
    ) as Calibration;
    // The console names the calibration and how many expectations it proposes to calibrate.
    expect(first.stdout).toContain(
      `Calibration ${path.join(first.reportsDir, 'calibration.md')}  (1 expectation(s) not confirmed: overrides for the profile)`,
    );
    // Only the assumption is proposed; the rule (101 for a wrong PIN) is never the profile's to change.
    expect(calibration.entries.map((e) => `${e.scenario} ${e.expectation} ${String(e.proposed)}`)).toEqual([
      'fixture-drift-unknown-card statusCode 106',
    ]);
    const markdown = fs.readFileSync(path.join(first.reportsDir, 'calibration.md'), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(markdown)?.[1];
    expect(block).toContain('fixture-drift-unknown-card:\n    statusCode: "106"');

    // Pasted as the calibration says: at the end of a copy of the mock profile.
    const name = `fixture-calibrated-${process.pid}-${Date.now()}`;
    const mockProfile = fs
      .readFileSync(profileFile('mock'), 'utf8')
      .replace(/^name: mock$/m, `name: ${name}`);
    fs.writeFileSync(profileFile(name), `${mockProfile}\n${block}`);
    try {
      // With Playwright's JSON report, whose steps are the Allure report's.
      const second = await runAgainst(
        'wrong-refusal-code',
        { OICP_ENV: name, OICP_PLAYWRIGHT_REPORTS: 'json' },
        { recordOnly: false },
      );
      const record = second.record?.scenarios.find((s) => s.id === 'fixture-drift-unknown-card');
      expect(record?.status, second.stdout + second.stderr).toBe('passed');
      expect(record?.verdicts?.unconfirmed).toEqual([]);
      expect(record?.verdicts?.passed).toContain('statusCodeAsExpected');
      expect(record?.verdicts?.fromProfile).toEqual([
        expect.objectContaining({
          expectation: 'statusCode',
          expected: 'StatusCode.Code "106"',
          profile: name,
          catalogue: expect.objectContaining({ expected: 'StatusCode.Code "102"', basis: 'assumption' }),
        }),
      ]);
      expect(second.stdout).toContain(
        `Expectations from profile '${name}' (calibrated, in place of the catalogue's): 1 in 1 scenario(s)`,
      );
      expect(second.stdout).toContain(
        '  ~ fixture-drift-unknown-card · statusCode: expects StatusCode.Code "106" (catalogue: StatusCode.Code "102", assumption;',
      );
      expect(
        JSON.parse(fs.readFileSync(path.join(second.reportsDir, 'calibration.json'), 'utf8')).entries,
      ).toEqual([]);
      // The report's step says so, with what the catalogue expected.
      expect(stepTitles(second.reportsDir)).toContain(
        `Expectations from profile '${name}' (calibrated): statusCode`,
      );

      // Against a target that answers as the catalogue expects, the calibrated expectation is the one not
      // confirmed — and says it is the profile's (the run's summary, judged in this process).
      const third = await recordAgainst(null, { env: { OICP_ENV: name } });
      expect(third.exitCode).toBe(0);
      expect(third.stdout).toContain(
        `? fixture-drift-unknown-card · statusCode (observed, profile '${name}'): expected StatusCode.Code "106", received StatusCode.Code "102"`,
      );
    } finally {
      fs.rmSync(profileFile(name), { force: true });
    }
  });

  test('a replay of a recorded run reproduces its verdicts exactly, the run-level checks included', async () => {
    for (const fault of ['wrong-refusal-code', 'repeated-session-id'] as const) {
      const recorded = await (fault === 'wrong-refusal-code' ? wrongRefusal() : recordAgainst(fault));
      // Through the command once (it starts the embedded mock replaying); the other recording is replayed by
      // a replaying mock in this process, the run judged as the command's workers judge it.
      const replayed =
        fault === 'wrong-refusal-code'
          ? await runConformance(
              { OICP_MOCK_REPLAY: recorded.reportsDir, OICP_SCENARIOS: FIXTURE },
              { recordOnly: true },
            )
          : await replayInProcess(recorded.reportsDir, { OICP_SCENARIOS: FIXTURE });
      if (fault === 'wrong-refusal-code') expect(replayed.stdout).toContain('(embedded mock replaying');
      expect(Object.keys(verdictsOf(recorded))).toHaveLength(5);
      expect(verdictsOf(replayed), `${fault}\n${replayed.stdout}${replayed.stderr}`).toEqual(
        verdictsOf(recorded),
      );
      expect(runChecksOf(replayed)).toEqual(runChecksOf(recorded));
      expect(replayed.exitCode).toBe(recorded.exitCode);
    }
  });
});

/**
 * A run against a mock in this process replaying a recording (mock/replay.ts), with the settings of a replay
 * (OICP_MOCK_REPLAY and the replaying mock's port): the profile the command would load for it.
 */
function replayInProcess(recording: string, env: Record<string, string>): Promise<ConformanceRun> {
  return runBesideMockInProcess(
    { replay: loadReplayLog(recording) },
    { ...env, OICP_MOCK_REPLAY: recording },
  );
}

test('a QA run replayed in CI: the same verdicts with the QA profile, without certificate or QA', async () => {
  const pki = testPki();
  const mock = await startMock({
    port: 0,
    fault: 'wrong-refusal-code',
    tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert },
  });
  try {
    const qa = qaEnvironmentFromMockData();
    const recorded = await runEnvironmentInProcess({
      ...qa,
      OICP_BASE_URL: mock.url,
      OICP_CA_CERT: pki.caCert,
      OICP_CLIENT_PFX: pki.pfx,
      OICP_CLIENT_PASSPHRASE: pki.passphrase,
      OICP_SCENARIOS: FIXTURE,
    });
    expect(recorded.record?.scenarios.length, recorded.stdout + recorded.stderr).toBe(5);
    // The PINs are masked in the recording: any PIN matches in the replay. The QA profile without its
    // certificate: a replay needs none (the command starting the replaying mock: the test above).
    const replayed = await replayInProcess(recorded.reportsDir, {
      ...qa,
      OICP_QA_WRONG_PIN: '9999',
      OICP_SCENARIOS: FIXTURE,
    });
    expect(verdictsOf(replayed), replayed.stdout + replayed.stderr).toEqual(verdictsOf(recorded));
  } finally {
    await mock.close();
  }
});
