import fs from 'node:fs';
import type { ExpectationOverride, Profile } from '../config/profile.ts';
import type { ExchangeRecord, LoggedAnswer } from '../exchange/log-entry.ts';
import type { ScenarioRecord } from '../record/run-record.ts';
import { basisWords } from '../record/verdicts.ts';
import { REDACTED, Redactor, secretValuesOfBody, secretVariableValues } from '../redact.ts';
import { attachToAllureRun } from '../reports-folder/allure-run-attachment.ts';
import type { ReportPaths } from '../reports-folder/paths.ts';
import { defaultBodyKind } from '../scenarios/load.ts';
import { resolveScenario } from '../scenarios/resolve.ts';
import type { ExpectationKey, Matcher, ResponseBodyKind, Scenario } from '../scenarios/types.ts';
import { OICP, type SchemaRegistry } from '../schemas/registry.ts';
import { markdownText } from '../text.ts';

/**
 * Calibration from a real target: after a run, every expectation the target did not confirm whose basis is
 * observed Hubject behaviour or an assumption, with what the target answered instead, and a block of
 * per-scenario overrides ready to paste into the profile (src/config/expectation-overrides.ts applies them). So a
 * nightly adapts to what Hubject QA really answers without editing the shared catalogue, and whoever reads
 * calibration.md on Monday sees exactly what QA disagreed with.
 */

interface CalibrationEntry {
  scenario: string;
  expectation: ExpectationKey;
  basis: 'observed' | 'assumption';
  /** Set when the expectation is already the profile's override. */
  profile?: string;
  citation: string;
  expected: string;
  received: string;
  /** Hubject's Process-ID of the answer, for a support ticket. */
  processId?: string;
  /** The value to paste: what the override of this expectation is to say. */
  proposed?: unknown;
  /** Why no value is proposed. */
  notProposed?: string;
}

export interface Calibration {
  runId?: string;
  profile: string;
  profileFile: string;
  target: string;
  entries: CalibrationEntry[];
  /** The `expectations:` block for the profile; undefined when nothing is proposed. */
  yaml?: string;
  /** `add`: the profile has no expectations yet, paste the block at its end; `replace`: replace its block. */
  paste?: 'add' | 'replace';
}

export interface CalibrationInput {
  records: readonly ScenarioRecord[];
  exchanges: readonly ExchangeRecord[];
  scenarios: readonly Scenario[];
  /** With its variables and TLS settings, calibration knows the profile's secrets and never proposes one. */
  profile: Pick<Profile, 'name' | 'file' | 'baseUrl' | 'expectations'> &
    Partial<Pick<Profile, 'variables' | 'tls'>>;
  schemas: SchemaRegistry;
  runId?: string;
}

/** Why a value is not proposed when it is a secret (calibration.md lists it under "Not proposed"). */
export const WITHHELD_SECRET =
  'a value was withheld because it is a secret (a secret of the profile or of the request sent)';

export function calibrate(input: CalibrationInput): Calibration {
  const exchanges = new Map(input.exchanges.map((e) => [e.scenario, e]));
  const scenarios = new Map(input.scenarios.map((s) => [s.id, s]));
  const profileRedactor = calibrationRedactor(input.profile);
  const entries: CalibrationEntry[] = [];
  for (const record of input.records) {
    for (const unconfirmed of record.verdicts?.unconfirmed ?? []) {
      const exchange = exchanges.get(record.id);
      const scenario = scenarios.get(record.id);
      const redactor = scenario
        ? profileRedactor.with(scenarioSecrets(scenario, input.profile.variables ?? {}))
        : profileRedactor;
      const processId = exchange?.answer?.headers['process-id'];
      const proposal = withholdSecret(
        propose(unconfirmed.expectation, exchange, scenario, input.schemas),
        redactor,
      );
      entries.push({
        scenario: record.id,
        expectation: unconfirmed.expectation,
        basis: unconfirmed.basis,
        ...(unconfirmed.profile ? { profile: unconfirmed.profile } : {}),
        citation: redactor.text(unconfirmed.citation),
        expected: redactor.text(unconfirmed.expected),
        received: redactor.text(unconfirmed.received),
        ...(processId ? { processId: redactor.text(processId) } : {}),
        ...proposal,
      });
    }
  }
  const proposed = entries.filter((e) => 'proposed' in e);
  const existing = input.profile.expectations;
  return {
    ...(input.runId ? { runId: input.runId } : {}),
    profile: input.profile.name,
    profileFile: input.profile.file,
    target: input.profile.baseUrl,
    entries,
    ...(proposed.length > 0
      ? {
          yaml: expectationsBlock(existing, proposed, input.runId, input.profile.baseUrl),
          paste: existing.length > 0 ? ('replace' as const) : ('add' as const),
        }
      : {}),
  };
}

