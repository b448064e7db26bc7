import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ContainerInfo } from '../../src/containers/container-info.js';
import { NAMES_UNKNOWN, replayTrace } from '../../src/replay.js';
import type { SessionRecord, SummaryRecord } from '../../src/sessions/index.js';
import { currentHost } from '../../src/sources/host-identity.js';
import { repoPath } from '../support/repo-root.js';

/**
 * A saved trace names its containers wherever it is replayed: the meta file's containers (what the live run
 * saw) name each namespace, and `--docker` asks this host's daemon only when the trace came from this boot.
 * The trace is the lab's api-only capture (web answered from 172.18.0.2, api refused from 172.18.0.3);
 * its meta file is rewritten here as version 2 with the containers, as `attach --save` now writes it.
 */

const FIXTURE = repoPath('fixtures/replay/live-api-only');
const dir = mkdtempSync(join(tmpdir(), 'ns53-names-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function container(name: string, sandbox: string, ip: string): ContainerInfo {
  return { id: `${sandbox}${'0'.repeat(52)}`, name, image: 'labbox', networks: [{ name: 'labnet', ipv4: ip, ipv6: null }], sandboxKey: `/var/run/docker/netns/${sandbox}`, pid: null, netnsInode: null, runtime: 'docker', source: 'engine' };
}

/** The sandbox of each source address in this capture, as its attempts show them. */
async function sandboxesOf(trace: string): Promise<Map<string, string>> {
  const sandboxes = new Map<string, string>();
  await replayTrace([trace], { session: (record) => record.attempts.forEach((a) => sandboxes.set(a.source!.split(':')[0]!, a.netns.label.replace('sandbox ', ''))) });
  return sandboxes;
}

async function replayWithMeta(meta: object, options: Parameters<typeof replayTrace>[2] = {}): Promise<{ sessions: SessionRecord[]; summary: SummaryRecord }> {
  const trace = join(dir, `trace-${Math.random().toString(36).slice(2)}.strace`);
  copyFileSync(join(FIXTURE, 'trace.strace'), trace);
  writeFileSync(`${trace}.meta.json`, JSON.stringify(meta));
  const sessions: SessionRecord[] = [];
  const summary = await replayTrace([trace], { session: (record) => sessions.push(record) }, options);
  return { sessions, summary };
}

const metaV1 = JSON.parse(readFileSync(join(FIXTURE, 'trace.strace.meta.json'), 'utf8')) as Record<string, unknown>;

test('a version 2 meta file names every attempt by its namespace; verdicts and notes say so', async () => {
  const sandboxes = await sandboxesOf(join(FIXTURE, 'trace.strace'));
  const containers = [container('web', sandboxes.get('172.18.0.2')!, '172.18.0.2'), container('api', sandboxes.get('172.18.0.3')!, '172.18.0.3')];
  const { sessions, summary } = await replayWithMeta({ ...metaV1, version: 2, containers, host: { hostname: 'elsewhere', bootId: 'not-this-boot' } });
  const attempts = sessions.flatMap((s) => s.attempts);
  assert.equal(attempts.length, 3);
  for (const attempt of attempts) {
    const expected = attempt.source!.startsWith('172.18.0.2:') ? 'web' : 'api';
    assert.deepEqual(attempt.netns.container, { name: expected, id: containers.find((c) => c.name === expected)!.id, image: 'labbox', network: 'labnet' });
    assert.match(sessions.find((s) => s.attempts.includes(attempt))!.verdict, new RegExp(`^forwarded from container ${expected}'s namespace \\(sandbox [0-9a-f]{12}\\)`));
  }
  assert.ok(summary.notes.some((note) => /^container names from .*meta\.json \(2 containers seen while tracing\)$/.test(note)), summary.notes.join('\n'));
  assert.ok(!summary.notes.includes(NAMES_UNKNOWN));
});

test('a version 1 meta file still replays, and says names are unknown', async () => {
  const { sessions, summary } = await replayWithMeta(metaV1);
  assert.ok(sessions.flatMap((s) => s.attempts).every((a) => a.netns.container === null));
  assert.ok(summary.notes.includes(NAMES_UNKNOWN));
});

test('--docker asks the daemon only for a trace from this boot; from another host it is ignored and says why', async () => {
  let asked = 0;
  const docker = async () => {
    asked++;
    return { containers: [container('live-web', 'ffffffffffff', '172.18.0.2')], notes: ['container names from the Docker daemon'] };
  };
  const elsewhere = await replayWithMeta({ ...metaV1, version: 2, host: { hostname: 'elsewhere', bootId: 'not-this-boot' } }, { docker });
  assert.equal(asked, 0);
  assert.ok(elsewhere.summary.notes.some((note) => /^--docker ignored: .* came from elsewhere/.test(note)), elsewhere.summary.notes.join('\n'));
  assert.ok(elsewhere.summary.notes.includes(NAMES_UNKNOWN));

  const here = await replayWithMeta({ ...metaV1, version: 2, host: currentHost() }, { docker });
  assert.equal(asked, 1);
  assert.ok(here.summary.notes.includes('container names from the Docker daemon'));
  // The capture names its namespaces by sandbox file, so an address alone does not name them.
  assert.ok(here.sessions.flatMap((s) => s.attempts).every((a) => a.netns.container === null), 'a reused address does not overrule the sandbox the trace names');
});
