import { createHash } from 'node:crypto';

/**
 * Reports are kept (certification evidence, a nightly's artifacts) and every report format carries every
 * attachment: a 50 MB answer would be written several times over. An attachment beyond the limit keeps its
 * beginning, and says how large the whole was and its SHA-256, so that the full text (the target's log, a
 * re-run) can be matched against it.
 */
export const ATTACHMENT_LIMIT_BYTES = 64 * 1024;

export interface LimitedAttachment {
  body: string;
  contentType: string;
  /** Set when the body was cut: the size and hash of the whole. */
  cut?: { bytes: number; sha256: string };
}

const formatBytes = (bytes: number) => bytes.toLocaleString('en-US');

/** The first `limit` bytes of a UTF-8 text, never ending inside a character. */
function utf8Prefix(bytes: Buffer, limit: number): string {
  let end = Math.min(limit, bytes.length);
  // Back off continuation bytes (10xxxxxx) so that the cut falls between two characters.
  while (end > 0 && end < bytes.length && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/**
 * The attachment as it goes into the reports: unchanged up to the limit; beyond it, its first `limit` bytes
 * between a note that opens and one that closes it. A cut JSON text no longer parses: it becomes text/plain.
 */
export function limitAttachment(
  body: string,
  contentType: string,
  limit: number = ATTACHMENT_LIMIT_BYTES,
): LimitedAttachment {
  // Cheap first test: a string of n UTF-16 units is at most 3n UTF-8 bytes.
  if (body.length * 3 <= limit) return { body, contentType };
  const bytes = Buffer.from(body, 'utf8');
  if (bytes.length <= limit) return { body, contentType };
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const kept = utf8Prefix(bytes, limit);
  const keptBytes = Buffer.byteLength(kept, 'utf8');
  const note =
    `[cut: this attachment is ${formatBytes(bytes.length)} bytes; the first ${formatBytes(keptBytes)} are shown. ` +
    `SHA-256 of the whole: ${sha256}]`;
  return {
    body: `${note}\n\n${kept}\n\n[… ${formatBytes(bytes.length - keptBytes)} more bytes not kept]`,
    contentType: 'text/plain',
    cut: { bytes: bytes.length, sha256 },
  };
}
