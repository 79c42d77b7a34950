import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runCompare } from '../support/compare-run.ts';
import { runConformance } from '../support/conformance-run.ts';
import { echoTarget, HASHED_VALUE, leaksIn, PIN, RAW_BODY_PIN, SALT } from '../support/echo-target.ts';
import { runEnvironmentInProcess } from '../support/in-process-run.ts';
import { expect, test } from '../support/test.ts';

// The files that carry answers from one run to another — the exchange log, the drift table, the calibration —
// and a replay of them: a target that echoes every request back (headers, reason phrase, fault texts, HTML,
// JSON strings, percent-encoded) must get no secret into any of them, nor into the console.

function scenarios(dir: string): string {
  const qr = (id: string, mode: string) => `  - id: ${id}
    title: An echoing target answers a QR-code request (${mode})
    request:
      operatorId: "{{operatorId}}"
      body:
        OperatorID: "{{operatorId}}"
        EvseID: "{{evseId}}"
        CPOPartnerSessionID: "${mode}"
        Identification:
          QRCodeIdentification: { EvcoID: "{{qrEvcoId}}", PIN: "${PIN}" }
    expect:
      status: 200
      authorizationStatus: NotAuthorized
      fields:
        StatusCode.Description: { equals: "a text the target never sends" }
        StatusCode.AdditionalInfo: { isNull: true }
      basis:
        default: { assumption: "an echo target (fixture)" }
`;
  const file = path.join(dir, 'echo.yaml');
  fs.writeFileSync(
    file,
    `feature: Fixture — an echoing target
basis: { rule: { statement: broadcast-one-authorizes } }
scenarios:
${qr('secrets-echo-json', 'json')}
${qr('secrets-echo-fault', 'fault')}
${qr('secrets-echo-html', 'html')}
  - id: secrets-echo-raw-body
    title: A PIN inside a raw body that does not parse is echoed back
    invalid: true
    request:
      operatorId: "{{operatorId}}"
      rawBody: '{"OperatorID":"{{operatorId}}","CPOPartnerSessionID":"fault","Identification":{"QRCodeIdentification":{"EvcoID":"{{qrEvcoId}}","PIN":"${RAW_BODY_PIN}"}},'
    expect:
      status: 200
      basis: { assumption: "an echo target (fixture)" }
  - id: secrets-echo-hashed-pin
    title: A HashedPIN value and salt are echoed back
    invalid: true
    request:
      operatorId: "{{operatorId}}"
      body:
        OperatorID: "{{operatorId}}"
        CPOPartnerSessionID: "json"
        Identification:
          QRCodeIdentification:
            EvcoID: "{{qrEvcoId}}"
            HashedPIN: { Value: "${HASHED_VALUE}", Function: Bcrypt, LegacyHashData: { Function: MD5, Salt: "${SALT}", Value: "abc" } }
    expect:
      status: 200
      fields:
        StatusCode.Description: { equals: "a text the target never sends" }
      basis: { assumption: "an echo target (fixture)" }
`,
  );
  return file;
}

test('no secret reaches an exchange log, a drift table, a calibration or a replay of them', async () => {
  const server = echoTarget({ refusalCode: '102' });
  const other = echoTarget({ refusalCode: '106' });
  for (const s of [server, other]) await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  const file = scenarios(fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-secrets-')));
  try {
    // The first run only records (its exchange log is compared with, and replayed): made in this process, by
    // the runner and exchange log a worker uses. The two after it go through the command.
    const first = await runEnvironmentInProcess({ OICP_BASE_URL: url, OICP_SCENARIOS: file });
    const second = await runConformance(
      { OICP_BASE_URL: otherUrl, OICP_SCENARIOS: file, OICP_COMPARE_WITH: first.reportsDir },
      { recordOnly: true, args: ['--workers', '1'] },
    );
    // The replay answers from the first run's log: its answers carry no secret either (what a replay answers to
    // a request it has no recording of, with secrets in it: tests/mock/replay-hostile.test.ts).
    const replay = await runConformance(
      { OICP_MOCK_REPLAY: path.join(first.reportsDir, 'exchanges.jsonl'), OICP_SCENARIOS: file },
      { recordOnly: true },
    );
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-secrets-compare-'));
    const compare = runCompare([first.reportsDir, replay.reportsDir, '--out', out]);
    expect(compare.exitCode, compare.stderr).toBe(0);

    const evidence = [
      ...[first, second, replay].flatMap((run) =>
        ['exchanges.jsonl', 'calibration.md', 'calibration.json', 'drift.md', 'drift.json'].map((name) =>
          path.join(run.reportsDir, name),
        ),
      ),
      path.join(out, 'drift.md'),
      path.join(out, 'drift.json'),
    ].filter((f) => fs.existsSync(f));
    // Not vacuous: every kind of file was written, the echoes are in them (masked), the calibration lists them.
    for (const name of ['exchanges.jsonl', 'calibration.md', 'calibration.json', 'drift.md', 'drift.json'])
      expect(
        evidence.some((f) => f.endsWith(name)),
        name,
      ).toBe(true);
    const log = fs.readFileSync(path.join(first.reportsDir, 'exchanges.jsonl'), 'utf8');
    expect(log.split('\n').filter(Boolean)).toHaveLength(5);
    expect(log).toContain('you sent {');
    expect(log).toContain('***');
    const calibration = fs.readFileSync(path.join(second.reportsDir, 'calibration.md'), 'utf8');
    expect(calibration).toContain('secrets-echo-json');
    expect(calibration).toContain('the value is masked \\(it carries a secret\\)');
    const drift = fs.readFileSync(path.join(second.reportsDir, 'drift.md'), 'utf8');
    expect(drift).toContain('### secrets-echo-json — different outcome');
    expect(drift).toContain('you sent {');

    const leaks = [
      ...evidence.flatMap((f) => leaksIn(f, fs.readFileSync(f, 'latin1'))),
      ...[first, second, replay].flatMap((run) => [
        ...leaksIn('stdout', run.stdout),
        ...leaksIn('stderr', run.stderr),
      ]),
      ...leaksIn('compare stdout', compare.stdout),
    ];
    expect(leaks).toEqual([]);
  } finally {
    for (const s of [server, other]) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});
