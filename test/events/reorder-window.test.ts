import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ReorderWindow } from '../../src/events/reorder-window.js';

interface Item {
  cpu: number;
  tid: number;
  ts: number;
}

const WINDOW = 1_000;

/**
 * Per-CPU streams, each in time order, as bpftrace's per-CPU buffers are; a thread moves between CPUs but its
 * own records only grow in time. Each record reaches the reader less than a window after it was made, and a
 * CPU's records arrive in that CPU's order.
 */
const streams = fc
  .array(fc.record({ cpu: fc.integer({ min: 0, max: 3 }), tid: fc.integer({ min: 1, max: 5 }), gap: fc.integer({ min: 1, max: 300 }), delay: fc.integer({ min: 0, max: WINDOW - 1 }) }), { maxLength: 200 })
  .map((specs) => {
    let ts = 0;
    const lastArrival = new Map<number, number>();
    return specs.map(({ cpu, tid, gap, delay }) => {
      ts += gap;
      const arrival = Math.max(ts + delay, lastArrival.get(cpu) ?? 0);
      lastArrival.set(cpu, arrival);
      return { item: { cpu, tid, ts }, arrival };
    });
  });

function run(arrivals: { item: Item; arrival: number }[]): { out: Item[]; late: number } {
  const out: Item[] = [];
  let late = 0;
  const window = new ReorderWindow<Item>(WINDOW, (item, wasLate) => {
    out.push(item);
    if (wasLate) late++;
  });
  const byArrival = arrivals.map((entry, index) => ({ ...entry, index })).sort((a, b) => a.arrival - b.arrival || a.index - b.index);
  for (const { item } of byArrival) window.push(item.ts, item);
  window.flush();
  return { out, late };
}

test('records that arrive within the window come out in time order, none late, each thread in its own order', () => {
  fc.assert(
    fc.property(streams, (arrivals) => {
      const { out, late } = run(arrivals);
      assert.equal(late, 0);
      assert.equal(out.length, arrivals.length);
      for (let i = 1; i < out.length; i++) assert.ok(out[i - 1]!.ts <= out[i]!.ts, `ts ${out[i - 1]!.ts} before ${out[i]!.ts}`);
      const created = arrivals.map(({ item }) => item);
      for (const tid of new Set(created.map((item) => item.tid))) {
        assert.deepEqual(
          out.filter((item) => item.tid === tid),
          created.filter((item) => item.tid === tid),
        );
      }
    }),
  );
});

test('the output depends only on the records, not on when the caller released them', () => {
  fc.assert(
    fc.property(streams, fc.array(fc.integer({ min: 0, max: 60_000 }), { maxLength: 20 }), (arrivals, ticks) => {
      const reference = run(arrivals).out;
      const out: Item[] = [];
      const window = new ReorderWindow<Item>(WINDOW, (item) => out.push(item));
      const byArrival = [...arrivals].sort((a, b) => a.arrival - b.arrival);
      const sortedTicks = [...ticks].sort((a, b) => a - b);
      for (const { item, arrival } of byArrival) {
        // A live source's clock ticks release what is older than the newest arrival minus the window.
        while (sortedTicks.length > 0 && sortedTicks[0]! <= arrival - WINDOW) window.releaseThrough(sortedTicks.shift()!);
        window.push(item.ts, item);
      }
      window.flush();
      assert.deepEqual(out, reference);
    }),
  );
});

test('a record older than one already released is passed on at once and flagged late', () => {
  const out: [number, boolean][] = [];
  const window = new ReorderWindow<number>(WINDOW, (ts, late) => out.push([ts, late]));
  window.push(2_000, 2_000);
  window.push(5_000, 5_000);
  window.push(10, 10);
  window.flush();
  assert.deepEqual(out, [
    [2_000, false],
    [10, true],
    [5_000, false],
  ]);
});
