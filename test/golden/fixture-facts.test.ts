import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ipOf } from '../../src/sessions/verdict.js';
import { readFacts, replayFixture, replayFixtures } from '../support/replay-fixtures.js';

/**
 * Each recorded fixture carries facts measured independently of ns53 while it was recorded (dnsmasq's query
 * log, iptables counters) or stated by the capture's own README. The replay must find exactly those.
 */
for (const fixture of replayFixtures()) {
  const facts = readFacts(fixture);
  if (!facts) continue;
  test(`facts hold: ${fixture.name}`, async () => {
    const { sessions, summary } = await replayFixture(fixture);
    const attempts = sessions.flatMap((session) => session.attempts);
    assert.equal(summary.parseIssues.total, 0, 'parse issues');
    assert.equal(attempts.length, facts.attempts, 'attempts');
    assert.deepEqual(Object.fromEntries(Object.entries(summary.outcomes).filter(([, n]) => n > 0)), facts.outcomes, 'outcomes');
    assert.deepEqual(summary.rcodes, facts.rcodes, 'rcodes');
    assert.deepEqual([...new Set(attempts.map((a) => ipOf(a.source)))].sort(), [...facts.sources].sort(), 'source addresses');
    assert.deepEqual([...new Set(attempts.map((a) => a.upstream))].sort(), [...facts.upstreams].sort(), 'upstreams');
    assert.deepEqual(Object.fromEntries(Object.entries(summary.namespaces).filter(([, n]) => n > 0)), facts.namespaces, 'namespaces');
  });
}
