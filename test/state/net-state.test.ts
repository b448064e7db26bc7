import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FdDecoration, InetAddress } from '../../parsers/strace/index.js';
import type { NetEvent } from '../../src/events/net-event.js';
import { labelNetns, NetState, type ResolvedEvent } from '../../src/state/index.js';

/** Builds events tersely: the ref, time and syscall name do not matter to the state. */
type Spec = NetEvent extends infer E ? (E extends NetEvent ? Omit<E, 'ref' | 'time' | 'syscall'> : never) : never;
const ref = { file: 't', line: 1 };

function apply(state: NetState, spec: Spec): ResolvedEvent {
  return state.apply({ ...spec, ref, time: null, syscall: 'unnamed' } as NetEvent);
}

const udp = (tid: number, fd: number): Spec => ({ type: 'socket', tid, fd, family: 'inet', protocol: 'udp', decoration: null, netnsInode: null });
const pathDecoration = (path: string): FdDecoration => ({ kind: 'path', path });
const nsDecoration = (inode: number): FdDecoration => ({ kind: 'netns', inode });
const upstream: InetAddress = { family: 'inet', ip: '10.77.0.2', port: 53 };

test('threads start in the host namespace; a socket keeps the namespace it was created in', () => {
  const state = new NetState();
  const hostSocket = apply(state, udp(1, 3)).socket!;
  assert.equal(hostSocket.netns.host, true);
  apply(state, { type: 'netns-enter', tid: 1, fd: 59, decoration: pathDecoration('/var/run/docker/netns/6d527838845f'), inodeAfter: null });
  const inContainer = apply(state, udp(1, 4)).socket!;
  apply(state, { type: 'netns-enter', tid: 1, fd: 15, decoration: nsDecoration(4026532177), inodeAfter: null });
  const afterwards = apply(state, { type: 'send', tid: 1, fd: 4, decoration: null, peer: null, payload: null, errno: null });
  assert.equal(afterwards.socket, inContainer);
  assert.equal(labelNetns(inContainer.netns), 'sandbox 6d527838845f');
  assert.equal(inContainer.netns.host, false);
  assert.equal(labelNetns(afterwards.netns), 'net:[4026532177]', 'the thread moved on; the socket did not');
});

test("the blog's undecorated setns(38) is resolved through the openat that returned 38", () => {
  const state = new NetState();
  apply(state, { type: 'fd-open', tid: 1, fd: 38, path: '/var/run/docker/netns/abcdefabcdef', decoration: null });
  apply(state, { type: 'netns-enter', tid: 1, fd: 38, decoration: null, inodeAfter: null });
  assert.equal(labelNetns(apply(state, udp(1, 39)).socket!.netns), 'sandbox abcdefabcdef');
});

test('an fd from before the trace gives an unknown namespace, said so, not a guess', () => {
  const state = new NetState();
  apply(state, { type: 'netns-enter', tid: 1, fd: 38, decoration: null, inodeAfter: null });
  const socket = apply(state, udp(1, 39)).socket!;
  assert.equal(labelNetns(socket.netns), 'unknown');
  assert.equal(socket.netns.host, false);
  assert.match(socket.netns.note ?? '', /fd 38 was opened before the trace/);
});

test('fds belong to the process: a socket made on one thread is read and closed on another', () => {
  const state = new NetState();
  const socket = apply(state, udp(10, 61)).socket!;
  assert.equal(state.fdKind(11, 61), 'inet');
  assert.equal(apply(state, { type: 'receive', tid: 11, fd: 61, decoration: null, peer: null, payload: null, errno: 'EAGAIN' }).socket, socket);
  assert.deepEqual(apply(state, { type: 'close', tid: 12, fd: 61 }).released, [socket]);
  assert.equal(state.fdKind(10, 61), 'unknown');
});

test('the namespace is per thread: another thread stays where it was', () => {
  const state = new NetState();
  apply(state, udp(11, 3));
  apply(state, { type: 'netns-enter', tid: 10, fd: 59, decoration: pathDecoration('/run/netns/a'), inodeAfter: null });
  assert.equal(apply(state, udp(11, 4)).socket!.netns.host, true);
  assert.equal(labelNetns(apply(state, udp(10, 5)).socket!.netns), 'netns a');
});

test('a new thread starts in its creator’s namespace', () => {
  const state = new NetState();
  apply(state, { type: 'netns-enter', tid: 10, fd: 59, decoration: pathDecoration('/run/netns/a'), inodeAfter: null });
  apply(state, { type: 'thread-start', tid: 10, child: 20, sameProcess: true, sharesFiles: true });
  assert.equal(labelNetns(apply(state, udp(20, 4)).socket!.netns), 'netns a');
});

test('dup keeps a socket open until its last fd closes; dup2 over an fd releases what it named', () => {
  const state = new NetState();
  const first = apply(state, udp(1, 3)).socket!;
  const second = apply(state, udp(1, 4)).socket!;
  apply(state, { type: 'dup', tid: 1, fd: 3, newFd: 10 });
  assert.deepEqual(apply(state, { type: 'close', tid: 1, fd: 3 }).released, []);
  assert.deepEqual(apply(state, { type: 'dup', tid: 1, fd: 10, newFd: 4 }).released, [second], 'dup2 onto 4 closed the old 4');
  assert.deepEqual(apply(state, { type: 'close', tid: 1, fd: 10 }).released, []);
  assert.deepEqual(apply(state, { type: 'close', tid: 1, fd: 4 }).released, [first]);
});

