/**
 * Expected and received, shortened without losing what differs: when a pair is too long for its line, the
 * longest stretch the two share is shortened in both (its ends kept, its middle `…`), again and again until
 * they fit or nothing long is shared any more. What differs is never cut: a pair with nothing in common
 * stays whole, however long.
 */

/** A shared stretch shorter than this is left alone: shortening it would hide more than it saves. */
const MIN_SHARED = 14;
/** Characters kept at each end of a shortened stretch, so the reader sees where the difference sits. */
const KEEP = 5;
/** Beyond this product of lengths the search costs more than a console line is worth: the pair stays whole. */
const MAX_WORK = 4_000_000;

export function keepTheDifference(
  expected: string,
  received: string,
  room: number,
): { expected: string; received: string } {
  let a = expected;
  let b = received;
  while (Math.max(a.length, b.length) > room) {
    if (a.length * b.length > MAX_WORK) break;
    const shared = longestSharedStretch(a, b);
    if (!shared || shared.length < MIN_SHARED) break;
    const shortened = `${shared.text.slice(0, KEEP)}…${shared.text.slice(-KEEP)}`;
    a = `${a.slice(0, shared.inA)}${shortened}${a.slice(shared.inA + shared.length)}`;
    b = `${b.slice(0, shared.inB)}${shortened}${b.slice(shared.inB + shared.length)}`;
  }
  return { expected: a, received: b };
}

/** The longest substring of both that holds no `…` (a stretch already shortened is not shortened again). */
function longestSharedStretch(
  a: string,
  b: string,
): { text: string; inA: number; inB: number; length: number } | undefined {
  let best = { length: 0, endA: 0, endB: 0 };
  let previous = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const current = new Uint32Array(b.length + 1);
    const charA = a[i - 1];
    if (charA === '…') {
      previous = current;
      continue;
    }
    for (let j = 1; j <= b.length; j++) {
      if (charA !== b[j - 1]) continue;
      const length = (previous[j - 1] as number) + 1;
      current[j] = length;
      if (length > best.length) best = { length, endA: i, endB: j };
    }
    previous = current;
  }
  if (best.length === 0) return undefined;
  const inA = best.endA - best.length;
  return { text: a.slice(inA, best.endA), inA, inB: best.endB - best.length, length: best.length };
}