type Proposal = { proposed: unknown } | { notProposed: string };

/** The profile's secrets: its secret variables and the passphrase of the client key. */
function calibrationRedactor(profile: CalibrationInput['profile']): Redactor {
  const passphrase = profile.tls?.passphrase ? [profile.tls.passphrase] : [];
  return new Redactor([...secretVariableValues(profile.variables ?? {}), ...passphrase]);
}

/** The secrets the scenario's request carries, as written and as resolved with the profile's variables. */
function scenarioSecrets(scenario: Scenario, variables: Record<string, string>): string[] {
  const written = secretValuesOfBody(scenario.request.body, scenario.request.rawBody);
  try {
    // Unknown variables and generators stand in empty: only the profile's values matter here.
    const resolved = resolveScenario(scenario, variables, {
      standIn: (name) => (Object.hasOwn(variables, name) ? undefined : ''),
    });
    return [...written, ...secretValuesOfBody(resolved.request.body, resolved.request.rawBody)];
  } catch {
    return written;
  }
}

/**
 * A proposal is never a secret: whatever the masking of the evidence would change (a PIN echoed as a card UID,
 * a number, a key, base64 …) is withheld, and calibration.md says so.
 */
function withholdSecret(proposal: Proposal, redactor: Redactor): Proposal {
  if (!('proposed' in proposal)) return proposal;
  const shown = JSON.stringify(proposal.proposed ?? null);
  return JSON.stringify(redactor.json(proposal.proposed ?? null)) === shown
    ? proposal
    : { notProposed: WITHHELD_SECRET };
}

/** What the override of one expectation is to say, read from the answer as logged (masked). */
function propose(
  key: ExpectationKey,
  exchange: ExchangeRecord | undefined,
  scenario: Scenario | undefined,
  schemas: SchemaRegistry,
): Proposal {
  const answer = exchange?.answer;
  if (!answer) return { notProposed: 'no answer arrived: there is nothing to calibrate to' };
  if (!scenario) return { notProposed: 'the scenario is no longer in the catalogue' };
  const body = answer.body as Record<string, unknown> | undefined;
  const object = body && typeof body === 'object' && !Array.isArray(body) ? body : undefined;
  if (key === 'status') return { proposed: answer.status };
  if (key === 'body') return { proposed: bodyKind(answer, schemas) };
  if (key === 'authorizationStatus') {
    const value = object?.AuthorizationStatus;
    return value === 'Authorized' || value === 'NotAuthorized'
      ? { proposed: value }
      : { notProposed: `the answer carries no OICP AuthorizationStatus (${shown(value)})` };
  }
  if (key === 'statusCode') {
    const code = (object?.StatusCode as Record<string, unknown> | undefined)?.Code;
    return typeof code === 'string' && /^[0-9]{3}$/.test(code)
      ? { proposed: code }
      : { notProposed: `the answer carries no three-digit StatusCode.Code (${shown(code)})` };
  }
  const field = key.slice('fields.'.length);
  const generated = exchange.generated.some((g) => g.path === `answer.body.${field}`);
  if (generated) return { notProposed: 'the target makes this value fresh for every answer' };
  const matcher = scenario.expect.fields[field];
  if (!matcher) return { notProposed: 'the scenario no longer makes this expectation' };
  return fieldMatcher(matcher, readPath(body, field));
}

