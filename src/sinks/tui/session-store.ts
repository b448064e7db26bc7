import { OUTCOMES, type Outcome } from '../../sessions/outcome.js';
import type { SessionRecord } from '../../sessions/record-schemas.js';
import { buildSearchKey } from './search-key.js';
import { isFailedSession } from './session-failure.js';

/** How many sessions the TUI keeps unless told otherwise. */
export const DEFAULT_RETENTION = 100_000;

/** Something kept in step with the retained sessions (the summary): told of each one stored and evicted. */
export interface SessionObserver {
  add(record: SessionRecord): void;
  remove(record: SessionRecord): void;
}

export interface SessionStoreOptions {
  /** The most sessions kept; the oldest goes first. */
  retention?: number;
  observers?: readonly SessionObserver[];
}

/** What the store dropped to stay within its retention, for the header to say. */
export interface EvictionCounts {
  sessions: number;
  attempts: number;
  /** Evicted attempts by outcome; every outcome is present. */
  outcomes: Record<Outcome, number>;
}

/**
 * The sessions the TUI shows: the newest `retention` of them in a ring buffer. Each stored session gets the
 * next sequence number (0, 1, 2, … never reused), so a view can name rows by number and tell evicted ones
 * (below `firstSeq`) without being told. The search key and the failure flag are computed once, here.
 */
export class SessionStore {
  readonly retention: number;
  readonly evicted: EvictionCounts = { sessions: 0, attempts: 0, outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number> };
  private readonly records: SessionRecord[] = [];
  private readonly keys: string[] = [];
  private readonly failures: Uint8Array;
  private readonly seqById = new Map<number, number>();
  private readonly observers: readonly SessionObserver[];
  private next = 0;

  constructor(options: SessionStoreOptions = {}) {
    const retention = options.retention ?? DEFAULT_RETENTION;
    if (!Number.isInteger(retention) || retention < 1) throw new RangeError(`retention must be a positive integer, not ${retention}`);
    this.retention = retention;
    this.failures = new Uint8Array(retention);
    this.observers = options.observers ?? [];
  }

  /** How many sessions are retained. */
  get size(): number {
    return this.next - this.firstSeq;
  }

  /** The sequence number of the oldest retained session (equal to nextSeq when the store is empty). */
  get firstSeq(): number {
    return Math.max(0, this.next - this.retention);
  }

  /** The sequence number the next stored session will get. */
  get nextSeq(): number {
    return this.next;
  }

  /** Stores a session, evicting the oldest when full; returns its sequence number. O(1). */
  append(record: SessionRecord): number {
    const seq = this.next;
    const slot = seq % this.retention;
    if (seq >= this.retention) this.evict(seq - this.retention, slot);
    this.records[slot] = record;
    this.keys[slot] = buildSearchKey(record);
    this.failures[slot] = isFailedSession(record) ? 1 : 0;
    this.seqById.set(record.id, seq);
    this.next = seq + 1;
    for (const observer of this.observers) observer.add(record);
    return seq;
  }

  /** The session with sequence number `seq`, if it is retained. */
  get(seq: number): SessionRecord | undefined {
    return this.holds(seq) ? this.records[seq % this.retention] : undefined;
  }

  /** The session at `position` (0 = the oldest retained). */
  at(position: number): SessionRecord | undefined {
    return this.get(this.firstSeq + position);
  }

  /** The lowercase search key of a retained session ('' when it is not retained). */
  searchKey(seq: number): string {
    return this.holds(seq) ? this.keys[seq % this.retention]! : '';
  }

  /** Whether a retained session is a failure (see isFailedSession). */
  failed(seq: number): boolean {
    return this.holds(seq) && this.failures[seq % this.retention] === 1;
  }

  /** The sequence number of the retained session with this id (the latest stored, should an id repeat). */
  seqOfId(id: number): number | undefined {
    return this.seqById.get(id);
  }

  private holds(seq: number): boolean {
    return Number.isInteger(seq) && seq >= this.firstSeq && seq < this.next;
  }

  private evict(seq: number, slot: number): void {
    const record = this.records[slot]!;
    this.evicted.sessions++;
    this.evicted.attempts += record.attempts.length;
    for (const attempt of record.attempts) this.evicted.outcomes[attempt.outcome as Outcome]++;
    if (this.seqById.get(record.id) === seq) this.seqById.delete(record.id);
    for (const observer of this.observers) observer.remove(record);
  }
}
