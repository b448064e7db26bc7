import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { readSocketFdNetns, socketInodesOfNamespace } from '../../src/sources/socket-netns.js';

/** This process's fd that holds socket `inode`. */
function fdOfSocket(inode: number): number {
  const fd = readdirSync('/proc/self/fd').find((name) => {
    try {
      return readlinkSync(`/proc/self/fd/${name}`) === `socket:[${inode}]`;
    } catch {
      return false;
    }
  });
  return Number(fd);
}

test('a UDP socket this process holds is found in its namespace\'s table and mapped to that namespace by fd', async () => {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const ownNetns = statSync('/proc/self/ns/net').ino;
    const inodes = socketInodesOfNamespace(process.pid);
    const fdNetns = readSocketFdNetns(process.pid, []);
    const mine = [...fdNetns.keys()].filter((fd) => {
      const link = readlinkSync(`/proc/self/fd/${fd}`);
      return inodes.has(Number(/\d+/.exec(link)![0]));
    });
    assert.ok(mine.length >= 1, 'the bound socket is in the table');
    for (const fd of mine) assert.equal(fdNetns.get(fd), ownNetns);
    const port = socket.address().port;
    const line = (await import('node:fs')).readFileSync('/proc/self/net/udp', 'utf8').split('\n').find((l) => l.includes(`:${port.toString(16).toUpperCase().padStart(4, '0')} `));
    const inode = Number(line!.trim().split(/\s+/)[9]);
    assert.equal(fdNetns.get(fdOfSocket(inode)), ownNetns, 'the socket bound here, by its port, maps to this namespace');
  } finally {
    socket.close();
  }
});

test('a pid that is gone gives nothing, without throwing', () => {
  assert.equal(readSocketFdNetns(2 ** 22 + 1, [2 ** 22 + 2]).size, 0);
  assert.equal(socketInodesOfNamespace(2 ** 22 + 1).size, 0);
});
