import type { ExchangeRecord } from '../exchange/log-entry.ts';
import { displayPath } from '../input/errors.ts';
import { cutLine, markdownText } from '../text.ts';
import {
  type Difference,
  DRIFT_GROUPS,
  type Drift,
  type DriftGroup,
  GROUP_TITLES,
  type ScenarioDrift,
} from './compare.ts';

/**
 * drift.md, drift.json and the console lines of a comparison (src/drift/compare.ts). drift.md is written for
 * the lead of a mock team on a Monday morning: the counts first, then what to fix grouped by kind, then
 * every drifted scenario with both answers side by side.
 */

/** How much of each answer body drift.md shows side by side. */
const SHOWN_BODY_CHARACTERS = 3_000;

/** A table cell (or any inline text) from a log: Markdown-escaped, never empty. */
const cell = (text: string) => markdownText(text) || ' ';

function groupWords(group: DriftGroup): string {
  return GROUP_TITLES[group].toLowerCase().replace(/ (a|b)$/, (m) => m.toUpperCase());
}

function countsLine(drift: Drift): string {
  return DRIFT_GROUPS.map((g) => `${groupWords(g)} ${drift.counts[g]}`).join(' · ');
}

function describeSide(label: string, side: Drift['a']): string[] {
  return [
    `| ${label} | ${cell(side.file)} | ${cell(side.profiles.join(', '))} | ${cell(side.targets.join(', '))} | ${cell(side.runIds.join(', '))} | ${cell(side.startedAt ?? '')} | ${side.exchanges} |`,
  ];
}

function differenceRows(
  scenarios: readonly ScenarioDrift[],
  pick: (s: ScenarioDrift) => Difference[],
): string[] {
  return scenarios.flatMap((s) =>
    pick(s).map((d) => `| ${cell(s.scenario)} | ${cell(d.where)} | ${cell(d.a)} | ${cell(d.b)} |`),
  );
}

function body(record: ExchangeRecord | undefined): string {
  const answer = record?.answer;
  if (!record) return '(not in this run)';
  if (!answer) return `(no answer: ${record.noAnswer?.message ?? ''})`;
  const text =
    answer.body !== undefined ? JSON.stringify(answer.body, null, 2) : (answer.bodyText ?? '').toString();
  const cut = text.length > SHOWN_BODY_CHARACTERS ? `${text.slice(0, SHOWN_BODY_CHARACTERS)}\n… (cut)` : text;
  return cut === '' ? '(empty body)' : cut;
}

/** A fence longer than any run of backticks in the text, so that a hostile answer cannot close it. */
function fenced(text: string, language: string): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, text, fence];
}

/** Appends one line at a time: a spread of a table's rows as arguments overflows the stack beyond ~120,000. */
function appendLines(lines: string[], more: readonly string[]): void {
  for (const line of more) lines.push(line);
}

export function driftMarkdown(
  drift: Drift,
  records: { a: ReadonlyMap<string, ExchangeRecord>; b: ReadonlyMap<string, ExchangeRecord> },
): string {
  const lines = opening(drift);
  appendLines(lines, outcomeSection(drift));
  appendLines(lines, shapeSection(drift));
  appendLines(lines, verdictSection(drift));
  appendLines(lines, onlyInOneSection(drift, 'only-a'));
  appendLines(lines, onlyInOneSection(drift, 'only-b'));
  appendLines(lines, otherHeadersSection(drift));
  appendLines(lines, sameSection(drift));
  const drifted = drift.scenarios.filter((s) => s.group !== 'same');
  if (drifted.length > 0) lines.push('## Side by side', '');
  for (const s of drifted)
    appendLines(lines, sideBySide(s, records.a.get(s.scenario), records.b.get(s.scenario)));
  return lines.join('\n');
}

function scenariosOf(drift: Drift, group: DriftGroup): ScenarioDrift[] {
  return drift.scenarios.filter((s) => s.group === group);
}

/** The title, the two runs, the counts and what each kind of drift means. */
function opening(drift: Drift): string[] {
  return [
    '# Drift between two runs',
    '',
    '| run | exchange log | profile | target | run id | started | scenarios |',
    '|---|---|---|---|---|---|---:|',
    ...describeSide('A', drift.a),
    ...describeSide('B', drift.b),
    '',
    `**${countsLine(drift)}**`,
    '',
    'Scenarios are matched by id. *Different outcome*: HTTP status, AuthorizationStatus or StatusCode.Code.',
    '*Different shape*: fields present vs absent, null vs absent, JSON types, the body kind, content type and',
    'charset, the Process-ID header. *Different verdict*: the same outcome and shape, judged differently by the',
    'checks (a value a scenario expects, the time budget). Values generated afresh for every exchange (what',
    '`{{$uuid}}` made, SessionIDs and Process-IDs the target made, dates) never count as drift; other values two',
    'targets may hold differently (test data) are shown below each scenario but do not count.',
    '',
  ];
}

function outcomeSection(drift: Drift): string[] {
  const outcome = scenariosOf(drift, 'outcome');
  if (outcome.length === 0) return [];
  return [
    `## ${GROUP_TITLES.outcome} (${outcome.length})`,
    '',
    '| scenario | what | A | B |',
    '|---|---|---|---|',
    ...differenceRows(outcome, (s) => s.outcome),
    '',
  ];
}

