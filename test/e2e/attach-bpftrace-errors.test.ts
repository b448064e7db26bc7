import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { Ns53Process } from '../support/ns53-process.js';
import { childrenOf, endProcess, isAlive, startSleeper, waitFor } from '../support/target-process.js';

/**
 * The ways `ns53 attach --backend bpftrace` cannot start or cannot go on, provoked for real on a `sleep` this
 * test starts: bpftrace missing, not root, tracefs or BTF out of sight, a program that fails to load, and
 * the ends of a run (Ctrl-C to the process group, bpftrace killed, ns53 killed; the target exiting is in
 * attach-errors.test.ts, for both backends). Missing
 * kernel pieces are provoked only inside a private mount namespace (`unshare -m`), never on the host.
 */

const NOBODY = 65534;

function missing(): string | false {
  if (process.getuid?.() !== 0) return 'root (to run bpftrace, and to run ns53 as another user)';
  for (const command of ['bpftrace', 'strace', 'unshare']) {
    if (spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0) return command;
  }
  if (!existsSync('/sys/kernel/tracing/events/syscalls')) return 'tracefs at /sys/kernel/tracing';
  return false;
}

/** ns53 in a private mount namespace where `setup` (shell, run first) hid part of the kernel's interfaces. */
function ns53InMountNamespace(setup: string, args: string[]): Ns53Process {
  const script = `set -e; ${setup}; exec "$0" "$@"`;
  return new Ns53Process(args, { wrap: ['unshare', '-m', '--propagation', 'private', 'sh', '-c', script] });
}

const unmet = missing();

