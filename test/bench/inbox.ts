import type { Goroutine, GoRuntime, PollData, Step } from './go-runtime.js';

/**
 * What the outside world sends to one goroutine blocked on an fd (requests on a docker.sock connection,
 * queries on a resolver listener, lines in a container's stdout fifo). Posting wakes the owner through the
 * netpoller; the owner drains what is there and parks again.
 */
export class Inbox<T> {
  private items: T[] = [];
  private head = 0;
  owner: Goroutine | null = null;

  constructor(
    private readonly rt: GoRuntime,
    readonly pollData: PollData | null,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** Delivers an item now and wakes the owner. */
  post(item: T): void {
    this.items.push(item);
    if (this.owner !== null) this.rt.wake(this.owner, this.rt.now + this.rt.quick(0.5), this.pollData);
  }

  /** Delivers an item at trace time `at`. */
  postAt(at: number, item: T): void {
    this.rt.at(at, () => this.post(item));
  }

  /** The oldest item, if any. */
  take(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
    return item;
  }

  /** The step that blocks the owner until something arrives (or `deadline`); at once if something has. */
  park(deadline: number): Step {
    if (this.size > 0) return { kind: 'park', until: this.rt.now, pollData: this.pollData };
    return { kind: 'park', until: deadline, pollData: null };
  }
}
