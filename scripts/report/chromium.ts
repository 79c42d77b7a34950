import fs from 'node:fs';

/** Where Debian and Ubuntu install Chromium (apt-get install chromium). */
export const SYSTEM_CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'] as const;

/** Flags for a headless, quiet, offline-friendly Chromium (no sandbox: CI containers often run as root). */
export const HEADLESS_CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
] as const;

export class ChromiumNotFound extends Error {
  override name = 'ChromiumNotFound';
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The Chromium executable to use: CHROMIUM_PATH when set (and then it must exist), else the system's
 * Chromium. Never a downloaded browser: the message says how to provide one.
 */
export function findChromium(
  env: Record<string, string | undefined> = process.env,
  isExecutable: (file: string) => boolean = isExecutableFile,
): string {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) {
    if (isExecutable(configured)) return configured;
    throw new ChromiumNotFound(
      `CHROMIUM_PATH=${configured} is not an executable file. Point it at a Chromium or Chrome executable.`,
    );
  }
  const found = SYSTEM_CHROMIUM_PATHS.find((candidate) => isExecutable(candidate));
  if (found) return found;
  throw new ChromiumNotFound(
    `No Chromium found (looked for ${SYSTEM_CHROMIUM_PATHS.join(', ')}). Install one ` +
      '(Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable. ' +
      'This script never downloads a browser.',
  );
}
