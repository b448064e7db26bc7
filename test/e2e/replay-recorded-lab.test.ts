import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { replayTrace } from '../../src/replay.js';
import type { SessionRecord } from '../../src/sessions/index.js';
import { ipOf } from '../../src/sessions/verdict.js';
import { assertAttemptsMatchMeasured, lab, prerequisitesVerdict, type MeasuredFacts } from '../support/lab.js';

/**
 * End to end against a real dockerd: the lab (test/e2e/lab/lab.sh) runs Debian's dockerd in its own network
 * namespaces with a dnsmasq upstream, strace records it with a given flag set while containers resolve names,
 * and the saved trace is replayed. ns53 must find exactly what dnsmasq's log and the REJECT/DROP rule counters
 * saw during that run: nothing here is a stored expectation.
 *
 * Needs root and the lab's packages. Under CI=true a missing prerequisite fails the suite; elsewhere it is
 * skipped with the reason.
 */
async function recordAndReplay(scenario: string, flags: string[]): Promise<{ sessions: SessionRecord[]; measured: MeasuredFacts; notes: string }> {
  const dir = mkdtempSync(join(tmpdir(), `ns53-e2e-${scenario}-`));
  try {
    lab('record', scenario, dir, '--', ...flags);
    const measured = JSON.parse(readFileSync(join(dir, 'measured.json'), 'utf8')) as MeasuredFacts;
    const inputs = readdirSync(dir).filter((f) => f.startsWith('trace')).sort().map((f) => join(dir, f));
    const sessions: SessionRecord[] = [];
    const summary = await replayTrace(inputs, { session: (s) => sessions.push(s) });
    assert.equal(summary.parseIssues.total, 0, JSON.stringify(summary.parseIssues.first));
    return { sessions, measured, notes: readFileSync(join(dir, 'NOTES.md'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkAgainstGroundTruth(sessions: SessionRecord[], measured: MeasuredFacts): void {
  const attempts = sessions.flatMap((s) => s.attempts);
  assertAttemptsMatchMeasured(attempts, measured);
  for (const attempt of attempts) {
    assert.equal(attempt.netns.host, false, 'the "dns" override forwards from the container namespace');
    assert.match(attempt.netns.label, /^sandbox [0-9a-f]{12}$/);
    assert.match(ipOf(attempt.source) ?? '', /^172\.18\.0\.\d+$/, 'source is a container address on labnet');
    assert.equal(attempt.upstream, '10.77.0.2:53');
  }
}

const { unmet, mustFail } = prerequisitesVerdict();

if (mustFail) {
  test('end-to-end prerequisites are installed (CI=true)', () => assert.fail(`cannot run the real-dockerd tests: ${unmet}`));
} else {
  describe('replay of traces recorded from a real dockerd', { skip: unmet, timeout: 600_000 }, () => {
    before(() => {
      lab('up');
    });
    after(() => {
      lab('down');
    });

    test('REJECT for one container, strace -f -ttt -T -yy -s 4096', async () => {
      const { sessions, measured } = await recordAndReplay('api-only', ['-f', '-ttt', '-T', '-yy', '-s', '4096']);
      assert.ok(measured.rejected > 0 && measured.answered > 0, 'the scenario produced both outcomes');
      checkAgainstGroundTruth(sessions, measured);
      const refused = sessions.filter((s) => s.attempts.some((a) => a.outcome === 'refused'));
      for (const session of refused) assert.match(session.verdict, /a REJECT rule on the forwarded path .* rejects 172\.18\.0\.3/);
    });

    test('DROP, as in the blog: strace -f on stderr, no timestamps, no -y', async () => {
      const { sessions, measured } = await recordAndReplay('drop', ['-f', '--stderr']);
      assert.ok(measured.dropped > 0);
      checkAgainstGroundTruth(sessions, measured);
    });

    test('TCP, strace -ff -tt -T -yy (one file per thread)', async () => {
      const { sessions, measured } = await recordAndReplay('tcp', ['-ff', '-tt', '-T', '-yy', '-s', '4096']);
      checkAgainstGroundTruth(sessions, measured);
      assert.ok(sessions.flatMap((s) => s.attempts).every((a) => a.proto === 'tcp'));
    });
  });
}
