import { EXCHANGE_FORMAT } from '../../src/exchange/log-entry.ts';

/**
 * One line of an exchange log as a run writes it (docs/exchanges.md): a passed scenario `scenario` that was
 * answered 200 with an empty body; `changes` replace any part (an answer body, a `noAnswer` instead of the
 * answer, a verdict).
 */
export function exchangeRecord(
  scenario: string,
  changes: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    format: EXCHANGE_FORMAT,
    runId: 'r',
    scenario,
    profile: 'mock',
    target: 'http://127.0.0.1:1',
    request: { method: 'POST', url: 'http://127.0.0.1:1/p', path: '/p', headers: {}, body: {}, bytes: 2 },
    answer: { status: 200, reason: 'OK', headers: {}, body: {}, bytes: 2, elapsedMs: 1 },
    attempts: 1,
    verdict: 'passed',
    generated: [],
    ...changes,
  };
}