if (unmet && process.env['CI'] === 'true') {
  test('bpftrace error-path prerequisites are installed (CI=true)', () => assert.fail(`missing: ${unmet}`));
} else {
  describe('ns53 attach --backend bpftrace: errors name their cause and fix', { skip: unmet, timeout: 180_000 }, () => {
    const started: ChildProcess[] = [];
    const target = () => {
      const child = startSleeper();
      started.push(child);
      return child;
    };
    after(() => started.forEach(endProcess));

    test('bpftrace missing: names the package and the strace backend, exit 69', async () => {
      const sleeper = target();
      const exit = await new Ns53Process(['attach', '--pid', String(sleeper.pid), '--backend', 'bpftrace', '--bpftrace', '/nonexistent/bpftrace']).waitForExit(10_000);
      assert.equal(exit.code, 69, exit.stderr);
      assert.match(exit.stderr, /\/nonexistent\/bpftrace.*install bpftrace/s);
      assert.match(exit.stderr, /--backend strace/);
    });

    test('auto without a usable bpftrace falls back to strace and says why', async () => {
      const sleeper = target();
      const ns53 = new Ns53Process(['attach', '--pid', String(sleeper.pid), '--bpftrace', '/nonexistent/bpftrace', '--format', 'ndjson']);
      await ns53.attached;
      ns53.child.kill('SIGTERM');
      const exit = await ns53.waitForExit(15_000);
      assert.equal(exit.code, 0, exit.stderr);
      assert.match(exit.stderr, /ns53: backend: strace \(auto: bpftrace cannot run here, so strace.*\/nonexistent\/bpftrace/);
      assert.match(exit.stderr, /attached to sleep \(PID \d+, 1 thread;/);
    });

    test('not root: bpftrace 0.17 runs only as root; says to use sudo or the strace backend, exit 77', async () => {
      const sleeper = target();
      const exit = await new Ns53Process(['attach', '--pid', String(sleeper.pid), '--backend', 'bpftrace'], { uid: NOBODY, gid: NOBODY }).waitForExit(15_000);
      assert.equal(exit.code, 77, exit.stderr);
      assert.match(exit.stderr, /bpftrace runs only as root.*\(sudo\), or use --backend strace \[E_ATTACH_DENIED\]/);
    });

    test('tracefs not mounted: offers the mount command, exit 69', async () => {
      const sleeper = target();
      const hide = 'umount -l /sys/kernel/tracing 2>/dev/null || true; if [ -d /sys/kernel/debug/tracing ]; then mount -t tmpfs none /sys/kernel/debug; fi';
      const exit = await ns53InMountNamespace(hide, ['attach', '--pid', String(sleeper.pid), '--backend', 'bpftrace']).waitForExit(15_000);
      assert.equal(exit.code, 69, exit.stderr);
      assert.match(exit.stderr, /mount -t tracefs nodev \/sys\/kernel\/tracing/);
    });

    test('no BTF: says the kernel lacks it and names the strace backend, exit 69', async () => {
      const sleeper = target();
      const exit = await ns53InMountNamespace('mount -t tmpfs none /sys/kernel/btf', ['attach', '--pid', String(sleeper.pid), '--backend', 'bpftrace']).waitForExit(15_000);
      assert.equal(exit.code, 69, exit.stderr);
      assert.match(exit.stderr, /BTF/);
      assert.match(exit.stderr, /--backend strace/);
    });

    test("the program fails to load: bpftrace's own words are shown, exit 70", async () => {
      const sleeper = target();
      // A tracepoint the program needs keeps its format but loses its id: bpftrace compiles the program, then
      // cannot attach that probe.
      const breakProbe = [
        'for t in /sys/kernel/debug/tracing /sys/kernel/tracing; do',
        '  p=$t/events/syscalls/sys_enter_setns; [ -r $p/format ] || continue',
        '  f=$(cat $p/format); mount -t tmpfs none $p; printf "%s\\n" "$f" > $p/format',
        'done',
      ].join('\n');
      const exit = await ns53InMountNamespace(breakProbe, ['attach', '--pid', String(sleeper.pid), '--backend', 'bpftrace']).waitForExit(60_000);
      assert.equal(exit.code, 70, exit.stderr);
      assert.match(exit.stderr, /bpftrace said: .*Error attaching probe: tracepoint:syscalls:sys_enter_setns/s);
    });

    test('Ctrl-C in a terminal (SIGINT to the whole process group) drains bpftrace and detaches, exit 0', async () => {
      const sleeper = target();
      const ns53 = new Ns53Process(['attach', '--pid', String(sleeper.pid), '--backend', 'bpftrace', '--format', 'ndjson'], { detached: true });
      await ns53.attached;
      const [bpftrace] = childrenOf(ns53.pid);
      process.kill(-ns53.pid, 'SIGINT');
      const exit = await ns53.waitForExit(20_000);
      assert.equal(exit.code, 0, exit.stderr);
      assert.match(exit.stderr, new RegExp(`detached from PID ${sleeper.pid} \\(Ctrl-C\\); it keeps running`));
      assert.ok(bpftrace !== undefined && !isAlive(bpftrace), 'bpftrace has ended');
      assert.ok(isAlive(sleeper.pid!), 'the target runs on');
    });

    test('bpftrace dies: its end is shown, exit 1', async () => {
      const sleeper = target();
      const ns53 = new Ns53Process(['attach', '--pid', String(sleeper.pid), '--backend', 'bpftrace', '--format', 'ndjson']);
      await ns53.attached;
      const [bpftrace] = childrenOf(ns53.pid);
      assert.ok(bpftrace, 'ns53 runs bpftrace as its child');
      process.kill(bpftrace, 'SIGKILL');
      const exit = await ns53.waitForExit(20_000);
      assert.equal(exit.code, 1, exit.stderr);
      assert.match(exit.stderr, new RegExp(`bpftrace was killed by SIGKILL while PID ${sleeper.pid} still runs`));
    });

    test('ns53 killed outright: bpftrace does not outlive it', async () => {
      const sleeper = target();
      const ns53 = new Ns53Process(['attach', '--pid', String(sleeper.pid), '--backend', 'bpftrace', '--format', 'ndjson']);
      await ns53.attached;
      const [bpftrace] = childrenOf(ns53.pid);
      assert.ok(bpftrace, 'ns53 runs bpftrace as its child');
      ns53.child.kill('SIGKILL');
      await ns53.waitForExit(10_000);
      await waitFor('bpftrace to end with its parent', () => !isAlive(bpftrace), 15_000);
    });
  });
}
