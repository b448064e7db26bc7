import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LATENCY_MAX_MS, LATENCY_MIN_MS, LATENCY_RELATIVE_ERROR, LatencyHistogram } from '../../../src/sinks/tui/latency-histogram.js';

/** The exact quantile the histogram approximates: the value at rank ⌊q·(n−1)⌋ of the sorted values. */
function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

const latency = fc.oneof(
  fc.double({ min: LATENCY_MIN_MS, max: LATENCY_MAX_MS, noNaN: true }),
  fc.double({ min: 0.01, max: 5000, noNaN: true }),
  fc.constantFrom(0, 0.001, 0.17, 1, 1000),
);

test('quantiles are within the documented relative error of the exact ones', () => {
  fc.assert(
    fc.property(fc.array(latency, { minLength: 1, maxLength: 300 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, q) => {
      const histogram = new LatencyHistogram();
      for (const value of values) histogram.add(value);
      const sorted = [...values].sort((a, b) => a - b);
      for (const quantile of [q, 0, 0.5, 0.99, 1]) {
        const exact = exactQuantile(sorted, quantile);
        const got = histogram.quantile(quantile)!;
        if (exact <= LATENCY_MIN_MS) assert.equal(got, 0);
        else assert.ok(Math.abs(got - exact) <= exact * LATENCY_RELATIVE_ERROR * (1 + 1e-9), `q=${quantile}: ${got} vs exact ${exact}`);
      }
    }),
    { numRuns: 500 },
  );
});

test('removing values gives the quantiles of what is left', () => {
  fc.assert(
    fc.property(fc.array(latency, { minLength: 2, maxLength: 200 }), fc.nat(), (values, cut) => {
      const histogram = new LatencyHistogram();
      for (const value of values) histogram.add(value);
      const removed = values.slice(0, cut % values.length);
      for (const value of removed) histogram.remove(value);
      const kept = values.slice(removed.length).sort((a, b) => a - b);
      assert.equal(histogram.count, kept.length);
      const exact = exactQuantile(kept, 0.99);
      const got = histogram.quantile(0.99)!;
      if (exact <= LATENCY_MIN_MS) assert.equal(got, 0);
      else assert.ok(Math.abs(got - exact) <= exact * LATENCY_RELATIVE_ERROR * (1 + 1e-9));
    }),
  );
});

test('empty gives null; NaN and negatives are not counted; removing what is not there throws', () => {
  const histogram = new LatencyHistogram();
  assert.equal(histogram.quantile(0.5), null);
  histogram.add(Number.NaN);
  histogram.add(-1);
  assert.equal(histogram.count, 0);
  assert.throws(() => histogram.remove(5), RangeError);
});
