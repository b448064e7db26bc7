import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { processStatus, stoppedThreads } from '../../src/sources/process-status.js';
import { Ns53Process } from '../support/ns53-process.js';

/**
 * The ways `ns53 attach` cannot start or cannot go on, with a real strace on a real process (a `sleep` this
 * test starts; a real dockerd is not needed to make strace fail). Each must end with a message that names
 * the cause and the fix, a stable exit status, and the target left running.
 */

const NOBODY = 65534;

function missing(): string | false {
  if (process.getuid?.() !== 0) return 'root (to trace, and to run ns53 as another user)';
  if (spawnSync('sh', ['-c', 'command -v strace']).status !== 0) return 'strace';
  return false;
}

/** A process to trace, started (and later ended, by PID) by this test. */
function startTarget(): ChildProcess {
  return spawn('sleep', ['600'], { stdio: 'ignore' });
}

function endTarget(target: ChildProcess): void {
  if (target.exitCode === null && target.signalCode === null) target.kill('SIGKILL');
}

async function waitFor(what: string, condition: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** strace's PID: the child of ns53's main thread. */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

const unmet = missing();

if (unmet && process.env['CI'] === 'true') {
  test('attach error-path prerequisites are installed (CI=true)', () => assert.fail(`missing: ${unmet}`));
} else {
  describe('ns53 attach: errors name their cause and fix', { skip: unmet, timeout: 120_000 }, () => {
    const targets: ChildProcess[] = [];
    const target = () => {
      const child = startTarget();
      targets.push(child);
      return child;
    };
    after(() => targets.forEach(endTarget));

    test('no such PID: exit 2', async () => {
      const exit = await new Ns53Process(['attach', '--pid', '4194304']).waitForExit(10_000);
      assert.equal(exit.code, 2);
      assert.match(exit.stderr, /no process with PID 4194304 \[E_NO_SUCH_PID\]/);
    });

    test('strace missing: says which package to install, exit 69', async () => {
      const sleeper = target();
      const exit = await new Ns53Process(['attach', '--pid', String(sleeper.pid), '--strace', '/nonexistent/strace']).waitForExit(10_000);
      assert.equal(exit.code, 69);
      assert.match(exit.stderr, /\/nonexistent\/strace is not installed .*apt-get install strace/);
    });

    test('already traced: names the other tracer, exit 77', async () => {
      const sleeper = target();
      const other = spawn('strace', ['-p', String(sleeper.pid), '-o', '/dev/null'], { stdio: 'ignore' });
      try {
        await waitFor('the other strace to attach', () => processStatus(sleeper.pid!)?.tracerPid === other.pid);
        const exit = await new Ns53Process(['attach', '--pid', String(sleeper.pid)]).waitForExit(10_000);
        assert.equal(exit.code, 77);
        assert.match(exit.stderr, new RegExp(`already traced by PID ${other.pid} \\(strace\\).*Stop that tracer`));
      } finally {
        other.kill('SIGINT');
      }
    });

    test('not permitted (not root): says to use sudo or CAP_SYS_PTRACE, exit 77', async () => {
      const sleeper = target();
      const exit = await new Ns53Process(['attach', '--pid', String(sleeper.pid)], { uid: NOBODY, gid: NOBODY }).waitForExit(15_000);
      assert.equal(exit.code, 77, exit.stderr);
      assert.match(exit.stderr, /cannot attach to PID \d+: tracing another user's process needs root or CAP_SYS_PTRACE: run ns53 with sudo/);
      assert.match(exit.stderr, /strace said: .*Operation not permitted/);
    });

    test('Ctrl-C in a terminal (SIGINT to the whole process group, strace included) detaches cleanly, exit 0', async () => {
      const sleeper = target();
      const ns53 = new Ns53Process(['attach', '--pid', String(sleeper.pid), '--format', 'ndjson'], { detached: true });
      await ns53.attached;
      process.kill(-ns53.pid, 'SIGINT');
      const exit = await ns53.waitForExit(15_000);
      assert.equal(exit.code, 0, exit.stderr);
      assert.match(exit.stderr, new RegExp(`detached from PID ${sleeper.pid} \\((Ctrl-C|strace was interrupted and detached \\(Ctrl-C reaches it too\\))\\); it keeps running`));
      await waitFor('the tracer to be gone', () => processStatus(sleeper.pid!)?.tracerPid === 0);
      assert.deepEqual(stoppedThreads(sleeper.pid!), []);
    });

    test('the target exits mid-trace: the sessions so far are kept and the reason is shown, exit 1', async () => {
      const sleeper = target();
      const ns53 = new Ns53Process(['attach', '--pid', String(sleeper.pid), '--format', 'ndjson']);
      await ns53.attached;
      sleeper.kill('SIGTERM');
      const exit = await ns53.waitForExit(15_000);
      assert.equal(exit.code, 1, exit.stderr);
      assert.match(exit.stderr, new RegExp(`PID ${sleeper.pid} exited during the trace; the sessions up to then are shown`));
      assert.match(exit.stdout, /"type":"summary"/);
    });

    test('strace dies: its end is shown, and the target is not left stopped, exit 1', async () => {
      const sleeper = target();
      const ns53 = new Ns53Process(['attach', '--pid', String(sleeper.pid), '--format', 'ndjson']);
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
