import path from 'node:path';
import { reportsDir } from '../paths.ts';

/** Where a conformance run writes its results (all generated, all git-ignored). OICP_REPORTS_DIR moves them. */
export function reportPaths(env: Record<string, string | undefined> = process.env) {
  const root = env.OICP_REPORTS_DIR ? path.resolve(env.OICP_REPORTS_DIR) : reportsDir;
  return {
    root,
    allureResults: path.join(root, 'allure-results'),
    allureReport: path.join(root, 'allure-report'),
    junit: path.join(root, 'junit.xml'),
    json: path.join(root, 'results.json'),
    html: path.join(root, 'html'),
    testOutput: path.join(root, 'test-output'),
  };
}
