import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { conformanceUsage } from '../../src/cli/usage.ts';
import { projectRoot } from '../../src/paths.ts';

/** `node --import tsx src/cli/conformance.ts <args>` as `npm run conformance -- <args>` starts it. */
function conformance(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  for (const key of Object.keys(childEnv))
    if (key.startsWith('TEST_') || key.startsWith('PW_')) delete childEnv[key];
  delete childEnv.FORCE_COLOR;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/conformance.ts', ...args], {
      cwd: projectRoot,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

for (const flag of ['--help', '-h']) {
  test(`npm run conformance -- ${flag} prints the usage, exits 0 and reads, starts and writes nothing`, async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-help-'));
    const reportsDir = path.join(parent, 'reports');
    const run = await conformance([flag, '--grep', '@smoke'], {
      OICP_REPORTS_DIR: reportsDir,
      // Read before anything else by a run: a settings file that does not exist would stop it with exit 2.
      OICP_SETTINGS_FILE: path.join(parent, 'no-such.env'),
      OICP_ENV: 'no-such-profile',
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toBe(conformanceUsage());
    expect(run.stderr).toBe('');
    // No reports folder, no lock, no mock, no Playwright: the folder was never even created.
    expect(fs.readdirSync(parent)).toEqual([]);
    expect(fs.existsSync(reportsDir)).toBe(false);
  });
}
