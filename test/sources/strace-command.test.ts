import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callDecoders } from '../../src/events/decoders/index.js';
import { buildStraceArgs, formatCommandLine } from '../../src/sources/strace-command.js';

test('live strace arguments: threads, wall-clock stamps, durations, decorated fds, only the calls decoded', () => {
  const args = buildStraceArgs({ pid: 4321, calls: ['setns', 'connect', 'recv'], stringLimit: 65535 });
  assert.deepEqual(args, ['-f', '-p', '4321', '-ttt', '-T', '-yy', '-s', '65535', '-e', 'signal=none', '-e', 'trace=?setns,?connect,?recv', '-o', '/dev/stdout']);
});

test('every call a decoder reads is traced, so nothing the sessions need is filtered out', () => {
  const args = buildStraceArgs({ pid: 1, calls: [...callDecoders.keys()], stringLimit: 100 });
  const traced = new Set(args[args.indexOf('-e', args.indexOf('signal=none')) + 1]!.slice('trace='.length).split(',').map((name) => name.slice(1)));
  for (const name of ['setns', 'openat', 'socket', 'connect', 'getsockname', 'write', 'read', 'recvmsg', 'sendmsg', 'close', 'clone3']) assert.ok(traced.has(name), name);
  assert.equal(traced.size, callDecoders.size);
});

test('the command line is quoted for a shell where needed', () => {
  assert.equal(formatCommandLine('strace', ['-e', 'trace=?a,?b', '-o', '/dev/stdout']), 'strace -e trace=?a,?b -o /dev/stdout');
  assert.equal(formatCommandLine('strace', ["it's", 'a b']), `strace 'it'\\''s' 'a b'`);
});
