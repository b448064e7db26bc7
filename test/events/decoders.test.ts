import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NetEvent } from '../../src/events/net-event.js';
import { readEvents, text } from '../support/read-events.js';

/** Each case: one complete line (or a few) and the events the decoders must produce, as partial objects. */
const CASES: Array<[string[], Array<Partial<NetEvent> & Record<string, unknown>>]> = [
  [['setns(15<net:[4026532177]>, CLONE_NEWNET) = 0'], [{ type: 'netns-enter', fd: 15, decoration: { kind: 'netns', inode: 4026532177 } }]],
  [['setns(38, CLONE_NEWNET) = 0'], [{ type: 'netns-enter', fd: 38, decoration: null }]],
  [['setns(3, CLONE_NEWNET) = 0 (net:[4026531840])'], [{ type: 'netns-enter', fd: 3, inodeAfter: 4026531840 }]],
  [['setns(3<mnt:[4026531841]>, 0) = 0', 'setns(3, CLONE_NEWNS) = 0', 'setns(3, CLONE_NEWNET) = -1 EINVAL (Invalid argument)'], []],
  [['unshare(CLONE_NEWNET|CLONE_NEWNS) = 0', 'unshare(CLONE_NEWNS) = 0'], [{ type: 'netns-unshare' }]],
  [['openat(AT_FDCWD</>, "/var/run/docker/netns/6d527838845f", O_RDONLY|O_CLOEXEC) = 59</var/run/docker/netns/6d527838845f>'], [{ type: 'fd-open', fd: 59, path: '/var/run/docker/netns/6d527838845f' }]],
  [['open("/run/netns/lab", O_RDONLY) = 7'], [{ type: 'fd-open', fd: 7, path: '/run/netns/lab' }]],
  [['openat(AT_FDCWD, "/nope", O_RDONLY) = -1 ENOENT (No such file or directory)'], []],
  // Files that cannot be network namespaces are not followed (most of dockerd's opens).
  [['openat(AT_FDCWD</>, "/etc/hosts", O_RDONLY|O_CLOEXEC) = 5</etc/hosts>'], []],
  [['openat(AT_FDCWD, "/proc/1/fd/7", O_RDONLY) = 4<net:[4026531833]>'], [{ type: 'fd-open', fd: 4, path: '/proc/1/fd/7' }]],
  [['openat(AT_FDCWD, "/proc/self/task/7/ns/net", O_RDONLY|O_CLOEXEC) = 9'], [{ type: 'fd-open', fd: 9 }]],
  [['socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 61<UDP:[61676]>'], [{ type: 'socket', fd: 61, family: 'inet', protocol: 'udp' }]],
  [['socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 5'], [{ type: 'socket', fd: 5, family: 'inet6', protocol: 'tcp' }]],
  [['socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 5'], [{ type: 'socket', fd: 5, family: 'other', protocol: 'other' }]],
  [['socket(0x2, 0x80802, 0) = 5'], [{ type: 'socket', fd: 5, family: 'inet', protocol: 'udp' }]],
  [
    ['connect(61<UDP:[61676]>, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.77.0.2")}, 16) = 0'],
    [{ type: 'connect', fd: 61, address: { family: 'inet', ip: '10.77.0.2', port: 53 }, errno: null }],
  ],
  [
    ['connect(7, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.77.0.2")}, 16) = -1 EINPROGRESS (Operation now in progress)'],
    [{ type: 'connect', fd: 7, errno: 'EINPROGRESS' }],
  ],
  [['connect(7, {sa_family=AF_UNIX, sun_path="/var/run/docker.sock"}, 23) = 0'], []],
  [
    ['getsockname(61<UDP:[61676]>, {sa_family=AF_INET, sin_port=htons(36051), sin_addr=inet_addr("172.18.0.3")}, [112 => 16]) = 0'],
    [{ type: 'local-address', fd: 61, address: { family: 'inet', ip: '172.18.0.3', port: 36051 } }],
  ],
  [['getpeername(61, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.77.0.2")}, [112 => 16]) = 0'], [{ type: 'peer-address', fd: 61 }]],
  [['bind(3, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("127.0.0.11")}, 16) = 0'], [{ type: 'local-address', fd: 3 }]],
  [
    ['accept4(9<TCP:[127.0.0.11:41533]>, {sa_family=AF_INET, sin_port=htons(39308), sin_addr=inet_addr("127.0.0.1")}, [16], SOCK_CLOEXEC) = 12<TCP:[127.0.0.11:41533->127.0.0.1:39308]>'],
    [{ type: 'accept', fd: 9, newFd: 12, peer: { family: 'inet', ip: '127.0.0.1', port: 39308 } }],
  ],
  [['getsockopt(7, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0'], [{ type: 'socket-error', fd: 7, errno: 'ECONNREFUSED' }]],
  [['getsockopt(7, SOL_SOCKET, SO_ERROR, [111], [4]) = 0'], [{ type: 'socket-error', fd: 7, errno: 'ECONNREFUSED' }]],
  [['getsockopt(7, SOL_SOCKET, SO_ERROR, [0], [4]) = 0'], [{ type: 'socket-error', fd: 7, errno: null }]],
  [['getsockopt(7, SOL_SOCKET, SO_RCVBUF, [212992], [4]) = 0'], []],
  // EAGAIN on a non-blocking read is "nothing yet": never an answer, and not even an event.
  [['read(61<UDP:[61676]>, 0xc001047400, 512) = -1 EAGAIN (Resource temporarily unavailable)', 'recvmsg(40<UDP:[24811]>, {msg_namelen=112}, 0) = -1 EAGAIN (Resource temporarily unavailable)'], []],
  [['read(61<UDP:[61676]>, 0xc00053dc00, 512) = -1 ECONNREFUSED (Connection refused)'], [{ type: 'receive', fd: 61, errno: 'ECONNREFUSED' }]],
  [
    ['recvfrom(3, "ping", 256, 0, {sa_family=AF_INET, sin_port=htons(54961), sin_addr=inet_addr("127.0.0.1")}, [16]) = 4'],
    [{ type: 'receive', fd: 3, peer: { family: 'inet', ip: '127.0.0.1', port: 54961 } }],
  ],
  [['sendto(3, "v6", 2, 0, {sa_family=AF_INET6, sin6_port=htons(36062), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 2'], [{ type: 'send', fd: 3, peer: { family: 'inet6', ip: '::1', port: 36062 } }]],
  [['readv(3<UDP:[9]>, [{iov_base="ab", iov_len=2}, {iov_base="cd", iov_len=8}], 2) = 4'], [{ type: 'receive', fd: 3, peer: null }]],
  [['recv(3<UDP:[9]>, "ab", 512, 0) = 2', 'send(3<UDP:[9]>, "ab", 2, 0) = 2'], [{ type: 'receive', fd: 3, syscall: 'recv' }, { type: 'send', fd: 3, syscall: 'send' }]],
  [
    ['sendmmsg(3<UDP:[9]>, [{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="a", iov_len=1}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=1}, {msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="bb", iov_len=2}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=2}], 2, 0) = 2'],
    [{ type: 'send', fd: 3 }, { type: 'send', fd: 3 }],
  ],
  [['accept(9, NULL, NULL) = 12<TCP:[127.0.0.11:41533->127.0.0.1:4000]>'], [{ type: 'accept', fd: 9, newFd: 12, peer: { family: 'inet', ip: '127.0.0.1', port: 4000 } }]],
  [['openat2(AT_FDCWD, "/run/netns/x", {flags=O_RDONLY, resolve=0}, 24) = 5'], [{ type: 'fd-open', fd: 5, path: '/run/netns/x' }]],
  [['close(61<UDP:[61676]>) = 0', 'close(12345) = -1 EBADF (Bad file descriptor)'], [{ type: 'close', fd: 61 }]],
  [['close_range(3, ~0U, 0) = 0', 'close_range(3, 10, CLOSE_RANGE_CLOEXEC) = 0'], [{ type: 'close-range', first: 3, last: Number.MAX_SAFE_INTEGER }]],
  [['dup2(3, 10) = 10', 'dup3(3, 11, O_CLOEXEC) = 11', 'dup(3) = 12', 'fcntl(3, F_DUPFD_CLOEXEC, 20) = 20', 'fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)'], [
    { type: 'dup', fd: 3, newFd: 10, syscall: 'dup2' },
    { type: 'dup', fd: 3, newFd: 11, syscall: 'dup3' },
    { type: 'dup', fd: 3, newFd: 12, syscall: 'dup' },
    { type: 'dup', fd: 3, newFd: 20, syscall: 'fcntl' },
  ]],
  [['clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, exit_signal=0, stack=0x7f, stack_size=0x7fff80} => {parent_tid=[13134]}, 88) = 13134'], [{ type: 'thread-start', child: 13134, sameProcess: true, sharesFiles: true }]],
  [['clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 4321'], [{ type: 'thread-start', child: 4321, sameProcess: false, sharesFiles: false }]],
  [['vfork() = 13800'], [{ type: 'thread-start', child: 13800, sameProcess: false }]],
];

