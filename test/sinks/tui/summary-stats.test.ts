import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OUTCOMES } from '../../../src/sessions/outcome.js';
import type { AttemptRecord, SessionRecord } from '../../../src/sessions/record-schemas.js';
import { LATENCY_RELATIVE_ERROR } from '../../../src/sinks/tui/latency-histogram.js';
import { isFailedAttempt } from '../../../src/sinks/tui/session-failure.js';
import { SessionStore } from '../../../src/sinks/tui/session-store.js';
import { NO_UPSTREAM, SummaryStats, type GroupSummary } from '../../../src/sinks/tui/summary-stats.js';
import { SeededRandom } from '../../bench/seeded-random.js';
import { buildSyntheticSession, loadTemplateSession } from '../../support/synthetic-sessions.js';

const template = loadTemplateSession();

/** The reference: the summary recomputed from the retained records, with exact (sorted) quantiles. */
function naiveGroups(records: SessionRecord[], keyOf: (attempt: AttemptRecord) => string): Map<string, Omit<GroupSummary, 'key'>> {
  const groups = new Map<string, { sessions: Set<number>; attempts: AttemptRecord[] }>();
  for (const record of records) {
    for (const attempt of record.attempts) {
      const key = keyOf(attempt);
      if (!groups.has(key)) groups.set(key, { sessions: new Set(), attempts: [] });
      groups.get(key)!.sessions.add(record.id);
      groups.get(key)!.attempts.push(attempt);
    }
  }
  const exact = (sorted: number[], q: number): number | null => (sorted.length ? sorted[Math.floor(q * (sorted.length - 1))]! : null);
  return new Map(
    [...groups].map(([key, { sessions, attempts }]) => {
      const latencies = attempts.flatMap((a) => (a.latencyMs === null ? [] : [a.latencyMs])).sort((a, b) => a - b);
      const failed = attempts.filter(isFailedAttempt).length;
      return [key, {
        sessions: sessions.size,
        attempts: attempts.length,
        outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, attempts.filter((a) => a.outcome === o).length])) as GroupSummary['outcomes'],
        failed,
        failureRate: failed / attempts.length,
        p50Ms: exact(latencies, 0.5),
        p99Ms: exact(latencies, 0.99),
      }];
    }),
  );
}

function assertClose(got: number | null, exact: number | null, what: string): void {
  if (exact === null || got === null) return assert.equal(got, exact, what);
  assert.ok(Math.abs(got - exact) <= exact * LATENCY_RELATIVE_ERROR * (1 + 1e-9), `${what}: ${got} vs ${exact}`);
}

function assertMatches(got: GroupSummary[], expected: Map<string, Omit<GroupSummary, 'key'>>): void {
  assert.deepEqual(got.map((g) => g.key).sort(), [...expected.keys()].sort());
  for (const group of got) {
    const { p50Ms, p99Ms, ...counts } = expected.get(group.key)!;
    const { key, p50Ms: gotP50, p99Ms: gotP99, ...gotCounts } = group;
    assert.deepEqual(gotCounts, counts, key);
    assertClose(gotP50, p50Ms, `${key} p50`);
    assertClose(gotP99, p99Ms, `${key} p99`);
  }
}

test('per namespace and per upstream, the summary matches a recount of the retained sessions after evictions', () => {
  const random = new SeededRandom(3);
  const stats = new SummaryStats();
  const store = new SessionStore({ retention: 700, observers: [stats] });
  const records = Array.from({ length: 2000 }, (_, i) => buildSyntheticSession(template, i + 1, random));
  for (const [index, record] of records.entries()) {
    store.append(record);
    if (index % 650 !== 649 && index !== records.length - 1) continue;
    const retained = records.slice(Math.max(0, index + 1 - 700), index + 1);
    assertMatches(stats.byNamespace(), naiveGroups(retained, (a) => a.netns.label));
    assertMatches(stats.byUpstream(), naiveGroups(retained, (a) => a.upstream ?? NO_UPSTREAM));
    assert.equal(stats.sessions, retained.length);
  }
});

test('groups are listed most attempts first, and vanish when their last session is evicted', () => {
  const random = new SeededRandom(4);
  const stats = new SummaryStats();
  const store = new SessionStore({ retention: 1, observers: [stats] });
  const records = Array.from({ length: 30 }, (_, i) => buildSyntheticSession(template, i + 1, random));
  for (const record of records) store.append(record);
  const last = records.at(-1)!;
  assert.deepEqual(stats.byNamespace().map((g) => g.key), [last.attempts[0]!.netns.label]);
  assert.equal(stats.byUpstream().reduce((sum, g) => sum + g.attempts, 0), last.attempts.length);
  const many = new SummaryStats();
  for (const record of records) many.add(record);
  const attempts = many.byUpstream().map((g) => g.attempts);
  assert.deepEqual(attempts, [...attempts].sort((a, b) => b - a));
});
