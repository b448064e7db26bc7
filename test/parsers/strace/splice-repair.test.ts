import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpliceRepair } from '../../../parsers/strace/index.js';

function repair(lines: string[]): string[] {
  const splice = new SpliceRepair();
  const out: string[] = [];
  for (const line of lines) splice.push(line, (logical) => out.push(logical));
  splice.end((logical) => out.push(logical));
  return out;
}

test('a diagnostic spliced into a clone3 line is cut out and the call rejoined', () => {
  assert.deepEqual(
    repair(['clone3({flags=CLONE_VM, exit_signal=0}strace: Process 13134 attached', ' => {parent_tid=[13134]}, 88) = 13134']),
    ['strace: Process 13134 attached', 'clone3({flags=CLONE_VM, exit_signal=0} => {parent_tid=[13134]}, 88) = 13134'],
  );
});

test('vfork and detach splices', () => {
  assert.deepEqual(repair(['vfork(strace: Process 13800 attached', ' <unfinished ...>']), ['strace: Process 13800 attached', 'vfork( <unfinished ...>']);
  assert.deepEqual(
    repair(['restart_syscall(<... resuming interrupted read ...>/usr/bin/strace: Process 14292 detached', ' <detached ...>']),
    ['/usr/bin/strace: Process 14292 detached', 'restart_syscall(<... resuming interrupted read ...> <detached ...>'],
  );
});

test('the words inside a payload string are not a splice', () => {
  const line = 'write(1, "strace: Process 1 attached", 26) = 26';
  assert.deepEqual(repair([line]), [line]);
});

test('a start still waiting at the end of input is kept', () => {
  assert.deepEqual(repair(['read(3, strace: Process 9 detached']), ['strace: Process 9 detached', 'read(3, ']);
});

test('a head whose continuation is missing is not glued to the next thread\'s line', () => {
  assert.deepEqual(repair(['[pid 1] clone3({flags=CLONE_VM}strace: Process 2 attached', '[pid 2] getpid() = 1']), [
    'strace: Process 2 attached',
    '[pid 1] clone3({flags=CLONE_VM}',
    '[pid 2] getpid() = 1',
  ]);
});