for (const [lines, expected] of CASES) {
  test(`decodes ${lines[0]!.slice(0, 70)}`, () => {
    const { events, issues } = readEvents(lines, () => 'inet');
    assert.deepEqual(issues, []);
    assert.equal(events.length, expected.length, JSON.stringify(events.map((e) => e.type)));
    expected.forEach((partial, i) => {
      for (const [key, value] of Object.entries(partial)) assert.deepEqual((events[i] as unknown as Record<string, unknown>)[key], value, key);
    });
  });
}

test('recvmsg: client address from msg_name, bytes from the iovecs, cut to the returned length', () => {
  const { events } = readEvents([
    'recvmsg(40<UDP:[24811]>, {msg_name={sa_family=AF_INET, sin_port=htons(57679), sin_addr=inet_addr("127.0.0.1")}, msg_namelen=112 => 16, msg_iov=[{iov_base="\\354z\\1\\0\\0\\1", iov_len=512}], msg_iovlen=1, msg_controllen=32, msg_flags=0}, 0) = 4',
  ]);
  const [event] = events;
  assert.equal(event?.type, 'receive');
  if (event?.type !== 'receive') return;
  assert.deepEqual(event.peer, { family: 'inet', ip: '127.0.0.1', port: 57679 });
  assert.deepEqual([...event.payload!.bytes], [0xec, 0x7a, 1, 0]);
});

