import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMock } from '../../mock/server.ts';
import { runConformance, scenarioResults } from '../support/conformance-run.ts';
import { expect, test } from '../support/test.ts';

// The settings file as far as only a whole run shows: Playwright and its workers get the values the command
// applied. How the file is read is tested in this process (tests/unit/settings-file.test.ts), what the command
// decides with it before Playwright starts in tests/cli/settings-file.test.ts.

function settingsFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-settings-'));
  const file = path.join(dir, 'qa.env');
  fs.writeFileSync(file, text);
  return file;
}

test('the conformance run reads the settings file and its workers see the values', async () => {
  const mock = await startMock({ port: 0 });
  try {
    const file = settingsFile(
      [`OICP_BASE_URL=${mock.url}`, 'OICP_SCENARIOS=tests/fixtures/scenarios/batch.yaml'].join('\n'),
    );
    const run = await runConformance({ OICP_SETTINGS_FILE: file });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`Settings: ${file} (2 value(s) not already set in the environment)`);
    expect(scenarioResults(run).every((r) => r.status === 'passed')).toBe(true);
    expect(mock.requestCount()).toBe(scenarioResults(run).length);
  } finally {
    await mock.close();
  }
});
