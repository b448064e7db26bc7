import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { replayTrace } from '../../src/replay.js';
import { NAMES_UNKNOWN } from '../../src/replay.js';
import type { SessionRecord, SummaryRecord } from '../../src/sessions/index.js';
import { readTraceMeta } from '../../src/sources/trace-meta-schema.js';
import { lab, prerequisitesVerdict } from '../support/lab.js';
import { Ns53Process, parseNdjson } from '../support/ns53-process.js';

/**
 * Container names on a real dockerd (the lab): `ns53 attach` asks the daemon's Engine API over its unix socket
 * and names every namespace it shows: the attempts of web and api, and their clients, with both backends.
 * The saved trace's meta file keeps the names, so a replay on "another host" (no socket, DOCKER_HOST unset)
 * shows them too; the trace without its meta file says names are unknown.
 */

const { unmet, mustFail } = prerequisitesVerdict();
const LAB_DIR = process.env['NS53_LAB_DIR'] ?? `/tmp/${process.env['NS53_LAB_NAME'] ?? 'ns53'}-lab`;
const BACKENDS = ['strace', 'bpftrace'] as const;

/** The lab's containers as `docker inspect` would name them: name → [ip, netns inode]. */
function labContainers(): Map<string, { ip: string; inode: number }> {
  const containers = new Map<string, { ip: string; inode: number }>();
  for (const line of lab('netns').trim().split('\n')) {
    const [name, ip, inode] = line.split(' ');
    containers.set(name!, { ip: ip!, inode: Number(inode) });
  }
  return containers;
}

function assertNamed(sessions: SessionRecord[], what: string): void {
  const expected = labContainers();
  const attempts = sessions.flatMap((session) => session.attempts);
  assert.ok(attempts.length >= 2, `${what}: attempts from web and api`);
  for (const attempt of attempts) {
    const name = [...expected].find(([, c]) => attempt.source?.startsWith(`${c.ip}:`))?.[0];
    assert.ok(name, `${what}: ${attempt.source} is a lab container's address`);
    assert.equal(attempt.netns.container?.name, name, `${what}: the attempt from ${attempt.source} names ${name}`);
    assert.equal(attempt.netns.container?.image, 'labbox');
    assert.equal(attempt.netns.container?.network, 'labnet');
    assert.match(attempt.netns.container?.id ?? '', /^[0-9a-f]{64}$/);
  }
  for (const session of sessions) {
    const attempt = session.attempts[0]!;
    assert.equal(session.client?.netns?.container?.name, attempt.netns.container?.name, `${what}: the client of session ${session.id} is the container that asked`);
    assert.match(session.verdict, new RegExp(`^forwarded from container ${attempt.netns.container!.name}'s namespace`));
  }
}

if (mustFail) {
  test('the container-name tests have their prerequisites (CI=true)', () => assert.fail(`cannot run them: ${unmet}`));
} else {
  describe('container names from the Engine API, live and in replays', { skip: unmet, timeout: 600_000 }, () => {
    let dockerd = 0;
    let dir = '';
    before(() => {
      lab('up');
      dockerd = Number(lab('pid').trim());
      dir = mkdtempSync(join(tmpdir(), 'ns53-names-'));
    });
    after(() => {
      lab('down');
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    for (const backend of BACKENDS) {
      test(`--backend ${backend}: web and api are named live, and in a replay elsewhere from the meta file alone`, async () => {
        const save = join(dir, `${backend}.trace`);
        const ns53 = new Ns53Process(['attach', '--pid', String(dockerd), '--backend', backend, '--docker-host', `unix://${LAB_DIR}/docker.sock`, '--format', 'ndjson', '--save', save]);
        try {
          await ns53.attached;
          lab('scenario', 'api-only');
          ns53.child.kill('SIGTERM');
          const exit = await ns53.waitForExit(30_000);
          assert.equal(exit.code, 0, exit.stderr);
          assert.match(exit.stderr, /ns53: container names from the Docker daemon at .*docker\.sock \(Docker 20\.10\.\d+/);
          const { sessions } = parseNdjson(exit.stdout);
          assertNamed(sessions, 'live');
        } finally {
          if (ns53.child.exitCode === null && ns53.child.signalCode === null) ns53.child.kill('SIGKILL');
        }

        const meta = readTraceMeta(save);
        assert.equal(meta.version, 2);
        assert.deepEqual(meta.containers?.map((c) => c.name).sort(), ['api', 'web']);
        assert.match(meta.dockerd?.version ?? '', /^20\.10\./);
        for (const container of meta.containers!) assert.equal(container.netnsInode, labContainers().get(container.name!)!.inode, `${container.name}'s netns inode`);

        // "Another host": no socket to ask, only the files.
        const saved = process.env['DOCKER_HOST'];
        delete process.env['DOCKER_HOST'];
        try {
          const replayed: SessionRecord[] = [];
          const summary = await replayTrace([save], { session: (record) => replayed.push(record) });
          assertNamed(replayed, 'replayed with the meta file');
          assert.ok(summary.notes.some((note) => note.startsWith('container names from ')), summary.notes.join('\n'));

          const bare = join(dir, `${backend}-bare.trace`);
          copyFileSync(save, bare);
          const unnamed: SessionRecord[] = [];
          const bareSummary: SummaryRecord = await replayTrace([bare], { session: (record) => unnamed.push(record) });
          assert.ok(unnamed.length > 0 && unnamed.every((s) => s.attempts.every((a) => a.netns.container === null)));
          assert.ok(bareSummary.notes.includes(NAMES_UNKNOWN), 'says names are unknown');
        } finally {
          if (saved !== undefined) process.env['DOCKER_HOST'] = saved;
        }
      });
    }

    test('without --docker-host or DOCKER_HOST, the socket the traced dockerd listens on is asked (not the system daemon)', async () => {
      const env = { ...process.env };
      delete env['DOCKER_HOST'];
      const ns53 = new Ns53Process(['attach', '--pid', String(dockerd), '--backend', 'strace', '--format', 'ndjson', '--duration', '6'], { env });
      await ns53.attached;
      lab('scenario', 'answered');
      const exit = await ns53.waitForExit(30_000);
      assert.equal(exit.code, 0, exit.stderr);
      assert.match(exit.stderr, new RegExp(`container names from the Docker daemon at ${LAB_DIR}/docker\\.sock .*socket from the traced dockerd`));
      const { sessions } = parseNdjson(exit.stdout);
      assert.ok(sessions.length > 0);
      for (const session of sessions) assert.equal(session.attempts[0]?.netns.container?.name, 'web');
    });

    test('no socket to ask: one notice, and the sessions come without names', async () => {
      const ns53 = new Ns53Process(['attach', '--pid', String(dockerd), '--backend', 'strace', '--docker-host', `unix://${dir}/no-such.sock`, '--format', 'ndjson', '--duration', '6']);
      await ns53.attached;
      lab('scenario', 'answered');
      const exit = await ns53.waitForExit(30_000);
      assert.equal(exit.code, 0, exit.stderr);
      const notices = exit.stderr.split('\n').filter((line) => line.includes('no-such.sock'));
      assert.equal(notices.length, 1, exit.stderr);
      assert.match(notices[0]!, /container names unavailable/);
      const { sessions } = parseNdjson(exit.stdout);
      assert.ok(sessions.length > 0 && sessions.every((s) => s.attempts.every((a) => a.netns.container === null)));
      assert.ok(statSync(LAB_DIR).isDirectory());
    });
  });
}
