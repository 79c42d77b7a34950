import path from 'node:path';
import { reportsDir } from '../paths.ts';

/**
 * Where a conformance run writes its results (all generated, all git-ignored). OICP_REPORTS_DIR moves them.
 *
 * The Allure history is the one file that must outlive a run: allure-results and allure-report are
 * replaced every time, the history file is appended to. OICP_ALLURE_HISTORY puts it elsewhere (e.g. a
 * folder a CI cache restores), relative paths being taken from the working directory.
 */
export function reportPaths(env: Record<string, string | undefined> = process.env) {
  const root = env.OICP_REPORTS_DIR ? path.resolve(env.OICP_REPORTS_DIR) : reportsDir;
  const history = env.OICP_ALLURE_HISTORY?.trim();
  return {
    root,
    allureResults: path.join(root, 'allure-results'),
    allureReport: path.join(root, 'allure-report'),
    allureHistory: history ? path.resolve(history) : path.join(root, 'history', 'allure-history.jsonl'),
    junit: path.join(root, 'junit.xml'),
    json: path.join(root, 'results.json'),
    html: path.join(root, 'html'),
    testOutput: path.join(root, 'test-output'),
    screenshots: path.join(root, 'screenshots'),
    /** State the workers of one run share (the fail-fast record); replaced by every run. */
    runState: path.join(root, '.run-state'),
  };
}
