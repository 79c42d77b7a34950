import type { CheckFailure } from '../checks/check.ts';
import type { BasisKind, ExpectationKey, ProfileExpectation, RelaxedRule } from '../scenarios/types.ts';

/** The runner's record of one scenario's checks, attached to every test as `verdicts.json`. */
export const VERDICTS_ATTACHMENT = 'verdicts.json';

export interface CheckVerdict {
  check: string;
  category: string;
  expected: string;
  received: string;
  rule: string;
  /** A known Hubject deviation (docs/errata.md) the profile accepts: why a failure became an advisory. */
  deviation?: string;
}

/**
 * An expectation that is not an OICP rule (observed Hubject behaviour or an assumption) and that the target
 * did not meet: reported, never a failure. Addressed by scenario id and expectation key.
 */
export interface UnconfirmedExpectation {
  check: string;
  expectation: ExpectationKey;
  basis: Exclude<BasisKind, 'rule'>;
  citation: string;
  expected: string;
  /** What the target answered instead. */
  received: string;
  /** The expectation is the profile's override (calibrated), not the catalogue's. */
  profile?: string;
}

/**
 * What the answer said, as far as the run-level checks need it (src/report/run-checks.ts): they judge the
 * whole run from the verdicts, never from the response attachments.
 */
export interface AnswerSummary {
  status: number;
  authorizationStatus?: string;
  sessionId?: string;
  /** The answer's SessionID is the one the request carried (the CPO named the session, Hubject did not generate it). */
  sessionIdSentByCpo?: boolean;
}

export interface ScenarioVerdicts {
  scenario: string;
  /** How many attempts the retry policy took (absent when nothing was sent). */
  attempts?: number;
  failed: CheckVerdict[];
  advisories: CheckVerdict[];
  unconfirmed: UnconfirmedExpectation[];
  passed: string[];
  notApplicable: string[];
  /** Absent when no answer arrived. */
  answer?: AnswerSummary;
  /** The expectations that came from the profile instead of the catalogue (absent: none). */
  fromProfile?: ProfileExpectation[];
  /** OICP rules a profile setting relaxed for this scenario (absent: none). */
  relaxed?: RelaxedRule[];
}

/** `observed`, `assumption`, or `observed, profile 'qa'` for an expectation the profile calibrated. */
export function basisWords(expectation: Pick<UnconfirmedExpectation, 'basis' | 'profile'>): string {
  return expectation.profile ? `${expectation.basis}, profile '${expectation.profile}'` : expectation.basis;
}

export function checkVerdict(failure: CheckFailure): CheckVerdict {
  return {
    check: failure.check,
    category: failure.category,
    expected: failure.expected,
    received: failure.received,
    rule: failure.source,
    ...(failure.deviation && failure.verdict === 'advisory' ? { deviation: failure.deviation } : {}),
  };
}

/** Every check that judged the answer: failed, advisory, unconfirmed or passed (not the ones that did not apply). */
export function appliedChecks(verdicts: ScenarioVerdicts): string[] {
  return [
    ...new Set([
      ...verdicts.failed.map((f) => f.check),
      ...verdicts.advisories.map((a) => a.check),
      ...verdicts.unconfirmed.map((u) => u.check),
      ...verdicts.passed,
    ]),
  ];
}

function answerSummaryOf(value: unknown): AnswerSummary | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { status, authorizationStatus, sessionId, sessionIdSentByCpo } = value as Record<string, unknown>;
  if (typeof status !== 'number') return undefined;
  return {
    status,
    ...(typeof authorizationStatus === 'string' ? { authorizationStatus } : {}),
    ...(typeof sessionId === 'string' ? { sessionId } : {}),
    ...(sessionIdSentByCpo === true ? { sessionIdSentByCpo } : {}),
  };
}

/** Reads a verdicts.json body; undefined when it is not one (a truncated or foreign attachment). */
export function parseVerdicts(text: string): ScenarioVerdicts | undefined {
  try {
    const data = JSON.parse(text) as Partial<ScenarioVerdicts> | null;
    if (!data || typeof data !== 'object') return undefined;
    // Tolerant of missing lists: a partial record still says what it says.
    const list = <T>(value: T[] | undefined): T[] => (Array.isArray(value) ? value : []);
    const answer = answerSummaryOf(data.answer);
    return {
      scenario: String(data.scenario ?? ''),
      attempts: data.attempts,
      failed: list(data.failed).filter((f) => typeof f?.check === 'string'),
      advisories: list(data.advisories).filter((a) => typeof a?.check === 'string'),
      unconfirmed: list(data.unconfirmed).filter(
        (u) => typeof u?.check === 'string' && typeof u?.expectation === 'string',
      ),
      passed: list(data.passed).filter((p) => typeof p === 'string'),
      notApplicable: list(data.notApplicable),
      ...(answer ? { answer } : {}),
      ...(Array.isArray(data.fromProfile) && data.fromProfile.length > 0
        ? { fromProfile: data.fromProfile.filter((p) => typeof p?.expectation === 'string') }
        : {}),
      ...(Array.isArray(data.relaxed) && data.relaxed.length > 0
        ? {
            relaxed: data.relaxed.filter(
              (r) => typeof r?.setting === 'string' && typeof r?.profile === 'string',
            ),
          }
        : {}),
    };
  } catch {
    return undefined;
  }
}
