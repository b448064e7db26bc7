import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSyscallBody, type SyscallBody } from '../../../parsers/strace/index.js';

/** Body text (after `name(`) → expected args text and result fields. */
const CASES: Array<[string, Partial<SyscallBody['result']> & { args?: string; duration?: number | null; interrupted?: boolean }]> = [
  ['3<UDP:[61676]>, "\\354z\\1\\0", 38) = 38 <0.000108>', { args: '3<UDP:[61676]>, "\\354z\\1\\0", 38', value: 38, errno: null, duration: 0.000108 }],
  ['1, ") = 5", 5) = 5', { args: '1, ") = 5", 5', value: 5 }],
  ['1, "[{(\\"\\\\", 5) = 5', { args: '1, "[{(\\"\\\\", 5', value: 5 }],
  ['AT_FDCWD</tmp/a(b>, "x", O_RDONLY) = 3</tmp/a(b/x>', { value: 3, decoration: '/tmp/a(b/x' }],
  ['0xc001047400, 512) = -1 EAGAIN (Resource temporarily unavailable) <0.000137>', { value: -1, errno: 'EAGAIN', duration: 0.000137 }],
  ['"/nonexistent", O_RDONLY) = -1 ENOENT (No such file or directory)', { value: -1, errno: 'ENOENT', annotation: null }],
  ['12345) = -1 (errno 4095)', { value: -1, errno: 'errno 4095' }],
  ['12345) = -1 4095 (Unknown error 4095)', { value: -1, errno: 'errno 4095' }],
  ['0, 0x7ffff72cf5cf, 1)              = ? ERESTARTSYS (To be restarted if SA_RESTART is set)', { value: null, errno: 'ERESTARTSYS' }],
  ['0)                                 = ?', { value: null, errno: null }],
  ['NULL)                               = 0x5643e3951000', { value: 0x5643e3951000 }],
  ['022)                              = 022', { value: 0o22 }],
  ['3, F_GETFL)                       = 0x8000 (flags O_RDONLY|O_LARGEFILE) <0.000143>', { value: 0x8000, annotation: '(flags O_RDONLY|O_LARGEFILE)' }],
  ['3, CLONE_NEWNET) = 0 (net:[4026531840])', { value: 0, annotation: '(net:[4026531840])' }],
  ['"/tmp")                           = -1 EPERM (Operation not permitted) (INJECTED)', { errno: 'EPERM', annotation: '(INJECTED)' }],
  ['7, {sa_family=AF_UNIX}, [112 => 2], SOCK_CLOEXEC|SOCK_NONBLOCK) = 23<UNIX-STREAM:[61555->61553,"/var/run/docker.sock"]> <0.001248>', { value: 23, decoration: 'UNIX-STREAM:[61555->61553,"/var/run/docker.sock"]' }],
  ['{flags=CLONE_VM} => {parent_tid=[13170<scen>]}, 88) = 13170<scen>', { value: 13170, decoration: 'scen' }],
  ['1 /* 15966 in strace\'s PID NS */, 0) = 0', { value: 0 }],
  ['3,  <unfinished ...>)  = ?', { value: null, interrupted: true }],
  [') = 1 /* 15966 in strace\'s PID NS */', { value: 1, annotation: null }],
  ['3, )                               = ? <unavailable>', { value: null, annotation: null }],
];

for (const [body, expected] of CASES) {
  test(`body ${JSON.stringify(body.slice(0, 60))}`, () => {
    const parsed = parseSyscallBody(body);
    assert.ok(!('code' in parsed), `issue: ${JSON.stringify(parsed)}`);
    const { result } = parsed as SyscallBody;
    if (expected.args !== undefined) assert.equal((parsed as SyscallBody).args, expected.args);
    if (expected.duration !== undefined) assert.equal((parsed as SyscallBody).duration, expected.duration);
    if (expected.interrupted !== undefined) assert.equal((parsed as SyscallBody).interrupted, expected.interrupted);
    for (const key of ['value', 'errno', 'decoration', 'annotation'] as const) {
      if (expected[key] !== undefined) assert.equal(result[key], expected[key], key);
    }
  });
}

test('arguments that never close are an issue with a position, not an exception', () => {
  const parsed = parseSyscallBody('3, "unterminated');
  assert.ok('code' in parsed);
  if ('code' in parsed) assert.equal(parsed.code, 'unbalanced-arguments');
});

test('a missing `=` is an issue', () => {
  const parsed = parseSyscallBody('3) garbage');
  assert.ok('code' in parsed && parsed.code === 'bad-result');
});
