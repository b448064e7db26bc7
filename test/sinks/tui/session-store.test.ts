import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionRecord } from '../../../src/sessions/record-schemas.js';
import { SessionStore, type SessionObserver } from '../../../src/sinks/tui/session-store.js';
import { SeededRandom } from '../../bench/seeded-random.js';
import { buildSyntheticSession, loadTemplateSession } from '../../support/synthetic-sessions.js';

const template = loadTemplateSession();

function sessions(count: number, seed = 1): SessionRecord[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, (_, i) => buildSyntheticSession(template, i + 1, random));
}

test('keeps the newest `retention` sessions and counts what it evicted, by outcome', () => {
  const records = sessions(25);
  const store = new SessionStore({ retention: 10 });
  records.forEach((record, index) => assert.equal(store.append(record), index));
  assert.equal(store.size, 10);
  assert.equal(store.firstSeq, 15);
  assert.equal(store.nextSeq, 25);
  assert.deepEqual(Array.from({ length: 10 }, (_, i) => store.at(i)), records.slice(15));
  assert.equal(store.at(10), undefined);
  assert.equal(store.get(14), undefined);
  assert.equal(store.get(24), records[24]);
  const dropped = records.slice(0, 15);
  assert.equal(store.evicted.sessions, 15);
  assert.equal(store.evicted.attempts, dropped.reduce((sum, record) => sum + record.attempts.length, 0));
  for (const outcome of Object.keys(store.evicted.outcomes)) {
    const expected = dropped.flatMap((record) => record.attempts).filter((attempt) => attempt.outcome === outcome).length;
    assert.equal(store.evicted.outcomes[outcome as keyof typeof store.evicted.outcomes], expected, outcome);
  }
});

test('finds retained sessions by id, and forgets evicted ones', () => {
  const store = new SessionStore({ retention: 3 });
  for (const record of sessions(5)) store.append(record);
  assert.equal(store.seqOfId(5), 4);
  assert.equal(store.seqOfId(3), 2);
  assert.equal(store.seqOfId(2), undefined);
});

test('tells its observers of every session stored and evicted, in order', () => {
  const log: string[] = [];
  const observer: SessionObserver = { add: (r) => log.push(`+${r.id}`), remove: (r) => log.push(`-${r.id}`) };
  const store = new SessionStore({ retention: 2, observers: [observer] });
  for (const record of sessions(4)) store.append(record);
  assert.deepEqual(log, ['+1', '+2', '-1', '+3', '-2', '+4']);
});

test('defaults to 100,000 sessions and refuses a retention that is not a positive integer', () => {
  assert.equal(new SessionStore().retention, 100_000);
  assert.throws(() => new SessionStore({ retention: 0 }), RangeError);
  assert.throws(() => new SessionStore({ retention: 1.5 }), RangeError);
});

test('precomputes a lowercase search key and the failure flag', () => {
  const store = new SessionStore({ retention: 4 });
  const [record] = sessions(1);
  const seq = store.append(record!);
  assert.equal(store.searchKey(seq), store.searchKey(seq).toLowerCase());
  assert.ok(store.searchKey(seq).includes(record!.query!.name!));
  assert.ok(store.searchKey(seq).includes(record!.verdict.toLowerCase()));
  assert.equal(store.searchKey(seq + 1), '');
});
