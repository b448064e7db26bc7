/**
 * A min-heap of (time, item) deadlines. Entries are never updated in place: a caller that moves an item's
 * deadline pushes it again and ignores the stale entry when it comes out (lazy deletion), which keeps every
 * operation O(log n).
 */
export class DeadlineQueue<T> {
  private readonly times: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.times.length;
  }

  /** Adds `item` due at `time`. */
  push(time: number, item: T): void {
    const { times, items } = this;
    let index = times.length;
    times.push(time);
    items.push(item);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (times[parent]! <= time) break;
      times[index] = times[parent]!;
      items[index] = items[parent]!;
      index = parent;
    }
    times[index] = time;
    items[index] = item;
  }

  /** The earliest due time, or null when empty. */
  peekTime(): number | null {
    return this.times.length > 0 ? this.times[0]! : null;
  }

  /** Removes and returns the earliest entry's item (undefined when empty). */
  pop(): T | undefined {
    const { times, items } = this;
    if (times.length === 0) return undefined;
    const top = items[0];
    const lastTime = times.pop()!;
    const lastItem = items.pop()!;
    const size = times.length;
    if (size > 0) {
      let index = 0;
      for (;;) {
        let child = 2 * index + 1;
        if (child >= size) break;
        if (child + 1 < size && times[child + 1]! < times[child]!) child++;
        if (times[child]! >= lastTime) break;
        times[index] = times[child]!;
        items[index] = items[child]!;
        index = child;
      }
      times[index] = lastTime;
      items[index] = lastItem;
    }
    return top;
  }
}
