import type { AnswerSummary } from '../record/verdicts.ts';
import type { CheckCategory } from './check.ts';

/** One scenario's answer, as its verdicts.json records it. */
export interface ScenarioAnswer {
  scenario: string;
  answer: AnswerSummary;
}

/**
 * A check that judges the whole run after every scenario has run: what no single scenario can see. Modelled
 * like the per-scenario checks (src/checks/check.ts): a name, the rule, its source, and a verify that throws
 * a RunCheckFailure stating expected and received.
 */
export interface RunCheck {
  name: string;
  title: string;
  verdict: 'failure';
  /** The statements of Hubject's contract it enforces (data/oicp/statements.yaml). */
  statements: readonly string[];
  category: CheckCategory;
  source: string;
  /** Whether the run holds enough answers for the rule to say anything. */
  appliesTo(answers: readonly ScenarioAnswer[]): boolean;
  verify(answers: readonly ScenarioAnswer[]): void;
}

class RunCheckFailure extends Error {
  readonly check: string;
  readonly expected: string;
  readonly received: string;
  readonly source: string;

  constructor(check: RunCheck, details: { expected: string; received: string }) {
    super(
      `${check.name}: ${check.title}\n  expected: ${details.expected}\n  received: ${details.received}\n  rule: ${check.source}`,
    );
    this.name = 'RunCheckFailure';
    this.check = check.name;
    this.expected = details.expected;
    this.received = details.received;
    this.source = check.source;
  }
}

/** The SessionIDs Hubject generated for authorizations: Authorized answers whose SessionID the CPO did not send. */
function generatedSessionIds(
  answers: readonly ScenarioAnswer[],
): Array<{ scenario: string; sessionId: string }> {
  return answers.flatMap(({ scenario, answer }) =>
    answer.authorizationStatus === 'Authorized' && answer.sessionId && !answer.sessionIdSentByCpo
      ? [{ scenario, sessionId: answer.sessionId }]
      : [],
  );
}

const authorizedSessionIdsUnique: RunCheck = {
  name: 'authorizedSessionIdsUnique',
  title: 'Every Authorized answer of the run carries its own SessionID',
  verdict: 'failure',
  category: 'protocol',
  source:
    'OICP 2.3 CPO: "Hubject generates a SessionID for the charging process" (02 Services and Operations) and uses globally unique identifiers for it (01 Communication Paradigms, Session handling) — one per authorization; a SessionID the CPO sent itself is not counted',
  statements: ['session-id-generated', 'session-id-guid'],
  appliesTo: (answers) => generatedSessionIds(answers).length > 1,
  verify(answers) {
    const byId = new Map<string, string[]>();
    for (const { scenario, sessionId } of generatedSessionIds(answers)) {
      // A GUID is the same GUID in either case.
      const key = sessionId.toLowerCase();
      byId.set(key, [...(byId.get(key) ?? []), scenario]);
    }
    const repeated = [...byId].filter(([, scenarios]) => scenarios.length > 1);
    if (repeated.length === 0) return;
    throw new RunCheckFailure(this, {
      expected: `a different SessionID in each of the ${generatedSessionIds(answers).length} Authorized answers`,
      received: repeated
        .map(
          ([sessionId, scenarios]) =>
            `SessionID ${sessionId} in ${scenarios.length} answers (${scenarios.join(', ')})`,
        )
        .join('; '),
    });
  },
};

/** Every run-level check, in report order. docs/checks.md and the mutation tests name them from this list. */
export const RUN_CHECKS: readonly RunCheck[] = [authorizedSessionIdsUnique];

export interface RunCheckResult {
  check: string;
  title: string;
  source: string;
  status: 'passed' | 'failed' | 'not applicable';
  expected?: string;
  received?: string;
}

export function evaluateRunChecks(
  answers: readonly ScenarioAnswer[],
  checks: readonly RunCheck[] = RUN_CHECKS,
): RunCheckResult[] {
  return checks.map((check) => {
    const base = { check: check.name, title: check.title, source: check.source };
    if (!check.appliesTo(answers)) return { ...base, status: 'not applicable' };
    try {
      check.verify(answers);
      return { ...base, status: 'passed' };
    } catch (error) {
      if (!(error instanceof RunCheckFailure)) throw error;
      return { ...base, status: 'failed', expected: error.expected, received: error.received };
    }
  });
}
