import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attachFailure, explainPtraceDenied, type AttachContext } from '../../src/sources/strace-failure.js';
import type { StraceExit } from '../../src/sources/strace-process.js';

const context: AttachContext = { pid: 1234, binary: 'strace', euid: 0, ptraceScope: 1, tracer: null };

function exit(fields: Partial<StraceExit>): StraceExit {
  return { code: 1, signal: null, spawnError: null, stderr: '', detached: false, ...fields };
}

/** strace's own words, as strace 6.1 prints them. */
const EPERM = 'strace: attach: ptrace(PTRACE_SEIZE, 1234): Operation not permitted\n';
const ESRCH = 'strace: attach: ptrace(PTRACE_SEIZE, 1234): No such process\n';

test('each failure maps to a stable code and a message with the fix', () => {
  const table: Array<[StraceExit, Partial<AttachContext>, string, RegExp]> = [
    [exit({ code: null, spawnError: 'ENOENT' }), {}, 'E_TRACER_MISSING', /strace is not installed .*apt-get install strace/],
    [exit({ stderr: EPERM }), { euid: 1000 }, 'E_ATTACH_DENIED', /needs root or CAP_SYS_PTRACE: run ns53 with sudo \(kernel\.yama\.ptrace_scope = 1 also requires it\)/],
    [exit({ stderr: EPERM }), { ptraceScope: 3 }, 'E_ATTACH_DENIED', /kernel\.yama\.ptrace_scope = 3.*reboot/],
    [exit({ stderr: EPERM }), { tracer: { pid: 99, comm: 'gdb' } }, 'E_ATTACH_DENIED', /already traced by PID 99 \(gdb\)/],
    [exit({ stderr: EPERM }), {}, 'E_ATTACH_DENIED', /CAP_SYS_PTRACE \(docker run --cap-add SYS_PTRACE --pid host\)/],
    [exit({ stderr: ESRCH }), {}, 'E_NO_SUCH_PID', /PID 1234 exited before strace could attach/],
    [exit({ code: null, signal: 'SIGKILL', stderr: '' }), {}, 'E_ATTACH_FAILED', /strace was killed by SIGKILL before it attached to PID 1234.*strace said: \(nothing\)/s],
    [exit({ code: 1, stderr: 'strace: invalid system call\n' }), {}, 'E_ATTACH_FAILED', /exited with status 1 .*strace said: strace: invalid system call/s],
  ];
  for (const [straceExit, overrides, code, message] of table) {
    const error = attachFailure(straceExit, { ...context, ...overrides });
    assert.equal(error.code, code, straceExit.stderr);
    assert.match(error.message, message);
  }
});

test('strace says what it said: its last lines, in the message', () => {
  const error = attachFailure(exit({ stderr: `strace: Process 1234 attached\n${EPERM}\n` }), context);
  assert.match(error.message, /strace said: strace: Process 1234 attached \| strace: attach: ptrace\(PTRACE_SEIZE, 1234\): Operation not permitted$/);
});

test('a root user without ptrace is pointed at containers and security policies', () => {
  assert.match(explainPtraceDenied(context), /inside a container it needs CAP_SYS_PTRACE.*AppArmor, SELinux/);
});
