import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { SessionRecord } from '../../../src/sessions/record-schemas.js';
import { isFailedSession } from '../../../src/sinks/tui/session-failure.js';
import { NO_FILTER, type SessionFilter } from '../../../src/sinks/tui/session-filter.js';
import { SessionStore } from '../../../src/sinks/tui/session-store.js';
import { SessionView } from '../../../src/sinks/tui/session-view.js';
import { SeededRandom } from '../../bench/seeded-random.js';
import { buildSyntheticSession, loadTemplateSession } from '../../support/synthetic-sessions.js';

const template = loadTemplateSession();
const random = new SeededRandom(7);
const pool: SessionRecord[] = Array.from({ length: 400 }, (_, i) => buildSyntheticSession(template, i + 1, random));

/** The reference: a filter written the slow, obvious way, field by field, over the record itself. */
function naiveMatch(record: SessionRecord, filter: SessionFilter): boolean {
  if (filter.failuresOnly && !isFailedSession(record)) return false;
  if (filter.netns !== null && !record.attempts.some((a) => a.netns.label === filter.netns)) return false;
  const fields = [record.query?.name, record.client?.address, record.client?.netns?.label, record.verdict];
  for (const a of record.attempts) fields.push(a.query?.name, a.source, a.upstream, a.netns.label);
  const text = filter.text.toLowerCase();
  return fields.some((field) => (field ?? '').toLowerCase().includes(text));
}

const filterArbitrary: fc.Arbitrary<SessionFilter> = fc.record({
  failuresOnly: fc.boolean(),
  text: fc.constantFrom('', 'HOST1', 'svc2', '10.77', 'refused', 'NXDOMAIN', ':53', 'sandbox', 'no such text'),
  netns: fc.constantFrom(null, 'host', pool[0]!.attempts[0]!.netns.label, 'no such namespace'),
});

type Step =
  | { op: 'append'; n: number }
  | { op: 'scan'; n: number }
  | { op: 'filter'; filter: SessionFilter };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('append' as const), n: fc.integer({ min: 0, max: 60 }) }),
  fc.record({ op: fc.constant('scan' as const), n: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ op: fc.constant('filter' as const), filter: filterArbitrary }),
);

test('a view shows what filtering the retained sessions from scratch would, under random appends, evictions, scans and filters', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 50 }), fc.array(stepArbitrary, { maxLength: 30 }), (retention, steps) => {
      const store = new SessionStore({ retention });
      const appended: SessionRecord[] = [];
      let view = new SessionView(store, NO_FILTER);
      for (const step of steps) {
        if (step.op === 'append') {
          for (let i = 0; i < step.n; i++) {
            const record = { ...pool[appended.length % pool.length]!, id: appended.length + 1 };
            appended.push(record);
            store.append(record);
          }
        } else if (step.op === 'scan') view.scan(step.n);
        else view = new SessionView(store, step.filter);

        const expected = appended.slice(-retention).filter((record) => naiveMatch(record, view.filter));
        const shown = Array.from({ length: view.count }, (_, i) => view.rowAt(i));
        // Until the backward scan is done, the view holds the newest matches: a suffix of the full answer.
        assert.deepEqual(shown, expected.slice(expected.length - shown.length));
        if (view.complete) assert.equal(shown.length, expected.length);
        for (const record of expected.slice(-3)) {
          const position = view.positionOfId(record.id);
          if (position >= 0) assert.equal(view.rowAt(position), record);
        }
      }
      view.scan(Infinity);
      assert.ok(view.complete);
      assert.equal(view.count, appended.slice(-retention).filter((record) => naiveMatch(record, view.filter)).length);
    }),
    { numRuns: 300 },
  );
});

test('sessions stored after the view was made are shown without a scan; the older ones need one', () => {
  const store = new SessionStore({ retention: 100 });
  for (const record of pool.slice(0, 50)) store.append(record);
  const view = new SessionView(store, { ...NO_FILTER, text: 'example.test' });
  assert.equal(view.count, 0);
  assert.equal(view.complete, false);
  assert.equal(view.pending, 50);
  store.append(pool[50]!);
  assert.equal(view.count, 1);
  assert.equal(view.scan(20), 20);
  assert.equal(view.count, 21);
  view.scan(1000);
  assert.equal(view.complete, true);
  assert.equal(view.count, 51);
  assert.equal(view.positionOfId(pool[0]!.id), 0);
});

test('the empty filter is the store itself: complete at once, eviction shifts positions', () => {
  const store = new SessionStore({ retention: 10 });
  const view = new SessionView(store, NO_FILTER);
  for (const record of pool.slice(0, 15)) store.append(record);
  assert.equal(view.complete, true);
  assert.equal(view.count, 10);
  assert.equal(view.rowAt(0), pool[5]);
  assert.equal(view.positionOfId(pool[5]!.id), 0);
  assert.equal(view.positionOfId(pool[4]!.id), -1);
  assert.equal(view.positionAtOrAfter(0), 0);
  assert.equal(view.positionAtOrAfter(99), 10);
});
