import type { SessionRecord } from '../../sessions/record-schemas.js';
import { SeqDeque } from './seq-deque.js';
import { buildFilterTest, isEmptyFilter, type SessionFilter } from './session-filter.js';
import type { SessionStore } from './session-store.js';

/**
 * How many older sessions one `scan()` tests by default: 2 to 4 ms of the slowest filters on a million retained
 * sessions (`npm run bench:tui`), which leaves most of a 16 ms frame for drawing and for a GC pause.
 */
export const DEFAULT_SCAN_PER_FRAME = 25_000;

/**
 * The store's sessions that pass a filter, by position (0 = the oldest that passes). It keeps only the
 * sequence numbers of the rows that pass, never copies a session, and catches up with the store when asked
 * anything: sessions stored since are tested (one test each), evicted ones are trimmed from the front.
 *
 * A new filter over a full store cannot be tested in one frame (a million `/` tests take ~100 ms), so the
 * older sessions are tested newest first, `scan()` by `scan()`, and `complete` says when all have been;
 * until then the count is what has been found so far and rows appear at the front. The empty filter is
 * the store itself and costs nothing.
 */
export class SessionView {
  readonly filter: SessionFilter;
  private readonly store: SessionStore;
  private readonly test: ((seq: number) => boolean) | null;
  private readonly seqs = new SeqDeque();
  /** Sessions with sequence numbers in [low, high) have been tested. */
  private low: number;
  private high: number;

  constructor(store: SessionStore, filter: SessionFilter) {
    this.store = store;
    this.filter = filter;
    this.test = isEmptyFilter(filter) ? null : buildFilterTest(store, filter);
    this.low = this.high = store.nextSeq;
  }

  /** Whether every retained session has been tested (always, for the empty filter). */
  get complete(): boolean {
    this.catchUp();
    return this.test === null || this.low <= this.store.firstSeq;
  }

  /** How many retained sessions have not been tested yet. */
  get pending(): number {
    this.catchUp();
    return this.test === null ? 0 : Math.max(0, this.low - this.store.firstSeq);
  }

  /** Tests up to `limit` of the older untested sessions, newest first; returns how many it tested. */
  scan(limit = DEFAULT_SCAN_PER_FRAME): number {
    this.catchUp();
    if (this.test === null) return 0;
    const stop = Math.max(this.store.firstSeq, this.low - limit);
    const tested = this.low - stop;
    for (let seq = this.low - 1; seq >= stop; seq--) if (this.test(seq)) this.seqs.pushFront(seq);
    this.low = stop;
    return tested;
  }

  /** How many rows the view has (so far, while not complete). */
  get count(): number {
    this.catchUp();
    return this.test === null ? this.store.size : this.seqs.length;
  }

  /** The sequence number of the row at `position`. */
  seqAt(position: number): number | undefined {
    this.catchUp();
    if (this.test !== null) return this.seqs.at(position);
    return Number.isInteger(position) && position >= 0 && position < this.store.size ? this.store.firstSeq + position : undefined;
  }

  /** The session at `position`. */
  rowAt(position: number): SessionRecord | undefined {
    const seq = this.seqAt(position);
    return seq === undefined ? undefined : this.store.get(seq);
  }

  /** The position of the row with this sequence number, or -1 when the view does not show it (yet). */
  positionOfSeq(seq: number): number {
    this.catchUp();
    if (this.test !== null) return this.seqs.indexOf(seq);
    return seq >= this.store.firstSeq && seq < this.store.nextSeq && Number.isInteger(seq) ? seq - this.store.firstSeq : -1;
  }

  /** The position of the first row whose sequence number is ≥ `seq` (count when none): where a lost row was. */
  positionAtOrAfter(seq: number): number {
    this.catchUp();
    if (this.test !== null) return this.seqs.lowerBound(seq);
    return Math.min(this.store.size, Math.max(0, Math.ceil(seq) - this.store.firstSeq));
  }

  /** The position of the session with this id, or -1 when it is not retained or the view does not show it. */
  positionOfId(id: number): number {
    const seq = this.store.seqOfId(id);
    return seq === undefined ? -1 : this.positionOfSeq(seq);
  }

  /** Tests the sessions stored since the last call and forgets the evicted ones. */
  private catchUp(): void {
    if (this.test === null) return;
    const { firstSeq, nextSeq } = this.store;
    for (let seq = Math.max(this.high, firstSeq); seq < nextSeq; seq++) if (this.test(seq)) this.seqs.pushBack(seq);
    this.high = nextSeq;
    // When more was stored than retained since the last call, nothing below firstSeq was tested: still complete.
    this.low = Math.min(this.high, Math.max(this.low, firstSeq));
    this.seqs.dropBelow(firstSeq);
  }
}
