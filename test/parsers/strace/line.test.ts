import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStraceLine, type StraceRecord } from '../../../parsers/strace/index.js';

/** What a line must be read as: kind, and for syscalls the phase, name and the kept body text. */
type Expected =
  | { kind: 'syscall'; phase: string; name: string; pid?: number | null; body?: string }
  | { kind: 'exit'; how: string; detail: string }
  | { kind: 'signal'; signal: string }
  | { kind: 'diagnostic'; attached?: number | null; detached?: number | null }
  | { kind: 'auxiliary'; what: string }
  | { kind: 'orphan-close' }
  | { kind: 'unreadable'; code: string };

const CASES: Array<[string, Expected]> = [
  ['execve("./scen", ["./scen", "exit1"], 0x7ffc29361098 /* 35 vars */) = 0', { kind: 'syscall', phase: 'complete', name: 'execve' }],
  ['[pid 13133] rt_sigprocmask(SIG_SETMASK, [],  <unfinished ...>', { kind: 'syscall', phase: 'unfinished', name: 'rt_sigprocmask', pid: 13133, body: 'SIG_SETMASK, [], ' }],
  ['[pid 13133] <... rt_sigprocmask resumed>NULL, 8) = 0', { kind: 'syscall', phase: 'resumed', name: 'rt_sigprocmask', body: 'NULL, 8) = 0' }],
  ['7113  00:09:47.789865 <... futex resumed> ) = -1 EAGAIN (Resource temporarily unavailable) <0.000017>', { kind: 'syscall', phase: 'resumed', name: 'futex', body: ' ) = -1 EAGAIN (Resource temporarily unavailable) <0.000017>' }],
  ['[pid  4243] read(fd=3 <unfinished ...>', { kind: 'syscall', phase: 'unfinished', name: 'read', body: 'fd=3' }],
  ['[pid  4243] <... read resumed>, buf="wake", count=16) = 4', { kind: 'syscall', phase: 'resumed', name: 'read', body: ', buf="wake", count=16) = 4' }],
  ['[pid 13983] <... read resumed> <unfinished ...>) = ?', { kind: 'syscall', phase: 'resumed', name: 'read' }],
  ['20304 07:28:17.592852 clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, {tv_sec=1046, tv_nsec=457060929},  <detached ...>', { kind: 'syscall', phase: 'detached', name: 'clock_nanosleep' }],
  ['execve("/bin/true", ["true"], 0x7ffcfd151a60 /* 35 vars */ <pid changed to 14002 ...>', { kind: 'syscall', phase: 'pid-changed', name: 'execve' }],
  ['write(1, "hello\\n", 6 <ptrace(SYSCALL):No such process>', { kind: 'syscall', phase: 'detached', name: 'write' }],
  ['exit_group(0) <unfinished ... exit status 0>', { kind: 'syscall', phase: 'detached', name: 'exit_group' }],
  ['13994 ???( <unfinished ...>', { kind: 'syscall', phase: 'unfinished', name: '???' }],
  ['13994 <... ??? resumed>) = ?', { kind: 'syscall', phase: 'resumed', name: '???' }],
  ['readv#64(0, [{iov_base="abcd", iov_len=4}], 1) = 4', { kind: 'syscall', phase: 'complete', name: 'readv#64' }],
  ['syscall_0xbad(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS (Function not implemented)', { kind: 'syscall', phase: 'complete', name: 'syscall_0xbad' }],
  ['restart_syscall(<... resuming interrupted clock_nanosleep ...>) = 0', { kind: 'syscall', phase: 'complete', name: 'restart_syscall' }],
  ['write(1, "+++ exited with 0 +++", 21) = 21', { kind: 'syscall', phase: 'complete', name: 'write' }],
  ['+++ exited with 7 +++', { kind: 'exit', how: 'exited', detail: '7' }],
  ['[pid 13796] +++ killed by SIGKILL +++', { kind: 'exit', how: 'killed', detail: 'SIGKILL' }],
  ['+++ killed by SIGSEGV (core dumped) +++', { kind: 'exit', how: 'killed', detail: 'SIGSEGV (core dumped)' }],
  ['21127 +++ superseded by execve in pid 21128 +++', { kind: 'exit', how: 'superseded', detail: '21128' }],
  ['--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=13795, si_uid=0, si_status=7, si_utime=0, si_stime=0} ---', { kind: 'signal', signal: 'SIGCHLD' }],
  ['[pid 13798] --- stopped by SIGSTOP ---', { kind: 'signal', signal: 'SIGSTOP' }],
  ['--- SIGCHLD (Child exited) @ 0 (0) ---', { kind: 'signal', signal: 'SIGCHLD' }],
  ['3042  --- {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=3043, si_status=0, si_utime=0, si_stime=0} (Child exited) ---', { kind: 'signal', signal: 'SIGCHLD' }],
  ['strace: Process 14292 attached', { kind: 'diagnostic', attached: 14292 }],
  ['strace: Process 14399 attached with 4 threads', { kind: 'diagnostic', attached: 14399 }],
  ['/usr/bin/strace: Process 14292 detached', { kind: 'diagnostic', detached: 14292 }],
  ['Process 1234 attached - interrupt to quit', { kind: 'diagnostic', attached: 1234 }],
  ['strace: Requested path "/x" resolved into "/y"', { kind: 'diagnostic', attached: null }],
  [' > /usr/lib/x86_64-linux-gnu/libc.so.6(chdir+0x7) [0xf8bf7]', { kind: 'auxiliary', what: 'stack-frame' }],
  [' | 00010  71 72 73 74 75 76 77 78  79 7a                    qrstuvwxyz       |', { kind: 'auxiliary', what: 'hex-dump' }],
  [' * 6 bytes in buffer 0', { kind: 'auxiliary', what: 'hex-dump' }],
  [' VCPU:0< {request_interrupt_window=0}', { kind: 'auxiliary', what: 'vcpu' }],
  ['[ Process PID=15482 runs in 32 bit mode. ]', { kind: 'auxiliary', what: 'personality' }],
  ['% time     seconds  usecs/call     calls    errors syscall', { kind: 'auxiliary', what: 'summary' }],
  ['------ ----------- ----------- --------- --------- ----------------', { kind: 'auxiliary', what: 'summary' }],
  ['  0.00    0.000000           0         1           read', { kind: 'auxiliary', what: 'summary' }],
  ['', { kind: 'auxiliary', what: 'blank' }],
  [')                                       = ?', { kind: 'orphan-close' }],
  ['sh: 1: /nonexistent/x: not found', { kind: 'unreadable', code: 'unknown-line' }],
  ['\x00\x01\x02garbage\xff', { kind: 'unreadable', code: 'unknown-line' }],
  ['\x1b[33mgetpid\x1b[0m(\x1b[35m\x1b[0m\x1b[0m)\x1b[0m = \x1b[32m1234\x1b[0m', { kind: 'syscall', phase: 'complete', name: 'getpid' }],
  ['getpid() = 1\r', { kind: 'syscall', phase: 'complete', name: 'getpid' }],
];

