import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_EXIT_CODES } from '../../src/errors.js';
import { bpftraceComplaints, explainBpftraceFailure, type BpftraceEnding } from '../../src/sources/bpftrace-failure.js';
import { repoPath } from '../support/repo-root.js';

/** Real bpftrace 0.17 stderr texts, one file each, recorded by capture.sh in that folder. */
const FIXTURES = repoPath('test/sources/bpftrace-failure');

interface Capture {
  name: string;
  command: string;
  exit: BpftraceEnding;
  expect: string;
  stderr: string;
}

/** A fixture: `# key: value` header lines, `# ---`, then bpftrace's stderr verbatim. */
function readCapture(file: string): Capture {
  const text = readFileSync(`${FIXTURES}/${file}`, 'utf8');
  const split = text.indexOf('# ---\n');
  assert.ok(split >= 0, `${file}: no "# ---" line`);
  const header = (key: string): string => new RegExp(`^# ${key}: (.*)$`, 'm').exec(text.slice(0, split))?.[1] ?? assert.fail(`${file}: no "# ${key}:"`);
  const [how, value] = header('exit').split(' ');
  const exit: BpftraceEnding = how === 'signal' ? { code: null, signal: value ?? null } : { code: Number(value), signal: null };
  return { name: file.replace(/\.txt$/, ''), command: header('command'), exit, expect: header('expect'), stderr: text.slice(split + '# ---\n'.length) };
}

const captures = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.txt'))
  .sort()
  .map(readCapture);

/** What each real failure must tell the user, beyond its code. */
const HINTS: Record<string, RegExp> = {
  'btf-file-invalid': /killed by SIGSEGV before it attached, without a word: .*BPFTRACE_BTF names a missing or broken file \(unset it\)/,
  'not-root': /bpftrace runs only as root: .*Run ns53 as root \(sudo\), or use --backend strace.*\n {2}bpftrace said: ERROR: bpftrace currently only supports running as the root user\.$/,
  'not-root-with-capabilities': /bpftrace runs only as root: it refuses any other user, whatever capabilities it holds/,
  'root-without-capabilities': /did not allow ns53 to load BPF programs \(EPERM\): grant CAP_BPF and CAP_PERFMON .*docker run --privileged --pid host.*bpftrace said: ERROR: failed to create {2}map: Operation not permitted \| Creation of the required BPF maps has failed\./s,
  'stack-limit': /more than the 512 bytes of stack .*BPFTRACE_STRLEN above ns53's 200/,
  'tracefs-unmounted': /no tracepoint syscalls:sys_enter_setns: .*mount -t tracefs nodev \/sys\/kernel\/tracing.*CONFIG_FTRACE_SYSCALLS; use --backend strace.*\n {2}bpftrace said: stdin:1:1-36: ERROR: tracepoint not found: syscalls:sys_enter_setns$/,
  'tracepoint-id-invalid': /would not attach tracepoint:syscalls:sys_enter_write .*bpftrace said: perf_event_open\(\/sys\/kernel\/tracing\/events\/syscalls\/sys_enter_write\/id\): Invalid argument \| ERROR: Error attaching probe: tracepoint:syscalls:sys_enter_write$/s,
  'tracepoint-id-missing': /exited with status 255 before it attached: the kernel would not attach tracepoint:syscalls:sys_enter_setns .*sys_enter_setns\/id\): No such file or directory/s,
  'tracepoint-not-found': /no tracepoint syscalls:sys_enter_nosuchcall/,
  'unknown-kernel-field': /kernel structures ns53's program reads .*CONFIG_DEBUG_INFO_BTF.*bpftrace said: .*'struct task_struct' does not contain a field named 'nosuchfield'$/s,
};

test('the fixtures are the real captures, each with a hint to check', () => {
  assert.ok(captures.length >= 10, `only ${captures.length} fixtures in ${FIXTURES}`);
  assert.deepEqual(captures.map((c) => c.name).sort(), Object.keys(HINTS).sort());
});

for (const capture of captures) {
  test(`${capture.name}: ${capture.expect} with its cause and fix`, () => {
    const error = explainBpftraceFailure(capture.stderr, capture.exit);
    assert.equal(error.code, capture.expect, `${capture.command}\n${error.message}`);
    assert.equal(error.exitCode, ERROR_EXIT_CODES[capture.expect as keyof typeof ERROR_EXIT_CODES]);
    assert.match(error.message, HINTS[capture.name] ?? /^$/);
    assert.doesNotMatch(error.message, /RLIMIT_MEMLOCK|~~|WARNING/, 'noise stays out of the message');
  });
}

test('complaints: the memlock notice, warnings and program excerpts are dropped, errors kept in order', () => {
  const invalid = captures.find((c) => c.name === 'tracepoint-id-invalid');
  assert.ok(invalid);
  assert.deepEqual(bpftraceComplaints(invalid.stderr), [
    'perf_event_open(/sys/kernel/tracing/events/syscalls/sys_enter_write/id): Invalid argument',
    'ERROR: Error attaching probe: tracepoint:syscalls:sys_enter_write',
  ]);
  const table: Array<[string, string[]]> = [
    ['', []],
    ['\n\n', []],
    ['ERROR: Unknown error -1: couldn\'t set RLIMIT_MEMLOCK for bpftrace. If your program is not loading, you can try "ulimit -l 8192" to fix the problem\n', []],
    ['/x/ns53.bt:626:53-55: WARNING: Addrspace mismatch\n/pid == $1 && @interest[pid, args->fd]/\n                                                    ~~\n', []],
    ['stdin:1:1-5: ERROR: syntax error\nBEGIN\n~~~~~', ['stdin:1:1-5: ERROR: syntax error']],
    ['WARNING: something harmless\nfatal thing\n', ['fatal thing']],
  ];
  for (const [stderr, expected] of table) assert.deepEqual(bpftraceComplaints(stderr), expected, JSON.stringify(stderr));
});

test('an unrecognised failure still says how bpftrace ended and what it said', () => {
  const error = explainBpftraceFailure('ERROR: something new\n', { code: 3, signal: null });
  assert.equal(error.code, 'E_ATTACH_FAILED');
  assert.equal(error.message, 'bpftrace exited with status 3 before it attached.\n  bpftrace said: ERROR: something new');
  assert.match(explainBpftraceFailure('', { code: null, signal: 'SIGKILL' }).message, /killed by SIGKILL before it attached\.\n {2}bpftrace said: \(nothing\)$/);
});
