import type { FullConfig, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { ANNOTATION } from '../record/run-record.ts';
import { escapeControlCharacters } from '../text.ts';

const MARK: Record<TestResult['status'], string> = {
  passed: '✓',
  failed: '✘',
  timedOut: '✘',
  interrupted: '✘',
  skipped: '-',
};

/**
 * One line per scenario as it ends, naming the scenario's own file and line (`data/scenarios/rfid.yaml:12`)
 * instead of the spec that turns every scenario into a test. It replaces Playwright's list and dot reporters
 * in a conformance run: they would list every failure a second time after the run, beside the conformance
 * summary that states each with its expected and received.
 */
export default class ProgressReporter implements Reporter {
  private total = 0;
  private done = 0;

  printsToStdio(): boolean {
    return true;
  }

  onBegin(_config: FullConfig, suite: Suite): void {
    this.total = suite.allTests().length;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.done++;
    process.stdout.write(`${progressLine(test, result, this.done, this.total)}\n`);
  }
}

/** `  ✓ 12/135 data/scenarios/rfid.yaml:12 › RFID › A card is authorized [rfid-ok] (64ms)`. */
export function progressLine(
  test: Pick<TestCase, 'title' | 'annotations' | 'location' | 'parent'>,
  result: Pick<TestResult, 'status' | 'duration' | 'annotations'>,
  done: number,
  total: number,
): string {
  const annotations = [...test.annotations, ...result.annotations];
  const source =
    annotations.find((a) => a.type === ANNOTATION.source)?.description ??
    `${test.location.file}:${test.location.line}`;
  const feature = test.parent.title ? `${test.parent.title} › ` : '';
  const skipped = result.status === 'skipped' ? ' (skipped)' : ` (${Math.round(result.duration)}ms)`;
  const width = String(total).length;
  return escapeControlCharacters(
    `  ${MARK[result.status]} ${String(done).padStart(width)}/${total} ${source} › ${feature}${test.title}${skipped}`,
  );
}