/** An outcome drift's shape differences are not listed here: they are shown with it, side by side. */
function shapeSection(drift: Drift): string[] {
  const shape = drift.scenarios.filter((s) => s.shape.length > 0 && s.group !== 'outcome');
  if (shape.length === 0) return [];
  return [
    `## ${GROUP_TITLES.shape} (${scenariosOf(drift, 'shape').length})`,
    '',
    '| scenario | where | A | B |',
    '|---|---|---|---|',
    ...differenceRows(shape, (s) => s.shape),
    '',
  ];
}

function verdictSection(drift: Drift): string[] {
  const verdict = scenariosOf(drift, 'verdict');
  if (verdict.length === 0) return [];
  return [
    `## ${GROUP_TITLES.verdict} (${verdict.length})`,
    '',
    '| scenario | A | B |',
    '|---|---|---|',
    ...verdict.map(
      (s) => `| ${cell(s.scenario)} | ${cell(s.verdict?.a ?? '')} | ${cell(s.verdict?.b ?? '')} |`,
    ),
    '',
  ];
}

function onlyInOneSection(drift: Drift, group: 'only-a' | 'only-b'): string[] {
  const only = scenariosOf(drift, group);
  if (only.length === 0) return [];
  return [
    `## ${GROUP_TITLES[group]} (${only.length})`,
    '',
    '| scenario | title | answer | verdict |',
    '|---|---|---|---|',
    ...only.map((s) => {
      const side = s.a ?? s.b;
      return `| ${cell(s.scenario)} | ${cell(s.title)} | ${cell(side?.status ?? '')} | ${cell(side?.verdict ?? '')} |`;
    }),
    '',
  ];
}

function otherHeadersSection(drift: Drift): string[] {
  if (drift.headersOnlyIn.a.length + drift.headersOnlyIn.b.length === 0) return [];
  return [
    '## Other headers',
    '',
    'Headers only one run’s answers carry (not counted as drift: proxies and servers add their own):',
    '',
    `- only in A: ${drift.headersOnlyIn.a.map(markdownText).join(', ') || '—'}`,
    `- only in B: ${drift.headersOnlyIn.b.map(markdownText).join(', ') || '—'}`,
    '',
  ];
}

function sameSection(drift: Drift): string[] {
  const same = scenariosOf(drift, 'same');
  if (same.length === 0) return [];
  return [
    `## ${GROUP_TITLES.same} (${same.length})`,
    '',
    same.map((s) => markdownText(s.scenario)).join(', '),
    '',
  ];
}

/** One drifted scenario: both answers' key values in a table, its other differences, both bodies. */
function sideBySide(
  s: ScenarioDrift,
  recordA: ExchangeRecord | undefined,
  recordB: ExchangeRecord | undefined,
): string[] {
  const lines = [`### ${cell(s.scenario)} — ${groupWords(s.group)}`, '', cell(s.title), ''];
  appendLines(lines, answersTable(s));
  if (s.shape.length > 0 && s.group === 'outcome')
    lines.push(
      `Shape: ${s.shape.map((d) => `${cell(d.where)}: ${cell(d.a)} in A, ${cell(d.b)} in B`).join('; ')}.`,
      '',
    );
  if (s.values.length > 0)
    lines.push(
      `Other values (not counted): ${s.values.map((d) => `${cell(d.where)} ${cell(d.a)} in A, ${cell(d.b)} in B`).join('; ')}.`,
      '',
    );
  lines.push(
    '<details><summary>The answers</summary>',
    '',
    'A:',
    '',
    ...fenced(body(recordA), 'json'),
    '',
    'B:',
    '',
    ...fenced(body(recordB), 'json'),
    '',
    '</details>',
    '',
  );
  return lines;
}

function answersTable(s: ScenarioDrift): string[] {
  const a = s.a;
  const b = s.b;
  const row = (label: string, pick: (side: NonNullable<ScenarioDrift['a']>) => string) =>
    `| ${label} | ${cell(a ? pick(a) : '—')} | ${cell(b ? pick(b) : '—')} |`;
  return [
    '| | A | B |',
    '|---|---|---|',
    row('HTTP status', (x) => x.status),
    row('AuthorizationStatus', (x) => x.authorizationStatus),
    row('StatusCode.Code', (x) => x.statusCode),
    row('Content-Type', (x) => x.contentType),
    row('Process-ID', (x) => x.processId),
    row('time', (x) => `${x.elapsedMs} ms`),
    row('verdict', (x) => x.verdict),
    '',
  ];
}

/** The console lines: the two runs, the counts, each outcome drift, where the table is. */
export function driftConsole(drift: Drift, markdownFile: string, width: number): string[] {
  const runWords = (side: Drift['a']) =>
    `${side.file} (profile ${side.profiles.join(', ') || '?'}, ${side.exchanges} exchange(s))`;
  const lines = [`Drift: A ${runWords(drift.a)} · B ${runWords(drift.b)}`, `  ${countsLine(drift)}`];
  const shown = 20;
  const outcome = drift.scenarios.filter((s) => s.group === 'outcome');
  for (const s of outcome.slice(0, shown))
    lines.push(
      `  ≠ ${cutLine(`${s.scenario} · ${s.outcome.map((d) => `${d.where} ${d.a} → ${d.b}`).join(', ')}`, width - 4)}`,
    );
  if (outcome.length > shown) lines.push(`  … and ${outcome.length - shown} more outcome drift(s)`);
  lines.push(`  Table: ${displayPath(markdownFile)}`);
  return lines;
}
