import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { hasCapability, parseEffectiveCapabilities } from '../../src/sources/capabilities.js';
import { checkBpftraceReadiness, judgePrivileges, judgeTracing, type SysView } from '../../src/sources/bpftrace-readiness.js';

const ALL = 0x000001ffffffffffn;
const bit = (n: number): bigint => 1n << BigInt(n);

/** A /sys that holds exactly these paths (and their parents). */
function sysWith(...paths: string[]): SysView {
  const present = new Set<string>();
  for (const path of paths) for (let p = path; p.length > 0; p = p.slice(0, p.lastIndexOf('/'))) present.add(p);
  return { exists: (path) => present.has(path) };
}

const SYSCALLS = '/sys/kernel/tracing/events/syscalls';
const BTF = '/sys/kernel/btf/vmlinux';

test('CapEff is read as hex from /proc/PID/status', () => {
  assert.equal(parseEffectiveCapabilities('Name:\tx\nCapInh:\t0\nCapEff:\t000000c000200000\nCapBnd:\t000001ffffffffff\n'), 0xc000200000n);
  assert.equal(parseEffectiveCapabilities('Name:\tx\n'), null);
  const mask = 0xc000200000n; // CAP_SYS_ADMIN, CAP_PERFMON, CAP_BPF
  assert.deepEqual([hasCapability(mask, 'CAP_SYS_ADMIN'), hasCapability(mask, 'CAP_PERFMON'), hasCapability(mask, 'CAP_BPF')], [true, true, true]);
  assert.equal(hasCapability(0x8000000000n, 'CAP_PERFMON'), false);
});

test('privileges: root with CAP_SYS_ADMIN, or with CAP_BPF and CAP_PERFMON; never another user (bpftrace 0.17 checks the uid)', () => {
  const table: Array<[number, bigint | null, string | null, RegExp?]> = [
    [0, ALL, null],
    [0, null, null],
    [0, bit(21), null],
    [0, bit(39) | bit(38), null],
    [0, bit(39), 'E_ATTACH_DENIED', /CapEff 0000008000000000 has neither CAP_SYS_ADMIN nor both CAP_BPF and CAP_PERFMON.*--cap-add BPF --cap-add PERFMON/],
    [0, 0xa80425fbn, 'E_ATTACH_DENIED', /runs as root but without the capabilities .*docker run --privileged --pid host/],
    [1000, ALL, 'E_ATTACH_DENIED', /ns53 runs as user 1000, and bpftrace runs only as root: .*Run ns53 as root \(sudo\)/],
    [65534, 0n, 'E_ATTACH_DENIED', /runs as user 65534/],
  ];
  for (const [euid, capEff, code, message] of table) {
    const error = judgePrivileges(euid, capEff);
    assert.equal(error?.code ?? null, code, `euid ${euid} CapEff ${capEff}`);
    if (message) assert.match(error?.message ?? '', message);
    if (error) assert.equal(error.exitCode, 77);
  }
});

test('tracing: syscall tracepoints where bpftrace 0.17 looks, then BTF', () => {
  const table: Array<[SysView, string | null, RegExp?]> = [
    [sysWith(SYSCALLS, BTF), null],
    [sysWith('/sys/kernel/debug/tracing/events/syscalls', BTF), null],
    [sysWith('/sys/kernel/tracing', BTF), 'E_TRACING_UNAVAILABLE', /^tracefs is not mounted at \/sys\/kernel\/tracing, so .*mount -t tracefs nodev \/sys\/kernel\/tracing/],
    // debugfs mounted without its tracing automount: bpftrace picks it over a good /sys/kernel/tracing
    [sysWith('/sys/kernel/debug/tracing', SYSCALLS, BTF), 'E_TRACING_UNAVAILABLE', /not mounted at \/sys\/kernel\/debug\/tracing \(bpftrace 0\.17 looks there.*mount -t tracefs nodev \/sys\/kernel\/debug\/tracing/],
    [sysWith('/sys/kernel/tracing/events/sched', BTF), 'E_TRACING_UNAVAILABLE', /no syscall tracepoints .*CONFIG_FTRACE_SYSCALLS; use --backend strace/],
    [sysWith(SYSCALLS), 'E_TRACING_UNAVAILABLE', /no BTF \(no \/sys\/kernel\/btf\/vmlinux\): .*CONFIG_DEBUG_INFO_BTF.*--backend strace/],
    [sysWith(), 'E_TRACING_UNAVAILABLE', /tracefs is not mounted/],
  ];
  for (const [view, code, message] of table) {
    const error = judgeTracing(view, '/sys');
    assert.equal(error?.code ?? null, code, message?.source);
    if (message) assert.match(error?.message ?? '', message);
    if (error) assert.equal(error.exitCode, 69);
  }
});

const scratch = mkdtempSync(join(tmpdir(), 'ns53-bpftrace-readiness-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A fake bpftrace that prints this for --version. */
function fakeBpftrace(name: string, script: string): string {
  const path = join(scratch, name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
  return path;
}

function fakeSys(...paths: string[]): string {
  const root = mkdtempSync(join(scratch, 'sys-'));
  for (const path of paths) mkdirSync(join(root, path), { recursive: true });
  return root;
}

test('readiness: the version, or the first check that fails, in order', async () => {
  const good = fakeSys('kernel/tracing/events/syscalls', 'kernel/btf/vmlinux');
  const v017 = fakeBpftrace('bpftrace-0.17', 'echo "bpftrace v0.17.0"');
  assert.deepEqual(await checkBpftraceReadiness({ binary: v017, sysRoot: good, euid: 0, capEff: ALL }), { ready: true, binary: v017, version: 'bpftrace v0.17.0' });

  const failures: Array<[Parameters<typeof checkBpftraceReadiness>[0], string, RegExp]> = [
    [{ binary: join(scratch, 'nonexistent'), euid: 1000 }, 'E_TRACER_MISSING', /nonexistent is not installed \(or not on PATH\); install it: apt install bpftrace .*or use --backend strace/],
    [{ binary: fakeBpftrace('bpftrace-0.16', 'echo "bpftrace v0.16.0"'), euid: 0 }, 'E_TRACER_MISSING', /^bpftrace v0\.16\.0 is too old: ns53 needs bpftrace v0\.17 or later/],
    [{ binary: fakeBpftrace('bpftrace-broken', 'echo "libLLVM.so: cannot open" >&2; exit 127'), euid: 0 }, 'E_TRACER_MISSING', /--version` failed \(status 127\): libLLVM\.so: cannot open/],
    [{ binary: v017, sysRoot: fakeSys(), euid: 1000, capEff: ALL }, 'E_ATTACH_DENIED', /runs as user 1000/],
    [{ binary: v017, sysRoot: fakeSys('kernel/tracing', 'kernel/btf/vmlinux'), euid: 0, capEff: ALL }, 'E_TRACING_UNAVAILABLE', /tracefs is not mounted at .*\/kernel\/tracing/],
    [{ binary: v017, sysRoot: fakeSys('kernel/tracing/events/syscalls'), euid: 0, capEff: ALL }, 'E_TRACING_UNAVAILABLE', /no BTF/],
  ];
  for (const [options, code, message] of failures) {
    const readiness = await checkBpftraceReadiness(options);
    assert.equal(readiness.ready, false, options.binary);
    if (!readiness.ready) {
      assert.equal(readiness.error.code, code, readiness.error.message);
      assert.match(readiness.error.message, message);
    }
  }
});
