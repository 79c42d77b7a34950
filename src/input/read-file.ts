import fs from 'node:fs';
import { displayPath, InputError } from './errors.ts';

/** The largest input file read (scenario files, profiles, certificates): far above any real one. */
export const MAX_INPUT_FILE_BYTES = 5 * 1024 * 1024;

/**
 * Reads a file the user named, refusing what would hang or swamp the run before a byte is read: a
 * directory, a FIFO (reading it blocks forever), a device such as /dev/zero (endless), a socket, or a
 * file over the size limit. Each refusal is an InputError naming the file.
 */
export function readInputFile(file: string, what: string, maxBytes = MAX_INPUT_FILE_BYTES): Buffer {
  const shown = displayPath(file);
  const refuse = (message: string): never => {
    throw new InputError(`Cannot read ${what}; nothing was sent`, [{ file: shown, field: '', message }]);
  };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return refuse(
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EACCES'
          ? 'permission denied'
          : (error as Error).message,
    );
  }
  if (stat.isDirectory()) return refuse('is a directory, not a file');
  if (stat.isFIFO()) return refuse('is a named pipe (FIFO), not a file: reading it would wait forever');
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return refuse('is a device, not a file');
  if (stat.isSocket()) return refuse('is a socket, not a file');
  if (!stat.isFile()) return refuse('is not a regular file');
  if (stat.size > maxBytes) return refuse(`is ${stat.size} bytes, more than the limit of ${maxBytes} bytes`);
  try {
    const content = fs.readFileSync(file);
    // A file that grew between the check and the read is held to the same limit.
    if (content.length > maxBytes) return refuse(`is more than the limit of ${maxBytes} bytes`);
    return content;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return refuse(code === 'EACCES' ? 'permission denied' : (error as Error).message);
  }
}
