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

/**
 * Like readInputFile, without a gap between the check and the read: the file is opened without waiting
 * (O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer), the opened file itself is
 * checked (fstat), and at most `maxBytes` + 1 bytes are read, so that a file swapped for a FIFO or a device
 * after any earlier look, or one that grows while it is read, is refused as well. Each refusal is an
 * InputError titled `title`, naming the file.
 */
export function readRegularFile(
  file: string,
  what: string,
  maxBytes: number,
  title = `Cannot read ${what}`,
): Buffer {
  const shown = displayPath(file);
  const refuse = (message: string): never => {
    throw new InputError(title, [{ file: shown, field: '', message }]);
  };
  const failure = (error: unknown): never => {
    const code = (error as NodeJS.ErrnoException).code;
    return refuse(
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory, not a file'
            : (error as Error).message,
    );
  };
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return failure(error);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) return refuse('is a directory, not a file');
    if (stat.isFIFO()) return refuse('is a named pipe (FIFO), not a file: reading it would wait forever');
    if (stat.isCharacterDevice() || stat.isBlockDevice()) return refuse('is a device, not a file');
    if (stat.isSocket()) return refuse('is a socket, not a file');
    if (!stat.isFile()) return refuse('is not a regular file');
    if (stat.size > maxBytes)
      return refuse(`is ${stat.size} bytes, more than the limit of ${maxBytes} bytes`);
    let buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        // A file that grew between the check and the read is held to the same limit.
        if (length > maxBytes) return refuse(`is more than the limit of ${maxBytes} bytes`);
        const larger = Buffer.alloc(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(larger);
        buffer = larger;
      }
      let read: number;
      try {
        read = fs.readSync(fd, buffer, length, buffer.length - length, null);
      } catch (error) {
        return failure(error);
      }
      if (read === 0) break;
      length += read;
    }
    if (length > maxBytes) return refuse(`is more than the limit of ${maxBytes} bytes`);
    return buffer.subarray(0, length);
  } finally {
    fs.closeSync(fd);
  }
}
