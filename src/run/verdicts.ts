import type { CheckFailure } from '../checks/check.ts';

/** The runner's record of one scenario's checks, attached to every test as `verdicts.json`. */
export const VERDICTS_ATTACHMENT = 'verdicts.json';

export interface CheckVerdict {
  check: string;
  category: string;
  expected: string;
  received: string;
  rule: string;
}

export interface ScenarioVerdicts {
  scenario: string;
  /** How many attempts the retry policy took (absent when nothing was sent). */
  attempts?: number;
  failed: CheckVerdict[];
  advisories: CheckVerdict[];
  passed: string[];
  notApplicable: string[];
}

export function checkVerdict(failure: CheckFailure): CheckVerdict {
  return {
    check: failure.check,
    category: failure.category,
    expected: failure.expected,
    received: failure.received,
    rule: failure.source,
  };
}

/** Every check that judged the answer: failed, advisory or passed (not the ones that did not apply). */
export function appliedChecks(verdicts: ScenarioVerdicts): string[] {
  return [
    ...verdicts.failed.map((f) => f.check),
    ...verdicts.advisories.map((a) => a.check),
    ...verdicts.passed,
  ];
}

/** Reads a verdicts.json body; undefined when it is not one (a truncated or foreign attachment). */
export function parseVerdicts(text: string): ScenarioVerdicts | undefined {
  try {
    const data = JSON.parse(text) as Partial<ScenarioVerdicts> | null;
    if (!data || typeof data !== 'object') return undefined;
    // Tolerant of missing lists: a partial record still says what it says.
    const list = <T>(value: T[] | undefined): T[] => (Array.isArray(value) ? value : []);
    return {
      scenario: String(data.scenario ?? ''),
      attempts: data.attempts,
      failed: list(data.failed).filter((f) => typeof f?.check === 'string'),
      advisories: list(data.advisories).filter((a) => typeof a?.check === 'string'),
      passed: list(data.passed).filter((p) => typeof p === 'string'),
      notApplicable: list(data.notApplicable),
    };
  } catch {
    return undefined;
  }
}
