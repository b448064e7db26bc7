import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BpftraceEventReader } from '../../src/events/bpftrace-event-reader.js';
import type { NetEvent } from '../../src/events/net-event.js';
import type { ParseIssue } from '../../parsers/strace/index.js';

/** One line as `bpftrace -f json` prints a printf of ns53.bt: payload bytes as %rx (`\xNN`). */
function printf(record: Record<string, unknown>): string {
  const text = JSON.stringify(record).replace(/"p":"([0-9a-f]*)"/, (_, hex: string) => `"p":"${hex.replace(/../g, (pair) => `\\x${pair}`)}"`);
  return JSON.stringify({ type: 'printf', data: `${text}\n` });
}

const HELLO = printf({ k: 'hello', v: 1, ts: 1_000_000_000, wall: '1700000000.000000', tgid: 100, hostnet: 4026531840, ncpu: 2, chunk: 200, cap: 512 });

function read(lines: string[]): { events: NetEvent[]; issues: (ParseIssue & { line: number })[]; reader: BpftraceEventReader; hosts: unknown[] } {
  const events: NetEvent[] = [];
  const issues: (ParseIssue & { line: number })[] = [];
  const hosts: unknown[] = [];
  const reader = new BpftraceEventReader(
    { event: (event) => events.push(event), issue: (issue, ref) => issues.push({ ...issue, line: ref.line }), target: (target) => hosts.push(target) },
    () => null,
  );
  lines.forEach((line, index) => reader.pushLine(line, 'trace.ndjson', index + 1));
  reader.end();
  return { events, issues, reader, hosts };
}

test('hello anchors monotonic nanoseconds to wall-clock seconds and names the target', () => {
  const { events, hosts } = read([HELLO, printf({ k: 'close', ts: 3_500_000_000, cpu: 0, tid: 101, fd: 7, ret: 0 })]);
  assert.deepEqual(hosts, [{ tgid: 100, hostInode: 4026531840 }]);
  assert.equal(events.length, 1);
  assert.equal(events[0]!.time, 1_700_000_002.5);
  assert.deepEqual(events[0]!.ref, { file: 'trace.ndjson', line: 2 });
});

test('an io record joins the peer and payload records of the same call, whatever came between them', () => {
  const head = 'aa'.repeat(200);
  const tail = 'bb'.repeat(50);
  const { events, issues } = read([
    HELLO,
    printf({ k: 'io', ts: 2_000_000_000, tid: 7, fd: 32, sys: 8, ret: 250, len: 250, cap: 250, trunc: 0, p: head }),
    printf({ k: 'close', ts: 2_000_000_500, cpu: 0, tid: 8, fd: 40, ret: 0 }),
    printf({ k: 'peer', ts: 2_000_000_000, cpu: 0, tid: 7, fam: 2, addr: '127.0.0.1', port: 5353 }),
    printf({ k: 'more', ts: 2_000_000_000, tid: 7, iov: 0, off: 200, p: tail }),
  ]);
  assert.deepEqual(issues, []);
  const receive = events.find((event) => event.type === 'receive');
  assert.ok(receive && receive.type === 'receive');
  assert.deepEqual(receive.peer, { family: 'inet', ip: '127.0.0.1', port: 5353 });
  assert.equal(Buffer.from(receive.payload!.bytes).toString('hex'), head + tail);
  assert.equal(receive.payload!.truncated, false);
  assert.deepEqual(events.map((event) => [event.type, event.syscall]), [['receive', 'recvmsg'], ['close', 'close']]);
});

test('a payload longer than the capture is marked truncated; a failed receive carries its errno and no payload', () => {
  const { events } = read([
    HELLO,
    printf({ k: 'io', ts: 2_000_000_000, tid: 7, fd: 48, sys: 1, ret: 700, len: 700, cap: 512, trunc: 1, p: '00'.repeat(200) }),
    printf({ k: 'io', ts: 2_000_000_100, tid: 7, fd: 48, sys: 5, ret: -111, len: 0, cap: 0, trunc: 0, p: '' }),
  ]);
  const [send, receive] = events;
  assert.ok(send?.type === 'send' && receive?.type === 'receive');
  assert.equal(send.payload!.truncated, true);
  assert.equal(receive.errno, 'ECONNREFUSED');
  assert.equal(receive.payload, null);
});

test('records from different CPUs come out in time order, each once every CPU has passed it', () => {
  const close = (ts: number, cpu: number, fd: number) => printf({ k: 'close', ts, cpu, tid: 9, fd, ret: 0 });
  const tick = (ts: number, cpu: number) => printf({ k: 'tick', ts, cpu });
  const lines = [HELLO, close(2_300_000_000, 0, 3), close(2_000_000_000, 1, 1), close(2_100_000_000, 1, 2), tick(2_500_000_000, 1), tick(2_600_000_000, 0)];
  const events: number[] = [];
  const reader = new BpftraceEventReader({ event: (event) => events.push(event.type === 'close' ? event.fd : -1), issue: () => assert.fail('no issue') }, () => null);
  lines.forEach((line, index) => reader.pushLine(line, 't', index + 1));
  // Both CPUs have ticked past every close: all three are out, in time order, before the input ends.
  assert.deepEqual(events, [1, 2, 3]);
  reader.end();
  assert.equal(reader.counts.lateRecords, 0);
});

