import { stripVTControlCharacters } from 'node:util';
import type { CheckFailure } from '../checks/check.ts';
import type { Profile } from '../config/profile.ts';
import {
  FAILURE_CATEGORY_ANNOTATION,
  FAILURE_CATEGORY_LABEL,
  type FailureCategory,
  failureCategory,
} from '../record/failure-category.ts';
import { appliedChecks, type ScenarioVerdicts } from '../record/verdicts.ts';
import type { Redactor } from '../redact.ts';
import type { ResponseEvidence } from '../run/scenario-runner.ts';
import type { Scenario } from '../scenarios/types.ts';
import { markdownText } from '../text.ts';
import { applyMetadata, scenarioMetadata, typeLink } from './allure-labels.ts';
import { type AllureMetadata, sendMetadata } from './allure-metadata.ts';
import { type OicpType, typesOfChecks } from './oicp-docs.ts';

/** The Allure label naming each advisory a scenario raised (the report's "Advisories" category). */
const ADVISORY_LABEL = 'advisory';

/**
 * The Allure label naming each expectation the target did not confirm (observed behaviour or assumption, not
 * an OICP rule): the report's category "Expectation not confirmed by this target".
 */
export const UNCONFIRMED_LABEL = 'unconfirmed';

/**
 * The Allure label naming each OICP rule a profile setting relaxed for the scenario (`invalidRequests.enforced`,
 * `hubjectDeviations: E-17`): the report's category "Passed with an OICP rule relaxed by the profile".
 */
export const RELAXED_RULE_LABEL = 'relaxedRule';

/**
 * Hubject's Process-ID header of an answer (the reference to quote in a Hubject support ticket), whatever
 * its case; undefined when absent or blank.
 */
export function processIdOf(headers: Readonly<Record<string, string>>): string | undefined {
  const value = Object.entries(headers).find(([name]) => name.toLowerCase() === 'process-id')?.[1];
  return value?.trim() ? value.trim() : undefined;
}

/** What the report takes from a scenario's verdicts: labels for its categories, links for its OICP types. */
export interface VerdictsEvidence {
  failed: Array<{ check: string; category: string }>;
  applied: string[];
  /** `<expectation> (<basis>)` of each expectation the target did not confirm. */
  unconfirmed: string[];
  /** `<setting> (profile '<name>')` of each OICP rule a profile setting relaxed. */
  relaxed: string[];
}

export function verdictsEvidence(verdicts: ScenarioVerdicts): VerdictsEvidence {
  return {
    failed: verdicts.failed,
    applied: appliedChecks(verdicts),
    unconfirmed: verdicts.unconfirmed.map((u) => `${u.expectation} (${u.basis})`),
    relaxed: [...new Set((verdicts.relaxed ?? []).map((r) => `${r.setting} (profile '${r.profile}')`))],
  };
}

/** The scenario's description, followed by its best-practice findings (Markdown). */
function describeWithFindings(description: string | undefined, findings: readonly string[]): string {
  const list = findings.map((finding) => `- ${markdownText(finding)}`).join('\n');
  return [
    ...(description ? [description, ''] : []),
    '**Best-practice findings** (advisories: reported, they do not fail the scenario):',
    '',
    list,
  ].join('\n');
}

/** How the test ended, as Playwright's TestInfo tells it after the body ran. */
export interface TestOutcome {
  status?: string;
  expectedStatus: string;
  error?: { message?: string };
  annotations: Array<{ type: string; description?: string }>;
}

/**
 * The Allure side of one scenario beyond the runner's steps and attachments, in two messages. At its start,
 * what the scenario is: labels, links and parameters (a scenario that never ends still sits in its feature).
 * At its end (`finish`), what became of it: Hubject's Process-ID, the HTTP status and the response time of
 * the answer, the OICP types the applied checks rest on, advisories and, when the scenario failed, its
 * category. Each message is a Playwright step with a stack trace of its own, which costs more than the label
 * it carries. Everything taken from the target's answer passes the profile's redactor first.
 */
export class AllureEvidence {
  private readonly linkedTypes = new Set<OicpType>();
  private readonly advisories = new Set<string>();
  private readonly findings: string[] = [];
  private failedChecks: VerdictsEvidence['failed'] = [];
  private timeBudgetMs?: number;
  private description?: string;
  /** What the scenario's end tells, gathered while it runs. */
  private readonly outcome: Required<Pick<AllureMetadata, 'labels' | 'links' | 'parameters'>> = {
    labels: [],
    links: [],
    parameters: [],
  };

