import { reportPaths } from '../reports-folder/paths.ts';
import { FailFast } from '../run/fail-fast.ts';

/** Before the first scenario of a conformance run: the fail-fast record starts empty. */
export default function globalSetup(): void {
  FailFast.reset(reportPaths().runState);
}
