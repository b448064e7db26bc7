import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { explainBpftraceFailure } from '../../src/sources/bpftrace-failure.js';

/**
 * The bpftrace backend's checks in the real conditions they are for: bpftrace not on PATH, not root, root
 * without capabilities, tracefs unmounted, BTF hidden, and a probe the kernel will not attach. Mounts change
 * only inside `unshare -m` (a private mount namespace that ends with its command); the host's are never touched.
 */

const NOBODY = 65534;
const PROBE = join(dirname(fileURLToPath(import.meta.url)), 'bpftrace-readiness-probe.js');
const SYSCALLS = '/sys/kernel/tracing/events/syscalls';
const SETNS = `${SYSCALLS}/sys_enter_setns`;

function missing(): string | false {
  if (process.getuid?.() !== 0) return 'root (to load BPF, change mounts in a private namespace, and run as another user)';
  for (const command of ['bpftrace', 'unshare', 'setpriv', 'mount']) {
    if (spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0) return command;
  }
  if (!existsSync(SETNS)) return `tracefs mounted at /sys/kernel/tracing with syscall tracepoints (${SETNS}): mount -t tracefs nodev /sys/kernel/tracing`;
  if (!existsSync('/sys/kernel/btf/vmlinux')) return 'kernel BTF (/sys/kernel/btf/vmlinux)';
  return false;
}

interface Verdict {
  ready: boolean;
  version?: string;
  code?: string;
  exitCode?: number;
  message?: string;
}

/** Runs the probe (`node PROBE`) through `wrapper` (e.g. unshare -m sh -c '…; exec "$@"'); its verdict. */
function probe(wrapper: string[] = [], options: SpawnSyncOptions = {}): Verdict {
  const command = [...wrapper, process.execPath, PROBE];
  const run = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', timeout: 60_000, ...options });
  assert.equal(run.status, 0, `${command.join(' ')} failed (${run.status ?? run.signal}):\n${String(run.stdout)}\n${String(run.stderr)}`);
  return JSON.parse(String(run.stdout)) as Verdict;
}

/** `unshare -m sh -c SETUP; exec "$@"`: the rest of the command runs in a private mount namespace after SETUP. */
function inPrivateMounts(setup: string): string[] {
  return ['unshare', '-m', 'sh', '-c', `${setup}\nexec "$@"`, 'sh'];
}

const unmet = missing();