test('an unknown, undecorated fd is followed only when the call names an internet peer', () => {
  const { events } = readEvents([
    'recvmsg(40, {msg_name={sa_family=AF_UNIX}, msg_namelen=0, msg_iov=[{iov_base="x", iov_len=1}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 1',
    'read(41, "x", 1) = 1',
    'sendmsg(42, {msg_name={sa_family=AF_INET, sin_port=htons(5), sin_addr=inet_addr("127.0.0.1")}, msg_namelen=16, msg_iov=[{iov_base="y", iov_len=1}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 1',
  ]);
  assert.deepEqual(events.map((e) => [e.type, 'fd' in e ? e.fd : null]), [['send', 42]]);
});

test('writev joins iovecs; a truncated string marks the payload truncated', () => {
  const { events } = readEvents(['writev(7<TCP:[1]>, [{iov_base="\\0\\"", iov_len=2}, {iov_base="abc"..., iov_len=34}], 2) = 36']);
  const [send] = events;
  assert.equal(send?.type === 'send' && text(send.payload?.bytes), '\0"abc');
  assert.equal(send?.type === 'send' && send.payload?.truncated, true);
});

test('recvmmsg gives one event per message', () => {
  const { events } = readEvents([
    'recvmmsg(3<UDP:[9]>, [{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="one", iov_len=8}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=3}, {msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="two!", iov_len=8}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=4}], 2, 0, {tv_sec=1, tv_nsec=0}) = 2 (left {tv_sec=0, tv_nsec=999998378})',
  ]);
  assert.deepEqual(events.map((e) => (e.type === 'receive' ? text(e.payload?.bytes) : e.type)), ['one', 'two!']);
});
