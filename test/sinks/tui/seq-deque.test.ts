import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SeqDeque } from '../../../src/sinks/tui/seq-deque.js';

type Step = { op: 'back' | 'front'; n: number } | { op: 'drop'; n: number };

test('pushes at both ends and drops below a bound like a sorted array would', () => {
  const step = fc.oneof(
    fc.record({ op: fc.constantFrom<'back' | 'front'>('back', 'front'), n: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ op: fc.constant<'drop'>('drop'), n: fc.integer({ min: 0, max: 60 }) }),
  );
  fc.assert(
    fc.property(fc.array(step as fc.Arbitrary<Step>, { maxLength: 60 }), (steps) => {
      const deque = new SeqDeque();
      let model: number[] = [];
      let low = 0;
      let high = 0;
      for (const s of steps) {
        if (s.op === 'back') for (let i = 0; i < s.n; i++) { deque.pushBack(high); model.push(high++); }
        else if (s.op === 'front') for (let i = 0; i < s.n; i++) { deque.pushFront(--low); model.unshift(low); }
        else { const bound = low + s.n; deque.dropBelow(bound); model = model.filter((x) => x >= bound); }
        assert.equal(deque.length, model.length);
      }
      assert.deepEqual(Array.from({ length: deque.length }, (_, i) => deque.at(i)), model);
      for (const x of [...model.slice(0, 3), low - 1, high, 0.5]) assert.equal(deque.indexOf(x), model.indexOf(x));
      assert.equal(deque.at(-1), undefined);
      assert.equal(deque.at(model.length), undefined);
    }),
  );
});
