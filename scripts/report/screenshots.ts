import fs from 'node:fs';
import path from 'node:path';
import { allureReportData } from '../../src/report/report-data.ts';

/** One test of a generated Allure 3 report, as its test-results registry lists it. */
export interface ReportTest {
  id: string;
  name: string;
  status: string;
}

/** The tests of a generated Allure 3 report (its root test-results.json registry). */
export function reportTests(reportDir: string): ReportTest[] {
  const file = path.join(reportDir, 'test-results.json');
  if (!fs.existsSync(file)) return [];
  const { byId } = JSON.parse(fs.readFileSync(file, 'utf8')) as { byId?: Record<string, ReportTest> };
  return Object.values(byId ?? {});
}

function hasAdvisory(data: Map<string, Buffer>, id: string): boolean {
  try {
    const result = JSON.parse(data.get(`data/test-results/${id}.json`)?.toString('utf8') ?? '{}') as {
      labels?: Array<{ name: string }>;
    };
    return (result.labels ?? []).some((label) => label.name === 'advisory');
  } catch {
    return false;
  }
}

/**
 * The test whose detail page shows the most: a failed one (its failed check open with the explanation),
 * else one with an advisory, else the first.
 */
export function pickDetailTest(reportDir: string): ReportTest | undefined {
  const tests = reportTests(reportDir).sort((a, b) => a.name.localeCompare(b.name));
  const data = allureReportData(reportDir);
  return (
    tests.find((test) => test.status === 'failed' || test.status === 'broken') ??
    tests.find((test) => hasAdvisory(data, test.id)) ??
    tests[0]
  );
}

/** Where the screenshots go, by page. */
export function screenshotFiles(outDir: string) {
  return {
    overview: path.join(outDir, 'allure-overview.png'),
    detail: path.join(outDir, 'allure-test-detail.png'),
    categories: path.join(outDir, 'allure-categories.png'),
    qualityGate: path.join(outDir, 'allure-quality-gate.png'),
    trends: path.join(outDir, 'allure-trends.png'),
  };
}
