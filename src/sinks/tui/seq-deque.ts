/**
 * An ascending list of session sequence numbers that grows at both ends and drops from the front: the rows
 * of a filtered view. New sessions join at the back, a backward scan of older ones joins at the front, and
 * eviction trims the front. A ring over a Float64Array (sequence numbers pass 2^31 in a long live run) keeps
 * all three O(1) amortised and a million entries in 8 MB.
 */
export class SeqDeque {
  private buffer = new Float64Array(16);
  private mask = 15;
  private start = 0;
  private size = 0;

  /** How many sequence numbers it holds. */
  get length(): number {
    return this.size;
  }

  /** The sequence number at `index` (0 = the oldest); undefined outside [0, length). */
  at(index: number): number | undefined {
    if (index < 0 || index >= this.size || !Number.isInteger(index)) return undefined;
    return this.buffer[(this.start + index) & this.mask];
  }

  /** Appends a sequence number larger than every one held. */
  pushBack(seq: number): void {
    if (this.size === this.buffer.length) this.grow();
    this.buffer[(this.start + this.size) & this.mask] = seq;
    this.size++;
  }

  /** Prepends a sequence number smaller than every one held. */
  pushFront(seq: number): void {
    if (this.size === this.buffer.length) this.grow();
    this.start = (this.start - 1) & this.mask;
    this.buffer[this.start] = seq;
    this.size++;
  }

  /** Drops the sequence numbers below `seq` (the evicted ones) from the front. */
  dropBelow(seq: number): void {
    const drop = this.lowerBound(seq);
    this.start = (this.start + drop) & this.mask;
    this.size -= drop;
  }

  /** The index of the first sequence number ≥ `seq` (length when there is none): a binary search. */
  lowerBound(seq: number): number {
    let low = 0;
    let high = this.size;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.buffer[(this.start + middle) & this.mask]! < seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The index of `seq`, or -1 when it is not held. */
  indexOf(seq: number): number {
    const index = this.lowerBound(seq);
    return index < this.size && this.buffer[(this.start + index) & this.mask] === seq ? index : -1;
  }

  private grow(): void {
    const next = new Float64Array(this.buffer.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = this.buffer[(this.start + i) & this.mask]!;
    this.buffer = next;
    this.mask = next.length - 1;
    this.start = 0;
  }
}
