import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLinePrefix } from '../../../parsers/strace/index.js';

/** Each case: a line, then the fields the prefix reader must find, and the text where the event starts. */
const CASES: Array<[string, { pid: number | null; comm?: string | null; clock?: string | null; seconds?: number; relative?: number | null; event: string }]> = [
  ['getpid() = 1', { pid: null, clock: null, event: 'getpid() = 1' }],
  ['[pid 13133] rt_sigprocmask(SIG_SETMASK, [], NULL, 8) = 0', { pid: 13133, event: 'rt_sigprocmask' }],
  ['[pid   123] read(3, "", 1) = 0', { pid: 123, event: 'read' }],
  ['[pid 1234567] read(3, "", 1) = 0', { pid: 1234567, event: 'read' }],
  ['13142 clone3({flags=CLONE_VM}, 88) = 13143', { pid: 13142, event: 'clone3' }],
  ['7387  getpid() = 7387', { pid: 7387, event: 'getpid' }],
  ['[pid 13161<scen>] <... rseq resumed>)   = 0', { pid: 13161, comm: 'scen', event: '<... rseq' }],
  ['[pid 15574<we\\74ir\\76d name\\1>] prctl(PR_SET_NAME, "x") = 0', { pid: 15574, comm: 'we\\74ir\\76d name\\1', event: 'prctl' }],
  ['15633<worker \\"1\\"> getppid()           = 15578<strace>', { pid: 15633, comm: 'worker \\"1\\"', event: 'getppid' }],
  ['07:20:30 getcwd("/home/user/cap", 256) = 19', { pid: null, clock: 'time-of-day', seconds: 7 * 3600 + 20 * 60 + 30, event: 'getcwd' }],
  ['07:20:30.172042 getcwd("/x", 256) = 3', { pid: null, clock: 'time-of-day', seconds: 26430.172042, event: 'getcwd' }],
  ['1795504830.190425 getcwd("/x", 256) = 3', { pid: null, clock: 'epoch', seconds: 1795504830.190425, event: 'getcwd' }],
  ['1795504830.274434975 getcwd("/x", 256) = 3', { pid: null, clock: 'epoch', seconds: 1795504830.274434975, event: 'getcwd' }],
  ['1795504830 getcwd("/x", 256) = 3', { pid: null, clock: 'epoch', seconds: 1795504830, event: 'getcwd' }],
  ['07:20:30.292 getcwd("/x", 256) = 3', { pid: null, clock: 'time-of-day', seconds: 26430.292, event: 'getcwd' }],
  ['     0.000066 getcwd("/x", 256) = 3', { pid: null, clock: 'relative', seconds: 0.000066, event: 'getcwd' }],
  ['     0 getcwd("/x", 256) = 3', { pid: null, clock: 'relative', seconds: 0, event: 'getcwd' }],
  ['07:20:30 (+     0.000052) getcwd("/x", 256) = 3', { pid: null, clock: 'time-of-day', seconds: 26430, relative: 0.000052, event: 'getcwd' }],
  ['13142      0.000066 getcwd("/x", 256) = 3', { pid: 13142, clock: 'relative', seconds: 0.000066, event: 'getcwd' }],
  ['11980 1795506302.195973 epoll_pwait(4<anon_inode:[eventpoll]>,  <unfinished ...>', { pid: 11980, clock: 'epoch', seconds: 1795506302.195973, event: 'epoll_pwait' }],
  ['[pid 22061<scen>] 07:30:46.880400 (+     0.020432) [  39] [00007f3358b9b4e7] getpid() = 22058<scen> <0.000011>', { pid: 22061, comm: 'scen', clock: 'time-of-day', relative: 0.020432, event: 'getpid' }],
  ['[pid 14713] [   0] [00007f2f5b9eb2ec] read(3,  <unfinished ...>', { pid: 14713, event: 'read' }],
  ['[????????????????] +++ exited with 0 +++', { pid: null, event: '+++' }],
  ['[ 257] openat(AT_FDCWD, "/nonexistent/path", O_RDONLY) = -1 ENOENT (No such file or directory)', { pid: null, event: 'openat' }],
  ['[pid  1234] [unconfined_t] openat(AT_FDCWD, "/etc/passwd" [passwd_file_t], O_RDONLY|O_CLOEXEC) = 3</etc/passwd> [passwd_file_t]', { pid: 1234, event: 'openat' }],
  ['[ Process PID=15482 runs in 32 bit mode. ]', { pid: null, event: '[ Process' }],
  ['strace: Process 14399 attached with 4 threads', { pid: null, event: 'strace:' }],
];

for (const [line, expected] of CASES) {
  test(`prefix of ${JSON.stringify(line.slice(0, 60))}`, () => {
    const prefix = parseLinePrefix(line);
    assert.equal(prefix.pid, expected.pid);
    if (expected.comm !== undefined) assert.equal(prefix.comm, expected.comm);
    if (expected.clock !== undefined) assert.equal(prefix.stamp?.clock ?? null, expected.clock);
    if (expected.seconds !== undefined) assert.ok(Math.abs(prefix.stamp!.seconds - expected.seconds) < 1e-6, `seconds ${prefix.stamp?.seconds}`);
    if (expected.relative !== undefined) assert.equal(prefix.relative?.seconds ?? null, expected.relative);
    assert.ok(line.slice(prefix.end).startsWith(expected.event), `event starts at ${JSON.stringify(line.slice(prefix.end, prefix.end + 20))}`);
  });
}

test('a pid wider than 7 digits is a timestamp, not a pid', () => {
  const prefix = parseLinePrefix('12345678 getpid() = 1');
  assert.equal(prefix.pid, null);
});