  constructor(private readonly redactor: Redactor) {}

  async describe(scenario: Scenario, profile: Profile): Promise<void> {
    const metadata = scenarioMetadata(scenario, profile);
    this.timeBudgetMs = profile.timeBudgetMs;
    this.description = metadata.description;
    for (const type of metadata.linkedTypes) this.linkedTypes.add(type);
    await applyMetadata(metadata);
  }

  async advisory(finding: CheckFailure): Promise<void> {
    if (this.advisories.has(finding.check)) return;
    const first = this.advisories.size === 0;
    this.advisories.add(finding.check);
    // An accepted Hubject deviation says which one: the category groups by this value.
    const value = finding.deviation
      ? `${finding.check} (Hubject deviation ${finding.deviation})`
      : finding.check;
    this.findings.push(finding.oneLine);
    this.outcome.labels.push(...(first ? [tag(ADVISORY_LABEL)] : []), { name: ADVISORY_LABEL, value });
  }

  /**
   * After the test body: what became of the scenario, in one message. A failed scenario also gets its
   * category (Allure label and Playwright annotation), which it returns.
   */
  async finish(outcome: TestOutcome): Promise<FailureCategory | undefined> {
    const category = this.failureCategoryOf(outcome);
    if (category) {
      outcome.annotations.push({ type: FAILURE_CATEGORY_ANNOTATION, description: category });
      this.outcome.labels.push({ name: FAILURE_CATEGORY_LABEL, value: category });
    }
    const { labels, links, parameters } = this.outcome;
    if (labels.length > 0 || links.length > 0 || parameters.length > 0)
      await sendMetadata({
        ...(labels.length > 0 ? { labels } : {}),
        ...(links.length > 0 ? { links } : {}),
        ...(parameters.length > 0 ? { parameters } : {}),
        // A passed scenario opens with its findings: they are what a reader of a passed scenario must see.
        ...(this.findings.length > 0
          ? { description: describeWithFindings(this.description, this.findings) }
          : {}),
      });
    return category;
  }

  private failureCategoryOf(outcome: TestOutcome): FailureCategory | undefined {
    if (outcome.status === undefined || outcome.status === outcome.expectedStatus) return undefined;
    const message = outcome.error?.message ? stripVTControlCharacters(outcome.error.message) : undefined;
    return failureCategory(this.failedChecks, message);
  }

  /** The answer judged, as the runner tells it (masked): Process-ID, HTTP status and time as parameters. */
  async answered(response: ResponseEvidence): Promise<void> {
    // Excluded from the history key: these change from run to run.
    const processId = processIdOf(response.headers);
    const budget = this.timeBudgetMs === undefined ? '' : ` (budget ${this.timeBudgetMs} ms)`;
    this.outcome.parameters.push(
      ...(processId ? [{ name: 'Process-ID', value: this.redactor.text(processId), excluded: true }] : []),
      ...(response.status ? [{ name: 'HTTP status', value: response.status, excluded: true }] : []),
      { name: 'response time', value: `${Math.round(response.elapsedMs)} ms${budget}`, excluded: true },
    );
  }

  /** The scenario's verdicts, as the runner tells them: categories, unconfirmed expectations, OICP type links. */
  async judged(scenarioVerdicts: ScenarioVerdicts): Promise<void> {
    const verdicts = verdictsEvidence(scenarioVerdicts);
    this.failedChecks = verdicts.failed;
    const types = typesOfChecks(verdicts.applied).filter((type) => !this.linkedTypes.has(type));
    for (const type of types) this.linkedTypes.add(type);
    this.outcome.labels.push(
      ...(verdicts.unconfirmed.length > 0 ? [tag(UNCONFIRMED_LABEL)] : []),
      ...verdicts.unconfirmed.map((value) => ({ name: UNCONFIRMED_LABEL, value })),
      ...(verdicts.relaxed.length > 0 ? [tag(RELAXED_RULE_LABEL)] : []),
      ...verdicts.relaxed.map((value) => ({ name: RELAXED_RULE_LABEL, value })),
    );
    this.outcome.links.push(...types.map(typeLink));
  }
}

/** An Allure tag: the label the report's tag filter reads. */
function tag(value: string): { name: string; value: string } {
  return { name: 'tag', value };
}
