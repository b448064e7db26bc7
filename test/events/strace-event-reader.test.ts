import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StraceEventReader } from '../../src/events/strace-event-reader.js';
import { eventsOf, readEvents, text } from '../support/read-events.js';

const inet = (): 'inet' => 'inet';

test('joins split calls in the pre-5.0, 5.x and 6.16+ styles into the same event', () => {
  const styles = [
    ['[pid 7] read(3,  <unfinished ...>', '[pid 8] getpid() = 7', '[pid 7] <... read resumed> "wake", 16) = 4'],
    ['[pid 7] read(3,  <unfinished ...>', '[pid 8] getpid() = 7', '[pid 7] <... read resumed>"wake", 16) = 4'],
    ['[pid 7] read(3 <unfinished ...>', '[pid 8] getpid() = 7', '[pid 7] <... read resumed>, "wake", 16) = 4'],
    ['[pid 7] read(fd=3 <unfinished ...>', '[pid 8] getpid() = 7', '[pid 7] <... read resumed>, buf="wake", count=16) = 4'],
  ];
  for (const lines of styles) {
    const { events, issues } = readEvents(lines, inet);
    assert.deepEqual(issues, []);
    const [receive] = eventsOf(events, 'receive');
    assert.ok(receive, lines.join(' | '));
    assert.equal(receive.tid, 7);
    assert.equal(receive.fd, 3);
    assert.equal(text(receive.payload?.bytes), 'wake');
    assert.equal(receive.ref.line, 3, 'the event is where the result is');
  }
});

test('interleaved threads keep their own pending halves', () => {
  const { events } = readEvents(
    [
      '10 1700000001.000000 read(3,  <unfinished ...>',
      '11 1700000001.000100 read(4,  <unfinished ...>',
      '10 1700000001.000200 <... read resumed>"aaaa", 16) = 4',
      '11 1700000001.000300 <... read resumed>"bb", 16) = 2',
    ],
    inet,
  );
  const receives = eventsOf(events, 'receive');
  assert.deepEqual(receives.map((r) => [r.tid, r.fd, text(r.payload?.bytes)]), [[10, 3, 'aaaa'], [11, 4, 'bb']]);
  assert.deepEqual(receives.map((r) => r.time), [1700000001.0002, 1700000001.0003]);
});

test('a complete line is timed at its return: entry stamp plus -T duration', () => {
  const { events } = readEvents(['10 1700000100.000000 read(3, "x", 1) = 1 <0.250000>'], inet);
  assert.equal(eventsOf(events, 'receive')[0]?.time, 1700000100.25);
});

test('reads of fds known not to be sockets are skipped unparsed, halves included', () => {
  const { events, issues } = readEvents(
    ['[pid 7] read(5,  <unfinished ...>', '[pid 7] <... read resumed>"data", 16) = 4', '[pid 7] write(5, "x", 1) = 1'],
    () => 'other',
  );
  assert.deepEqual(events, []);
  assert.deepEqual(issues, []);
});

test('a decoration overrides what the state believes about an fd', () => {
  const { events } = readEvents(['write(5<pipe:[1]>, "x", 1) = 1', 'write(6<UDP:[77]>, "y", 1) = 1'], inet);
  assert.deepEqual(eventsOf(events, 'send').map((e) => e.fd), [6]);
});

test('a resumed half without its start is an issue for calls that matter, silent for others', () => {
  const { events, issues } = readEvents(['[pid 9] <... connect resumed>) = 0', '[pid 9] <... futex resumed>) = 0'], inet);
  assert.deepEqual(events, []);
  assert.deepEqual(issues.map((i) => i.code), ['orphan-resumed']);
});

test('exits end threads; superseded moves the pending execve to the leader', () => {
  const { events, reader } = readEvents([
    '21128 execve("/bin/true", ["true"], 0x7ffd04666ad0 /* 35 vars */ <unfinished ...>',
    '21127 +++ superseded by execve in pid 21128 +++',
    '21127 <... execve resumed>)             = 0',
    '21127 +++ exited with 0 +++',
  ]);
  assert.deepEqual(eventsOf(events, 'thread-exit').map((e) => e.tid), [21128, 21127]);
  assert.equal(reader.counts.unfinishedAtEnd, 0);
});

test('lines without a pid belong to the only live tracee', () => {
  const { events } = readEvents(['strace: Process 500 attached', 'socket(AF_INET, SOCK_DGRAM, IPPROTO_IP) = 3']);
  assert.equal(eventsOf(events, 'socket')[0]?.tid, 500);
});

test('unfinished calls at the end are counted, not lost silently', () => {
  const { reader } = readEvents(['[pid 7] connect(3, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.1")}, 16 <unfinished ...>'], inet);
  assert.equal(reader.counts.unfinishedAtEnd, 1);
});

test('unreadable lines become issues with file positions', () => {
  const { issues } = readEvents(['getpid() = 1', 'this is not strace', 'read(3, "x"'], inet);
  assert.deepEqual(issues.map((i) => i.code), ['unknown-line', 'unbalanced-arguments']);
});

test('-r deltas add up across every line, including skipped ones', () => {
  const { events } = readEvents(['     0.500000 futex(0x1, FUTEX_WAKE, 1) = 0', '     0.250000 socket(AF_INET, SOCK_DGRAM, IPPROTO_IP) = 3'], inet);
  assert.equal(eventsOf(events, 'socket')[0]?.time, 0.75);
});

test('-tt stamps wrap at midnight', () => {
  const { events } = readEvents(['23:59:59.900000 socket(AF_INET, SOCK_DGRAM, IPPROTO_IP) = 3', '00:00:00.100000 socket(AF_INET, SOCK_DGRAM, IPPROTO_IP) = 4']);
  const [a, b] = eventsOf(events, 'socket').map((e) => e.time!);
  assert.ok(Math.abs(b! - a! - 0.2) < 1e-6);
});

test('through the byte path, an unfinished read kept as bytes is decoded only if it does not end in EAGAIN', () => {
  const events: string[] = [];
  const reader = new StraceEventReader({ event: (e) => events.push(e.type), issue: () => undefined }, { fdKind: () => 'inet' });
  const lines = [
    '10 1700000001.000000 read(3<UDP:[9]>,  <unfinished ...>',
    '10 1700000001.000100 <... read resumed>0xc000, 512) = -1 EAGAIN (Resource temporarily unavailable) <0.000010>',
    '10 1700000001.000200 read(3<UDP:[9]>,  <unfinished ...>',
    '10 1700000001.000300 <... read resumed>"x", 512) = 1 <0.000010>',
  ];
  lines.forEach((line, i) => {
    const bytes = Buffer.from(line, 'latin1');
    reader.pushBytes(bytes, 0, bytes.length, 't', i + 1);
  });
  assert.deepEqual(events, ['receive']);
});
