import type { Check, CheckFailure, UnmetExpectation } from '../checks/check.ts';
import type { DeviationId } from '../checks/deviations.ts';
import type { UnconfirmedExpectation } from '../record/verdicts.ts';
import { basisOf } from '../scenarios/basis.ts';
import type { Scenario } from '../scenarios/types.ts';

/** What one check's finding amounts to for this scenario and target. */
export interface Judgement {
  /** Fails the scenario: a broken OICP rule (or an expectation whose basis is a rule). */
  failure?: CheckFailure;
  /** Reported, never fails: a best-practice finding, or a known Hubject deviation the profile accepts. */
  advisory?: CheckFailure;
  /** Expectations that are observed behaviour or assumptions the target did not meet. */
  unconfirmed: UnconfirmedExpectation[];
}

/**
 * Decides what a finding means, in this order: an advisory check stays an advisory; a known Hubject
 * deviation the profile accepts becomes an advisory marked with its erratum; a finding about the scenario's
 * expectations fails only for those whose basis is an OICP rule, the others are "not confirmed by this
 * target"; anything else is a failure.
 */
export function judgeFinding(
  check: Check,
  finding: CheckFailure,
  scenario: Pick<Scenario, 'expect'>,
  acceptedDeviations: readonly DeviationId[],
): Judgement {
  if (finding.verdict === 'advisory') return { advisory: finding, unconfirmed: [] };
  if (finding.deviation && acceptedDeviations.includes(finding.deviation))
    return { advisory: finding.asDeviationAdvisory(), unconfirmed: [] };

  const unmet: UnmetExpectation[] | undefined =
    finding.unmet ??
    (check.expectation
      ? [{ expectation: check.expectation, expected: finding.expected, received: finding.received }]
      : undefined);
  if (!unmet) return { failure: finding, unconfirmed: [] };

  const broken: UnmetExpectation[] = [];
  const unconfirmed: UnconfirmedExpectation[] = [];
  for (const expectation of unmet) {
    const basis = basisOf(scenario, expectation.expectation);
    if (basis.kind === 'rule') broken.push(expectation);
    else
      unconfirmed.push({
        check: check.name,
        ...expectation,
        basis: basis.kind,
        citation: basis.citation,
        ...(basis.profile ? { profile: basis.profile } : {}),
      });
  }
  if (broken.length === 0) return { unconfirmed };
  return { failure: broken.length === unmet.length ? finding : finding.narrowedTo(broken), unconfirmed };
}