if (unmet && process.env['CI'] === 'true') {
  test('bpftrace readiness prerequisites are installed (CI=true)', () => assert.fail(`missing: ${unmet}`));
} else {
  describe('bpftrace readiness: each real condition names its cause and fix', { skip: unmet, timeout: 180_000 }, () => {
    const scratch = mkdtempSync(join(tmpdir(), 'ns53-bpftrace-e2e-'));
    after(() => {
      rmSync(scratch, { recursive: true, force: true });
      assert.ok(existsSync(SETNS), "the host's tracefs is still mounted");
    });

    test('this machine as it is: ready, with the version', () => {
      const verdict = probe();
      assert.equal(verdict.ready, true, verdict.message);
      assert.match(verdict.version ?? '', /^bpftrace v0\.\d+\.\d+/);
    });

    test('bpftrace not on PATH: E_TRACER_MISSING (69), names the package and --backend strace', () => {
      const verdict = probe([], { env: { ...process.env, PATH: join(scratch, 'empty-path') } });
      assert.equal(verdict.code, 'E_TRACER_MISSING');
      assert.equal(verdict.exitCode, 69);
      assert.match(verdict.message ?? '', /^bpftrace is not installed \(or not on PATH\); install it: apt install bpftrace .*or use --backend strace/);
    });

    test('as nobody: E_ATTACH_DENIED (77), run as root', () => {
      const verdict = probe([], { uid: NOBODY, gid: NOBODY });
      assert.equal(verdict.code, 'E_ATTACH_DENIED');
      assert.equal(verdict.exitCode, 77);
      assert.match(verdict.message ?? '', /ns53 runs as user 65534, and bpftrace runs only as root: .*Run ns53 as root \(sudo\)/);
    });

    test('root without capabilities (an empty bounding set): E_ATTACH_DENIED (77), grant CAP_BPF and CAP_PERFMON', () => {
      const verdict = probe(['setpriv', '--inh-caps=-all', '--bounding-set=-all']);
      assert.equal(verdict.code, 'E_ATTACH_DENIED');
      assert.match(verdict.message ?? '', /runs as root but without the capabilities BPF tracing needs \(CapEff 0000000000000000 .*--cap-add BPF --cap-add PERFMON/);
    });

    test('tracefs unmounted (and debugfs hidden): E_TRACING_UNAVAILABLE (69), mount -t tracefs', () => {
      const verdict = probe(
        inPrivateMounts(
          'umount /sys/kernel/tracing 2>/dev/null; mount -t tmpfs none /sys/kernel/debug 2>/dev/null\n' +
            'test ! -e /sys/kernel/tracing/events && test ! -e /sys/kernel/debug/tracing || { echo "tracefs still visible" >&2; exit 1; }',
        ),
      );
      assert.equal(verdict.code, 'E_TRACING_UNAVAILABLE');
      assert.equal(verdict.exitCode, 69);
      assert.match(verdict.message ?? '', /^tracefs is not mounted at \/sys\/kernel\/tracing, .*mount -t tracefs nodev \/sys\/kernel\/tracing/);
    });

    test('tracefs without syscall tracepoints (an empty tmpfs with events/ over it): E_TRACING_UNAVAILABLE, CONFIG_FTRACE_SYSCALLS', () => {
      const verdict = probe(inPrivateMounts('mount -t tmpfs none /sys/kernel/tracing && mkdir /sys/kernel/tracing/events && mount -t tmpfs none /sys/kernel/debug'));
      assert.equal(verdict.code, 'E_TRACING_UNAVAILABLE');
      assert.match(verdict.message ?? '', /has no syscall tracepoints .*CONFIG_FTRACE_SYSCALLS; use --backend strace/);
    });

    test('BTF hidden (tmpfs over /sys/kernel/btf): E_TRACING_UNAVAILABLE, CONFIG_DEBUG_INFO_BTF', () => {
      const verdict = probe(inPrivateMounts('mount -t tmpfs none /sys/kernel/btf && test ! -e /sys/kernel/btf/vmlinux'));
      assert.equal(verdict.code, 'E_TRACING_UNAVAILABLE');
      assert.match(verdict.message ?? '', /the kernel has no BTF \(no \/sys\/kernel\/btf\/vmlinux\): .*CONFIG_DEBUG_INFO_BTF.*--backend strace/);
    });

    /** Runs bpftrace in a private mount namespace where `setup` has changed sys_enter_setns; its stderr and end. */
    function bpftraceWithSetns(setup: string) {
      const program = 'tracepoint:syscalls:sys_enter_setns { exit(); } interval:s:1 { exit(); }';
      const run = spawnSync('unshare', ['-m', 'sh', '-c', `${setup} && exec bpftrace -f json -e "$0"`, program], { encoding: 'utf8', timeout: 60_000 });
      return { stderr: String(run.stderr), stdout: String(run.stdout), exit: { code: run.status, signal: run.signal } };
    }

    test('a real load failure: sys_enter_setns covered by an empty directory -> E_TRACING_UNAVAILABLE', () => {
      const empty = join(scratch, 'empty');
      mkdirSync(empty);
      const run = bpftraceWithSetns(`mount --bind ${empty} ${SETNS}`);
      assert.notEqual(run.exit.code, 0, run.stderr);
      const error = explainBpftraceFailure(run.stderr, run.exit);
      assert.equal(error.code, 'E_TRACING_UNAVAILABLE', error.message);
      assert.match(error.message, /before it attached: the kernel shows no tracepoint syscalls:sys_enter_setns: .*mount -t tracefs nodev/);
      assert.match(error.message, /bpftrace said: stdin:\S+: ERROR: tracepoint not found: syscalls:sys_enter_setns$/);
    });

    test('a real attach failure: sys_enter_setns without its id file -> E_ATTACH_FAILED (70)', () => {
      const formatOnly = join(scratch, 'format-only');
      mkdirSync(formatOnly);
      copyFileSync(`${SETNS}/format`, join(formatOnly, 'format'));
      const run = bpftraceWithSetns(`mount --bind ${formatOnly} ${SETNS}`);
      assert.notEqual(run.exit.code, 0, run.stderr);
      const error = explainBpftraceFailure(run.stderr, run.exit);
      assert.equal(error.code, 'E_ATTACH_FAILED', error.message);
      assert.equal(error.exitCode, 70);
      assert.match(error.message, /the kernel would not attach tracepoint:syscalls:sys_enter_setns/);
      assert.match(error.message, /bpftrace said: open\(\/sys\/kernel\/tracing\/events\/syscalls\/sys_enter_setns\/id\): No such file or directory \| ERROR: Error attaching probe: tracepoint:syscalls:sys_enter_setns$/);
    });
  });
}