function check(record: StraceRecord, expected: Expected): void {
  assert.equal(record.kind, expected.kind);
  if (record.kind === 'syscall' && expected.kind === 'syscall') {
    assert.equal(record.phase, expected.phase);
    assert.equal(record.name, expected.name);
    if (expected.pid !== undefined) assert.equal(record.pid, expected.pid);
    if (expected.body !== undefined) assert.equal(record.text.slice(record.bodyStart, record.bodyEnd), expected.body);
  } else if (record.kind === 'exit' && expected.kind === 'exit') {
    assert.equal(record.how, expected.how);
    assert.equal(record.detail, expected.detail);
  } else if (record.kind === 'signal' && expected.kind === 'signal') {
    assert.equal(record.signal, expected.signal);
  } else if (record.kind === 'diagnostic' && expected.kind === 'diagnostic') {
    if (expected.attached !== undefined) assert.equal(record.attached, expected.attached);
    if (expected.detached !== undefined) assert.equal(record.detached, expected.detached);
  } else if (record.kind === 'auxiliary' && expected.kind === 'auxiliary') {
    assert.equal(record.what, expected.what);
  } else if (record.kind === 'unreadable' && expected.kind === 'unreadable') {
    assert.equal(record.issue.code, expected.code);
    assert.ok(record.issue.column >= 1);
    assert.ok(record.issue.excerpt.length <= 82);
  }
}

for (const [line, expected] of CASES) {
  test(`reads ${JSON.stringify(line.slice(0, 70))}`, () => check(parseStraceLine(line), expected));
}

test('a -ff file line takes its pid from the caller', () => {
  const record = parseStraceLine('1795506304.315327 setns(15<net:[4026532177]>, CLONE_NEWNET) = 0', 11980);
  assert.equal(record.pid, 11980);
  assert.equal(parseStraceLine('[pid 7] getpid() = 7', 11980).pid, 7);
});

test('an unreadable 10 MB line reports a short excerpt', () => {
  const record = parseStraceLine(`?${'x'.repeat(10_000_000)}`);
  assert.equal(record.kind, 'unreadable');
  if (record.kind === 'unreadable') assert.ok(record.issue.excerpt.length < 100);
});
