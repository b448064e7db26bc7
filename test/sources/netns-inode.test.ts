import assert from 'node:assert/strict';
import { mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readNetnsInode } from '../../src/sources/netns-inode.js';

test('readNetnsInode: the number in the link text; null for anything else', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ns53-netns-inode-'));
  symlinkSync('net:[4026532323]', join(dir, 'net'));
  symlinkSync('mnt:[4026531841]', join(dir, 'mnt'));
  symlinkSync('net:[]', join(dir, 'empty'));
  writeFileSync(join(dir, 'file'), 'net:[1]');
  assert.equal(readNetnsInode(join(dir, 'net')), 4026532323);
  assert.equal(readNetnsInode(join(dir, 'mnt')), null);
  assert.equal(readNetnsInode(join(dir, 'empty')), null);
  assert.equal(readNetnsInode(join(dir, 'file')), null, 'not a link');
  assert.equal(readNetnsInode(join(dir, 'absent')), null);
});

test('readNetnsInode: on the real /proc, the link gives the inode stat -L gives', () => {
  const link = `/proc/${process.pid}/ns/net`;
  assert.equal(readNetnsInode(link), statSync(link).ino);
});
