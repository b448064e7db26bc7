/**
 * The relative error of a quantile: the value returned is within 2% of the exact one (see quantile()).
 * Bucket bounds grow by GAMMA = (1 + α) / (1 − α); a bucket (b/γ, b] is reported as 2b / (γ + 1), which is
 * within α of every value in it (the DDSketch construction, Masson et al. 2019).
 */
export const LATENCY_RELATIVE_ERROR = 0.02;
const GAMMA = (1 + LATENCY_RELATIVE_ERROR) / (1 - LATENCY_RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);

/** Latencies at or below 1 µs (the records' resolution) share the lowest bucket, reported as 0. */
export const LATENCY_MIN_MS = 0.001;
/** Latencies above ~2.8 hours share the top bucket, so the 2% bound holds up to there. */
export const LATENCY_MAX_MS = 1e7;
const BUCKETS = Math.ceil(Math.log(LATENCY_MAX_MS / LATENCY_MIN_MS) / LOG_GAMMA) + 1;

function bucketOf(ms: number): number {
  if (!(ms > LATENCY_MIN_MS)) return 0;
  return Math.min(BUCKETS - 1, Math.max(1, Math.ceil(Math.log(ms / LATENCY_MIN_MS) / LOG_GAMMA - 1e-9)));
}

function valueOf(bucket: number): number {
  if (bucket === 0) return 0;
  return (2 * LATENCY_MIN_MS * GAMMA ** bucket) / (GAMMA + 1);
}

/**
 * Latency quantiles of a changing set of attempts in fixed memory (577 buckets): add and remove are O(1),
 * a quantile walks the buckets once, whatever the number of values. NaN and negative values are not counted.
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;

  /** How many values it holds. */
  get count(): number {
    return this.total;
  }

  /** Counts a latency in ms. */
  add(ms: number): void {
    if (!(ms >= 0)) return;
    this.counts[bucketOf(ms)]!++;
    this.total++;
  }

  /** Uncounts a latency added before. */
  remove(ms: number): void {
    if (!(ms >= 0)) return;
    const bucket = bucketOf(ms);
    if (this.counts[bucket]! <= 0) throw new RangeError(`no latency of ${ms} ms to remove`);
    this.counts[bucket]!--;
    this.total--;
  }

  /**
   * The q-quantile (0 ≤ q ≤ 1) in ms, or null when empty: within LATENCY_RELATIVE_ERROR of the value at
   * rank ⌊q·(n−1)⌋ of the sorted values (for values in [LATENCY_MIN_MS, LATENCY_MAX_MS]; ≤ 1 µs gives 0).
   */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.floor(Math.min(1, Math.max(0, q)) * (this.total - 1));
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      seen += this.counts[bucket]!;
      if (seen > rank) return valueOf(bucket);
    }
    return valueOf(BUCKETS - 1);
  }
}
