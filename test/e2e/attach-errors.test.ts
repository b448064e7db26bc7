import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { processStatus, stoppedThreads } from '../../src/sources/process-status.js';
import { Ns53Process } from '../support/ns53-process.js';
import { childrenOf, endProcess, startSleeper, waitFor } from '../support/target-process.js';

/**
 * The ways `ns53 attach` cannot start or cannot go on, with a real strace on a real process (a `sleep` this
 * test starts; a real dockerd is not needed to make strace fail). Each must end with a message that names
 * the cause and the fix, a stable exit status, and the target left running. The target exiting is checked
 * with bpftrace too; bpftrace's own failures are in attach-bpftrace-errors.test.ts.
 */

const NOBODY = 65534;

function missing(): string | false {
  if (process.getuid?.() !== 0) return 'root (to trace, and to run ns53 as another user)';
  for (const command of ['strace', 'bpftrace']) {
    if (spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0) return command;
  }
  if (!existsSync('/sys/kernel/tracing/events/syscalls')) return 'tracefs at /sys/kernel/tracing (for bpftrace)';
  return false;
}

const unmet = missing();

if (unmet && process.env['CI'] === 'true') {
  test('attach error-path prerequisites are installed (CI=true)', () => assert.fail(`missing: ${unmet}`));
} else {
  describe('ns53 attach: errors name their cause and fix', { skip: unmet, timeout: 120_000 }, () => {
    const targets: ChildProcess[] = [];
    const target = () => {
      const child = startSleeper();
      targets.push(child);
      return child;
    };
    after(() => targets.forEach(endProcess));

    test('no such PID: exit 2', async () => {
      const exit = await new Ns53Process(['attach', '--pid', '4194304']).waitForExit(10_000);
      assert.equal(exit.code, 2);
      assert.match(exit.stderr, /no process with PID 4194304 \[E_NO_SUCH_PID\]/);
    });

    test('strace missing: says which package to install, exit 69', async () => {
      const sleeper = target();
      const exit = await new Ns53Process(['attach', '--pid', String(sleeper.pid), '--backend', 'strace', '--strace', '/nonexistent/strace']).waitForExit(10_000);
      assert.equal(exit.code, 69);
      assert.match(exit.stderr, /\/nonexistent\/strace is not installed .*apt-get install strace/);
    });

    test('already traced: names the other tracer, exit 77', async () => {
      const sleeper = target();
      const other = spawn('strace', ['-p', String(sleeper.pid), '-o', '/dev/null'], { stdio: 'ignore' });
      try {
        await waitFor('the other strace to attach', () => processStatus(sleeper.pid!)?.tracerPid === other.pid);
        const exit = await new Ns53Process(['attach', '--pid', String(sleeper.pid), '--backend', 'strace']).waitForExit(10_000);
        assert.equal(exit.code, 77);
        assert.match(exit.stderr, new RegExp(`already traced by PID ${other.pid} \\(strace\\).*Stop that tracer`));
      } finally {
        other.kill('SIGINT');
      }
    });

    test('not permitted (not root): says to use sudo or CAP_SYS_PTRACE, exit 77', async () => {
      const sleeper = target();
      const exit = await new Ns53Process(['attach', '--pid', String(sleeper.pid), '--backend', 'strace'], { uid: NOBODY, gid: NOBODY }).waitForExit(15_000);
      assert.equal(exit.code, 77, exit.stderr);
      assert.match(exit.stderr, /cannot attach to PID \d+: tracing another user's process needs root or CAP_SYS_PTRACE: run ns53 with sudo/);
      assert.match(exit.stderr, /strace said: .*Operation not permitted/);
    });

    test('Ctrl-C in a terminal (SIGINT to the whole process group, strace included) detaches cleanly, exit 0', async () => {
      const sleeper = target();
      const ns53 = new Ns53Process(['attach', '--pid', String(sleeper.pid), '--backend', 'strace', '--format', 'ndjson'], { detached: true });
      await ns53.attached;
      process.kill(-ns53.pid, 'SIGINT');
      const exit = await ns53.waitForExit(15_000);
      assert.equal(exit.code, 0, exit.stderr);
      assert.match(exit.stderr, new RegExp(`detached from PID ${sleeper.pid} \\((Ctrl-C|strace was interrupted and detached \\(Ctrl-C reaches it too\\))\\); it keeps running`));
      await waitFor('the tracer to be gone', () => processStatus(sleeper.pid!)?.tracerPid === 0);
      assert.deepEqual(stoppedThreads(sleeper.pid!), []);
    });

    for (const backend of ['strace', 'bpftrace']) {
      test(`the target exits mid-trace (${backend}): the sessions so far are kept and the reason is shown, exit 1`, async () => {
        const sleeper = target();
        const ns53 = new Ns53Process(['attach', '--pid', String(sleeper.pid), '--backend', backend, '--format', 'ndjson']);
        await ns53.attached;
        sleeper.kill('SIGTERM');
        const exit = await ns53.waitForExit(20_000);
        assert.equal(exit.code, 1, exit.stderr);
        assert.match(exit.stderr, new RegExp(`PID ${sleeper.pid} exited during the trace; the sessions up to then are shown`));
        assert.match(exit.stdout, /"type":"summary"/);
      });
    }

    test('strace dies: its end is shown, and the target is not left stopped, exit 1', async () => {
      const sleeper = target();
      const ns53 = new Ns53Process(['attach', '--pid', String(sleeper.pid), '--backend', 'strace', '--format', 'ndjson']);
      await ns53.attached;
      const [strace] = childrenOf(ns53.pid);
      assert.ok(strace, 'ns53 runs strace as its child');
      process.kill(strace, 'SIGKILL');
      const exit = await ns53.waitForExit(15_000);
      assert.equal(exit.code, 1, exit.stderr);
      assert.match(exit.stderr, new RegExp(`strace was killed by SIGKILL while PID ${sleeper.pid} still runs`));
      await waitFor('the kernel to detach the target', () => processStatus(sleeper.pid!)?.tracerPid === 0);
      assert.deepEqual(stoppedThreads(sleeper.pid!), []);
    });

    test('--docker with DOCKER_HOST on a socket no dockerd holds: exit 2', async () => {
      const exit = await new Ns53Process(['attach', '--docker'], { env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' } }).waitForExit(10_000);
      assert.equal(exit.code, 2);
      assert.match(exit.stderr, /DOCKER_HOST is unix:\/\/\/nonexistent\/docker\.sock, but no dockerd process listens on \/nonexistent\/docker\.sock/);
    });
  });
}
