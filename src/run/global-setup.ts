import { reportPaths } from '../report/paths.ts';
import { FailFast } from './fail-fast.ts';

/** Before the first scenario of a conformance run: the fail-fast record starts empty. */
export default function globalSetup(): void {
  FailFast.reset(reportPaths().runState);
}