test('close_range releases every socket in the range', () => {
  const state = new NetState();
  const sockets = [3, 4, 9].map((fd) => apply(state, udp(1, fd)).socket!);
  const released = apply(state, { type: 'close-range', tid: 1, first: 4, last: Number.MAX_SAFE_INTEGER }).released;
  assert.deepEqual(released, sockets.slice(1));
  assert.equal(state.fdKind(1, 3), 'inet');
});

test('a forked child gets a copy of the fd table; its closes do not close the parent’s sockets', () => {
  const state = new NetState();
  const socket = apply(state, udp(1, 3)).socket!;
  apply(state, { type: 'thread-start', tid: 1, child: 50, sameProcess: false, sharesFiles: false });
  assert.deepEqual(apply(state, { type: 'close', tid: 50, fd: 3 }).released, []);
  assert.equal(state.fdKind(1, 3), 'inet');
  assert.deepEqual(apply(state, { type: 'thread-exit', tid: 50 }).released, []);
  assert.deepEqual(apply(state, { type: 'close', tid: 1, fd: 3 }).released, [socket]);
});

test('a reused fd number names the new file, not the old socket', () => {
  const state = new NetState();
  apply(state, udp(1, 5));
  apply(state, { type: 'close', tid: 1, fd: 5 });
  apply(state, { type: 'fd-open', tid: 1, fd: 5, path: '/etc/hosts', decoration: null });
  assert.equal(state.fdKind(1, 5), 'other');
});

test('opening /proc/PID/task/TID/ns/net names the thread’s current namespace, and learns its inode', () => {
  const state = new NetState();
  apply(state, { type: 'fd-open', tid: 7, fd: 20, path: '/proc/100/task/7/ns/net', decoration: nsDecoration(4026531840) });
  apply(state, { type: 'netns-enter', tid: 7, fd: 59, decoration: pathDecoration('/var/run/docker/netns/6d527838845f'), inodeAfter: null });
  apply(state, { type: 'netns-enter', tid: 7, fd: 20, decoration: null, inodeAfter: null });
  const socket = apply(state, udp(7, 21)).socket!;
  assert.equal(socket.netns.host, true, 'setns back to the original fd is the host namespace again');
  assert.equal(socket.netns.inode, 4026531840);
  apply(state, { type: 'netns-enter', tid: 8, fd: 15, decoration: nsDecoration(4026531840), inodeAfter: null });
  assert.equal(apply(state, udp(8, 22)).socket!.netns.host, true, 'the learned inode is the host namespace');
});

test('an accepted connection lives in its listener’s namespace', () => {
  const state = new NetState();
  apply(state, { type: 'netns-enter', tid: 1, fd: 59, decoration: pathDecoration('/run/netns/c'), inodeAfter: null });
  const listener = apply(state, { type: 'socket', tid: 1, fd: 3, family: 'inet', protocol: 'tcp', decoration: null, netnsInode: null }).socket!;
  apply(state, { type: 'netns-enter', tid: 1, fd: 15, decoration: nsDecoration(1), inodeAfter: null });
  const accepted = apply(state, { type: 'accept', tid: 2, fd: 3, decoration: null, newFd: 9, peer: { family: 'inet', ip: '127.0.0.1', port: 4000 } }).accepted!;
  assert.equal(accepted.netns, listener.netns);
  assert.equal(accepted.remote?.port, 4000);
});

test('a socket opened before the trace is adopted from its decoration, with an unknown namespace', () => {
  const state = new NetState();
  const decoration: FdDecoration = { kind: 'socket', protocol: 'udp', family: 'inet', inode: 24811, local: null, remote: null };
  const socket = apply(state, { type: 'receive', tid: 1, fd: 40, decoration, peer: null, payload: null, errno: 'EAGAIN' }).socket!;
  assert.equal(socket.inode, 24811);
  assert.equal(socket.netns.origin, 'unknown');
  assert.equal(state.fdKind(1, 40), 'inet');
  const connected = apply(state, { type: 'connect', tid: 1, fd: 41, decoration: null, address: upstream, errno: null }).socket;
  assert.equal(connected?.netns.origin, 'unknown', 'connecting to an internet address shows the fd is an inet socket');
  assert.equal(apply(state, { type: 'send', tid: 1, fd: 42, decoration: null, peer: null, payload: null, errno: null }).socket, null, 'nothing shows fd 42 is a socket');
});

test('a socket fd held since before the trace gets the namespace /proc showed for it at attach, until the trace reuses the fd', () => {
  const state = new NetState();
  state.seed({ pid: 100, hostInode: 4026531840, threads: new Map([[100, 4026531840]]), socketFds: new Map([[7, 4026532999], [8, 4026531840]]) });
  const listener: FdDecoration = { kind: 'socket', protocol: 'udp', family: 'inet', inode: null, local: { family: 'inet', ip: '127.0.0.11', port: 41000 }, remote: null };
  const query = apply(state, { type: 'receive', tid: 100, fd: 7, decoration: listener, peer: { family: 'inet', ip: '127.0.0.1', port: 5000 }, payload: null, errno: null });
  assert.equal(query.socket!.netns.inode, 4026532999);
  assert.equal(query.socket!.netns.host, false);
  assert.notEqual(query.socket!.netns.origin, 'unknown');
  const onHost = apply(state, { type: 'receive', tid: 100, fd: 8, decoration: listener, peer: null, payload: null, errno: null });
  assert.equal(onHost.socket!.netns.host, true, "the host's inode is the host");
  apply(state, { type: 'close', tid: 100, fd: 7 });
  const reused = apply(state, { type: 'receive', tid: 100, fd: 7, decoration: listener, peer: null, payload: null, errno: null });
  assert.equal(reused.socket!.netns.origin, 'unknown', 'after a close the fd is not the socket /proc saw');
});
