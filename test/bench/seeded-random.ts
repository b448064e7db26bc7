/**
 * A seeded pseudo-random source (mulberry32): the same seed gives the same sequence on every platform and
 * Node version, which is what makes the generated log byte-identical from run to run. Math.random cannot be
 * seeded, and crypto is needlessly slow for a million draws.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** An exponentially distributed delay with this mean (Poisson arrivals, service times). */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** `digits` lowercase hex digits (container ids, sandbox keys). */
  hex(digits: number): string {
    let out = '';
    for (let i = 0; i < digits; i++) out += '0123456789abcdef'[Math.floor(this.next() * 16)];
    return out;
  }

  /** `length` random bytes. */
  bytes(length: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < length; i++) out.push(Math.floor(this.next() * 256));
    return out;
  }

  /** A new independent stream derived from this one, so adding draws in one part leaves another's unchanged. */
  fork(): SeededRandom {
    return new SeededRandom(Math.floor(this.next() * 4294967296));
  }
}

/** Picks among weighted choices in O(log n) (cumulative table built once). */
export class WeightedChoice<T> {
  private readonly values: T[] = [];
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    let sum = 0;
    for (const [value, weight] of entries) {
      if (weight <= 0) continue;
      sum += weight;
      this.values.push(value);
      this.cumulative.push(sum);
    }
    this.total = sum;
  }

  /** Draws one value. */
  pick(random: SeededRandom): T {
    const x = random.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo]!;
  }
}