function fieldMatcher(matcher: Matcher, value: unknown): Proposal {
  if (JSON.stringify(value ?? null).includes(REDACTED))
    return { notProposed: 'the value is masked (it carries a secret)' };
  const absent = value === null || value === undefined;
  if ('isNull' in matcher) return { proposed: { isNull: absent } };
  if ('minItems' in matcher)
    return { proposed: Array.isArray(value) ? { minItems: value.length } : { isNull: absent } };
  if (absent) return { proposed: { isNull: true } };
  return { proposed: { equals: value } };
}

/** The schema the answer's body matches, in the order the status suggests; `any` when none does. */
function bodyKind(answer: LoggedAnswer, schemas: SchemaRegistry): ResponseBodyKind {
  if (answer.body === undefined) return 'any';
  const kinds: Array<[Exclude<ResponseBodyKind, 'any'>, string]> = [
    ['eRoamingAuthorizationStart', OICP.response],
    ['FaultBody', OICP.faultBody],
    ['OicpERoamingFault', OICP.statusFault],
  ];
  const preferred = defaultBodyKind(answer.status);
  kinds.sort(([a], [b]) => Number(b === preferred) - Number(a === preferred));
  const matching = kinds.find(([, id]) => schemas.answerViolations(id, answer.body).length === 0);
  return matching ? matching[0] : 'any';
}

