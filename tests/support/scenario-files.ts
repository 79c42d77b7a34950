import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The fixture scenarios most command tests run: three RFID cards (tests/fixtures, not the catalogue). */
export const RFID_FILE = 'tests/fixtures/scenarios/rfid.yaml';

/** A private temporary folder. */
export const tempDir = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** A copy of the RFID scenarios with a mistake in it (an unknown severity): a configuration error. */
export function brokenScenarios(): string {
  const broken = path.join(tempDir('oicp-broken-'), 'broken.yaml');
  fs.writeFileSync(
    broken,
    fs.readFileSync(RFID_FILE, 'utf8').replace('severity: critical', 'severity: urgent'),
  );
  return broken;
}