test('a CPU that has not caught up holds back what another CPU printed later', () => {
  const close = (ts: number, cpu: number, fd: number) => printf({ k: 'close', ts, cpu, tid: 9, fd, ret: 0 });
  const events: number[] = [];
  const reader = new BpftraceEventReader({ event: (event) => events.push(event.type === 'close' ? event.fd : -1), issue: () => undefined }, () => null);
  [HELLO, close(2_000_000_000, 0, 1), close(3_000_000_000, 1, 2), close(4_000_000_000, 1, 3)].forEach((line, index) => reader.pushLine(line, 't', index + 1));
  // CPU 0 has shown nothing after 2.0 s: 3.0 s and 4.0 s from CPU 1 wait for it (and 2.0 s itself, for records
  // stamped at a syscall's entry and printed at its exit).
  assert.deepEqual(events, []);
  reader.pushLine(printf({ k: 'close', ts: 3_500_000_000, cpu: 0, tid: 9, fd: 4, ret: 0 }), 't', 5);
  assert.deepEqual(events, [1, 2]);
});

test('a connect on a socket the trace never saw created introduces it with the kernel-read namespace', () => {
  const { events } = read([
    HELLO,
    printf({ k: 'connect', ts: 2_000_000_000, cpu: 0, tid: 7, fd: 48, ret: 0, tnet: 4026532323, type: 2, proto: 17, ino: 3718145, net: 4026532323, fam: 2, laddr: '172.18.0.2', lport: 48048, raddr: '10.77.0.2', rport: 53, sockts: 0, nsts: 0, nsfd: -1, nsbefore: 0, nsafter: 0 }),
  ]);
  assert.deepEqual(events.map((event) => event.type), ['socket', 'connect']);
  const [socket, connect] = events;
  assert.ok(socket?.type === 'socket' && connect?.type === 'connect');
  assert.equal(socket.netnsInode, 4026532323);
  assert.equal(socket.protocol, 'udp');
  assert.deepEqual(connect.address, { family: 'inet', ip: '10.77.0.2', port: 53 });
  assert.deepEqual(connect.decoration, { kind: 'socket', protocol: 'udp', family: 'inet', inode: 3718145, local: { family: 'inet', ip: '172.18.0.2', port: 48048 }, remote: null });
});

test("a connect record carries the thread's setns and socket calls, each at its own time and named for its call", () => {
  const { events } = read([
    HELLO,
    printf({ k: 'nsopen', ts: 1_900_000_000, cpu: 0, tid: 7, fd: 46, ino: 4026532323, path: '/var/run/docker/netns/b70bdb498486' }),
    printf({ k: 'connect', ts: 2_000_000_000, cpu: 0, tid: 7, fd: 47, ret: 0, tnet: 4026532323, type: 2, proto: 17, ino: 3718145, net: 4026532323, fam: 2, laddr: '172.18.0.2', lport: 48048, raddr: '10.77.0.2', rport: 53, sockts: 1_950_000_000, nsts: 1_920_000_000, nsfd: 46, nsbefore: 4026531840, nsafter: 4026532323 }),
  ]);
  assert.deepEqual(
    events.map((event) => [event.type, event.time, event.syscall]),
    [
      ['fd-open', 1_700_000_000.9, 'openat'],
      ['netns-enter', 1_700_000_000.92, 'setns'],
      ['socket', 1_700_000_000.95, 'socket'],
      ['connect', 1_700_000_001, 'connect'],
    ],
  );
  const entered = events[1]!;
  assert.ok(entered.type === 'netns-enter');
  assert.deepEqual([entered.fd, entered.inodeAfter], [46, 4026532323]);
});

test('bad lines become issues with their line, lost events are counted, and nothing throws', () => {
  const { events, issues, reader } = read([
    HELLO,
    '{"type": "printf", "data": "{\\"k\\":\\"close\\",\\"ts\\":5}\\n"}',
    'not json at all',
    printf({ k: 'teleport', ts: 1, tid: 1 }),
    printf({ k: 'more', ts: 9, tid: 1, iov: 0, off: 200, p: '00' }),
    JSON.stringify({ type: 'lost_events', data: { events: 17 } }),
    JSON.stringify({ type: 'attached_probes', data: { probes: 42 } }),
  ]);
  assert.deepEqual(events, []);
  assert.deepEqual(
    issues.map((issue) => [issue.line, issue.code]),
    [
      [2, 'bad-record'],
      [3, 'bad-record'],
      [4, 'bad-record'],
      [5, 'orphan-record'],
    ],
  );
  assert.match(issues[0]!.message, /record "close" does not match the ns53.bt schema: cpu: .*; tid: /);
  assert.match(issues[1]!.message, /not a bpftrace -f json line/);
  assert.equal(reader.counts.lostEvents, 17);
  assert.equal(reader.counts.probes, 42);
});