function readPath(value: unknown, dotted: string): unknown {
  let current = value;
  for (const segment of dotted.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function shown(value: unknown): string {
  return value === undefined ? 'absent' : JSON.stringify(value);
}

/** A YAML scalar or flow value: JSON is YAML, and JSON's quoting keeps `*`, `#` and `:` literal. */
function yamlValue(value: unknown): string {
  if (value && typeof value === 'object' && !Array.isArray(value))
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${yamlKey(k)}: ${JSON.stringify(v)}`)
      .join(', ')} }`;
  return JSON.stringify(value);
}

function yamlKey(key: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(key) ? key : JSON.stringify(key);
}

const comment = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * The profile's `expectations:` block: its current overrides, with this run's proposals in place of the ones
 * the target did not confirm and added for the others, each proposal commented with what the catalogue said.
 */
function expectationsBlock(
  existing: readonly ExpectationOverride[],
  proposals: readonly CalibrationEntry[],
  runId: string | undefined,
  target: string,
): string {
  type Line = { value: unknown; note?: string };
  const byScenario = new Map<string, Map<string, Line>>();
  const put = (scenario: string, key: string, line: Line) => {
    const keys = byScenario.get(scenario) ?? new Map<string, Line>();
    keys.set(key, line);
    byScenario.set(scenario, keys);
  };
  for (const o of existing) put(o.scenario, o.expectation, { value: o.value });
  for (const p of proposals) {
    const was = p.profile ? 'replaces the profile’s value' : `catalogue: ${p.expected} (${p.basis})`;
    put(p.scenario, p.expectation, { value: p.proposed, note: comment(was) });
  }
  const lines = [
    `# Calibrated${runId ? ` from run ${runId}` : ''} against ${target}, ${new Date().toISOString().slice(0, 10)}`,
    'expectations:',
  ];
  for (const [scenario, keys] of byScenario) {
    lines.push(`  ${yamlKey(scenario)}:`);
    const fields = [...keys].filter(([key]) => key.startsWith('fields.'));
    for (const [key, line] of keys) {
      if (key.startsWith('fields.')) continue;
      lines.push(`    ${key}: ${yamlValue(line.value)}${line.note ? `  # ${line.note}` : ''}`);
    }
    if (fields.length > 0) {
      lines.push('    fields:');
      for (const [key, line] of fields)
        lines.push(
          `      ${yamlKey(key.slice('fields.'.length))}: ${yamlValue(line.value)}${line.note ? `  # ${line.note}` : ''}`,
        );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A fence longer than any run of backticks in the text, so that no value inside can close it. */
function fenced(text: string, language: string): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, text, fence];
}

export function calibrationMarkdown(calibration: Calibration): string {
  const { entries } = calibration;
  const head = [
    '# Calibration: expectations this target did not confirm',
    '',
    `Profile ${markdownText(calibration.profile)} (${markdownText(calibration.profileFile)}) · target ${markdownText(calibration.target)}${calibration.runId ? ` · run ${markdownText(calibration.runId)}` : ''}`,
    '',
  ];
  if (entries.length === 0) {
    return [
      ...head,
      'Every expectation of the scenarios that ran was confirmed by this target (or is an OICP rule, which a profile',
      'never calibrates): nothing to calibrate.',
      '',
    ].join('\n');
  }
  const scenarios = new Set(entries.map((e) => e.scenario)).size;
  const lines = [
    ...head,
    `${entries.length} expectation(s) of ${scenarios} scenario(s) are observed Hubject behaviour or our assumption, and this`,
    'target answered otherwise. They did not fail the run.',
    '',
    '- **If the target is right** (it is Hubject QA, or a mock that must answer like it): put the block below into',
    `  the profile, ${markdownText(calibration.profileFile)}. The next run against this profile expects what the target answered,`,
    "  and its report marks those expectations as coming from the profile (basis: observed, profile '" +
      `${markdownText(calibration.profile)}'). The shared catalogue stays as it is.`,
    "- **If the target is wrong**: do not paste; tell the target's owner (for Hubject, quote the Process-ID).",
    '',
    '| scenario | expectation | basis | expected | the target answered | Process-ID |',
    '|---|---|---|---|---|---|',
    ...entries.map(
      (e) =>
        `| ${markdownText(e.scenario)} | ${markdownText(e.expectation)} | ${markdownText(basisWords(e))} | ${markdownText(e.expected)} | ${markdownText(e.received)} | ${markdownText(e.processId ?? '')} |`,
    ),
    '',
  ];
  if (calibration.yaml) {
    lines.push(
      `## For ${markdownText(calibration.profileFile)}`,
      '',
      calibration.paste === 'replace'
        ? "Replace the profile's `expectations:` block with this one (it keeps the profile's other overrides):"
        : 'Add this block at the end of the profile:',
      '',
      ...fenced(calibration.yaml.trimEnd(), 'yaml'),
      '',
    );
  }
  const skipped = entries.filter((e) => e.notProposed);
  const withheld = skipped.filter((e) => e.notProposed === WITHHELD_SECRET).length;
  if (skipped.length > 0) {
    lines.push(
      '## Not proposed',
      '',
      ...(withheld > 0
        ? [
            `${withheld} value(s) the target answered were withheld because they are secrets: calibration never proposes a secret.`,
            '',
          ]
        : []),
      ...skipped.map(
        (e) =>
          `- ${markdownText(e.scenario)} · ${markdownText(e.expectation)}: ${markdownText(e.notProposed ?? '')}`,
      ),
      '',
    );
  }
  lines.push(
    'Each expectation and its basis: docs/scenarios.md ("Where an expectation comes from"); the overrides: docs/mock-vs-qa.md',
    '("Calibrating a profile").',
    '',
  );
  return lines.join('\n');
}

/**
 * Writes calibration.md and calibration.json into the reports folder (after every run, also when there is
 * nothing to calibrate: the file then says so) and attaches the Markdown to the Allure report when it
 * lists anything.
 */
export function writeCalibration(reports: ReportPaths, calibration: Calibration): void {
  const markdown = calibrationMarkdown(calibration);
  fs.mkdirSync(reports.root, { recursive: true });
  fs.writeFileSync(reports.calibrationMarkdown, markdown);
  fs.writeFileSync(reports.calibrationJson, `${JSON.stringify(calibration, null, 2)}\n`);
  if (calibration.entries.length > 0) attachToAllureRun(reports.allureResults, 'Calibration', markdown);
}
