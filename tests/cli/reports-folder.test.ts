import fs from 'node:fs';
import path from 'node:path';
import { startMock } from '../../mock/server.ts';
import { MARKER_FILE } from '../../src/reports-folder/paths.ts';
import { runConformance } from '../support/conformance-run.ts';
import { brokenScenarios, RFID_FILE, tempDir } from '../support/scenario-files.ts';
import { expect, test } from '../support/test.ts';
import { expectOnlyUserFiles, expectUserFilesUntouched, writeUserFiles } from '../support/user-files.ts';

// A folder that is not the suite's (the home folder, a folder of other files) is refused before anything is
// removed or sent: the conformance command in this process. A folder a live run holds, and what a run
// stopped by a configuration error leaves behind a real one: tests/e2e/reports-folder.test.ts.
function expectUserFilesIntact(dir: string): void {
  expectUserFilesUntouched(dir);
  expectOnlyUserFiles(dir);
}

test('a folder of other files is refused before anything is removed or sent, a configuration error or not', async () => {
  const mock = await startMock({ port: 0 });
  const mine = tempDir('oicp-mine-');
  writeUserFiles(mine);
  try {
    for (const scenarios of [RFID_FILE, brokenScenarios()]) {
      const run = await runConformance({
        OICP_BASE_URL: mock.url,
        OICP_SCENARIOS: scenarios,
        OICP_REPORTS_DIR: mine,
      });
      expect(run.exitCode, run.stdout + run.stderr).toBe(2);
      expect(run.stderr).toContain(
        `The reports folder ${mine} (OICP_REPORTS_DIR) holds files that are not the suite's (notes.txt), and no run of the suite has marked it as its reports folder (${MARKER_FILE})`,
      );
      expect(run.stderr).toContain(
        `Give the run a folder of its own (a new or an empty one): OICP_REPORTS_DIR=`,
      );
      expect(run.stderr).toContain('Nothing was removed and nothing was sent.');
      expect(run.stderr).not.toContain('Configuration error');
      expectUserFilesIntact(mine);
    }
    expect(mock.requestCount()).toBe(0);
  } finally {
    await mock.close();
  }
});

test('the home folder is refused, also through a symbolic link, and nothing in it is touched', async () => {
  // A home folder of the test's own, in the environment the command is given: the real one is never involved.
  const home = tempDir('oicp-home-');
  writeUserFiles(home);
  const link = path.join(tempDir('oicp-link-'), 'reports');
  fs.symlinkSync(home, link);
  const run = await runConformance({
    HOME: home,
    OICP_BASE_URL: 'http://127.0.0.1:9',
    OICP_REPORTS_DIR: link,
  });
  expect(run.exitCode, run.stdout + run.stderr).toBe(2);
  expect(run.stderr).toContain(
    `The reports folder ${link} (OICP_REPORTS_DIR), which leads to ${fs.realpathSync(home)}, is your home folder`,
  );
  expect(run.stderr).toContain(
    `OICP_REPORTS_DIR=${path.join(fs.realpathSync(home), 'oicp-reports')} npm run conformance`,
  );
  expect(run.stderr).toContain('Nothing was removed and nothing was sent.');
  expectUserFilesIntact(home);
});
