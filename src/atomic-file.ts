import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Files written whole, then renamed into place: a reader sees the old file or the new one, never half of
 * one. The temporary file is created exclusively under a name no one can guess (`.<name>.<random>.tmp` in
 * the same folder), so a file or symbolic link planted at a temporary name is never written through: the
 * creation fails instead. The rename replaces whatever stands at the final name, a symbolic link included
 * (the link itself, not its target).
 */

/** Open flags of a temporary file: created here, now, and never through a symbolic link. */
const EXCLUSIVE =
  fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0);

/** The temporary names this module uses for `name`, so that a leftover of a killed process can be told. */
export function isTemporaryName(entry: string): boolean {
  return /^\..+\.[0-9a-f]{16}\.tmp$/.test(entry);
}

function temporaryName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
}

/**
 * Creates a new file exclusively and writes `data` to it. `file` must not exist (a planted symbolic link
 * counts as existing): EEXIST otherwise, and nothing is written. A file this call created and could not
 * fill is removed.
 */
export function writeNewFile(file: string, data: string | Uint8Array, mode = 0o666): void {
  const fd = fs.openSync(file, EXCLUSIVE, mode);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    throw error;
  }
  fs.closeSync(fd);
}

/**
 * Writes `data` to `file` through an exclusively created temporary file renamed into place; `mode` as for
 * writeNewFile (0o600: for the owner only).
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o666): void {
  for (let attempt = 0; ; attempt++) {
    const temporary = temporaryName(file);
    try {
      writeNewFile(temporary, data, mode);
    } catch (error) {
      // A name taken by chance (or planted): another random name. What stands there is left alone.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 5) continue;
      throw error;
    }
    try {
      fs.renameSync(temporary, file);
    } catch (error) {
      fs.rmSync(temporary, { force: true });
      throw error;
    }
    return;
  }
}
