/**
 * The SessionIDs one mock instance issued on Authorized answers, so that a request carrying a SessionID can be
 * told apart: one the mock issued is processed as usual, any other one is refused (OICP 2.3 CPO,
 * 01 Communication Paradigms, Session handling: a SessionID "that was not created by Hubject" gets "a negative
 * response", and nothing more is done).
 *
 * The memory is bounded: beyond `capacity` SessionIDs, the oldest is forgotten first (then it counts as not
 * issued). SessionIDs are compared exactly as written.
 */
const DEFAULT_SESSION_CAPACITY = 100_000;

export class IssuedSessionIds {
  readonly capacity: number;
  // A Set iterates in insertion order, so its first element is the oldest one.
  private readonly ids = new Set<string>();

  constructor(capacity: number = DEFAULT_SESSION_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`the SessionID memory needs a positive whole capacity, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  /** Remembers a SessionID the mock sent on an Authorized answer (again: it becomes the newest). */
  remember(sessionId: string): void {
    this.ids.delete(sessionId);
    this.ids.add(sessionId);
    while (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest === undefined) break;
      this.ids.delete(oldest);
    }
  }

  issued(sessionId: string): boolean {
    return this.ids.has(sessionId);
  }

  /** Forgets a SessionID (an authorization under it failed: OICP 2.3 CPO, 02, eRoamingAuthorizeStart). */
  forget(sessionId: string): void {
    this.ids.delete(sessionId);
  }

  get size(): number {
    return this.ids.size;
  }
}
