import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { conformanceUsage } from '../../src/cli/usage.ts';
import { runConformanceProcess } from '../support/conformance-run.ts';
import { expect, test } from '../support/test.ts';

for (const flag of ['--help', '-h']) {
  test(`npm run conformance -- ${flag} prints the usage, exits 0 and reads, starts and writes nothing`, async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-help-'));
    const reportsDir = path.join(parent, 'reports');
    const run = await runConformanceProcess(
      {
        OICP_REPORTS_DIR: reportsDir,
        // Read before anything else by a run: a settings file that does not exist would stop it with exit 2.
        OICP_SETTINGS_FILE: path.join(parent, 'no-such.env'),
        OICP_ENV: 'no-such-profile',
      },
      { args: [flag, '--grep', '@smoke'], timeoutMs: 30_000 },
    );
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toBe(conformanceUsage());
    expect(run.stderr).toBe('');
    // No reports folder, no lock, no mock, no Playwright: the folder was never even created.
    expect(fs.readdirSync(parent)).toEqual([]);
    expect(fs.existsSync(reportsDir)).toBe(false);
  });
}
