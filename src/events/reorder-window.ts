/**
 * Puts records from several per-CPU streams back into time order. A record is held until the newest time
 * seen is `windowNs` past it (or the caller says the trace holds nothing earlier); records then come out by
 * time, and records with the same time in the order they arrived, so one thread's records (whose times only
 * grow) keep their order, and the result depends only on the input, not on when it was released.
 */
export class ReorderWindow<T> {
  private readonly keys: number[] = [];
  private readonly seqs: number[] = [];
  private readonly items: T[] = [];
  private nextSeq = 0;
  private newest = -Infinity;
  /** The time of the last record released: anything older that arrives now is late. */
  private released = -Infinity;

  constructor(
    private readonly windowNs: number,
    private readonly release: (item: T, late: boolean) => void,
  ) {}

  get size(): number {
    return this.keys.length;
  }

  /** Adds a record stamped `ts`; releases what the window has passed. A late record is released at once. */
  push(ts: number, item: T): void {
    if (ts < this.released) {
      this.release(item, true);
      return;
    }
    this.insert(ts, this.nextSeq++, item);
    if (ts > this.newest) this.newest = ts;
    this.releaseThrough(this.newest - this.windowNs);
  }

  /** Releases every record stamped at or before `ts`. */
  releaseThrough(ts: number): void {
    while (this.keys.length > 0 && this.keys[0]! <= ts) {
      this.released = Math.max(this.released, this.keys[0]!);
      this.release(this.popTop(), false);
    }
  }

  /** Releases everything held. */
  flush(): void {
    this.releaseThrough(Infinity);
  }

  private before(a: number, b: number): boolean {
    const { keys, seqs } = this;
    return keys[a]! < keys[b]! || (keys[a] === keys[b] && seqs[a]! < seqs[b]!);
  }

  private swap(a: number, b: number): void {
    const { keys, seqs, items } = this;
    [keys[a], keys[b]] = [keys[b]!, keys[a]!];
    [seqs[a], seqs[b]] = [seqs[b]!, seqs[a]!];
    [items[a], items[b]] = [items[b]!, items[a]!];
  }

  private insert(ts: number, seq: number, item: T): void {
    this.keys.push(ts);
    this.seqs.push(seq);
    this.items.push(item);
    let index = this.keys.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(index, parent)) break;
      this.swap(index, parent);
      index = parent;
    }
  }

  private popTop(): T {
    const top = this.items[0]!;
    const last = this.keys.length - 1;
    this.swap(0, last);
    this.keys.pop();
    this.seqs.pop();
    this.items.pop();
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= this.keys.length) break;
      const right = left + 1;
      const child = right < this.keys.length && this.before(right, left) ? right : left;
      if (!this.before(child, index)) break;
      this.swap(index, child);
      index = child;
    }
    return top;
  }
}
