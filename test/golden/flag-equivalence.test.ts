import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionRecord } from '../../src/sessions/index.js';
import { ipOf } from '../../src/sessions/verdict.js';
import { replayFixture, replayFixtures } from '../support/replay-fixtures.js';

/**
 * The same scenario recorded with other strace flags (no timestamps and no -y as in the blog, -y, -xx, -r,
 * -s 32, -ff) gives the same sessions as the richest recording (-ttt -T -yy -s 4096). Ports, ids, times and
 * inodes differ between recordings; what must agree is what happened: per session, the client leg, the
 * question's first label, each attempt's outcome, rcode, errno, source address, upstream, protocol and kind
 * of namespace, and the reply.
 */
function signature(session: SessionRecord): string {
  return JSON.stringify({
    client: session.client !== null,
    name: session.query?.name?.split('.')[0] ?? null,
    attempts: session.attempts.map((a) => ({
      outcome: a.outcome,
      rcode: a.rcode,
      errno: a.errno,
      source: ipOf(a.source),
      upstream: a.upstream,
      proto: a.proto,
      netns: a.netns.host ? 'host' : a.netns.label.split(' ')[0],
    })),
    reply: session.reply?.rcode ?? null,
  });
}

const REFERENCE = 'ttt-T-yy';
const fixtures = replayFixtures();
const scenarios = new Set(fixtures.filter((f) => f.name.includes('--')).map((f) => f.name.split('--')[0]!));

for (const scenario of scenarios) {
  const variants = fixtures.filter((f) => f.name.startsWith(`${scenario}--`));
  const reference = variants.find((f) => f.name === `${scenario}--${REFERENCE}`);
  if (!reference || variants.length < 2) continue;
  test(`same sessions whatever the strace flags: ${scenario} (${variants.map((v) => v.name.split('--')[1]).join(', ')})`, async () => {
    const expected = (await replayFixture(reference)).sessions.map(signature).sort();
    for (const variant of variants) {
      if (variant === reference) continue;
      const actual = (await replayFixture(variant)).sessions.map(signature).sort();
      assert.deepEqual(actual, expected, variant.name);
    }
  });
}
