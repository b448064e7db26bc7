import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DeadlineQueue } from '../../src/sessions/deadline-queue.js';

test('entries come out earliest first, whatever the order they went in', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { maxLength: 200 }), (times) => {
      const queue = new DeadlineQueue<number>();
      times.forEach((time, index) => queue.push(time, index));
      const out: number[] = [];
      while (queue.peekTime() !== null) out.push(times[queue.pop()!]!);
      assert.deepEqual(out, [...times].sort((a, b) => a - b));
      assert.equal(queue.size, 0);
      assert.equal(queue.pop(), undefined);
    }),
  );
});

test('interleaved pushes and pops keep the earliest at the top', () => {
  const queue = new DeadlineQueue<string>();
  queue.push(5, 'five');
  queue.push(1, 'one');
  assert.equal(queue.pop(), 'one');
  queue.push(3, 'three');
  queue.push(9, 'nine');
  assert.equal(queue.peekTime(), 3);
  assert.deepEqual([queue.pop(), queue.pop(), queue.pop()], ['three', 'five', 'nine']);
});
