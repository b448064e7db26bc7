import { readdirSync } from 'node:fs';
import type { InitialNetns } from '../state/index.js';
import { readNetnsInode } from './netns-inode.js';
import { readSocketFdNetns } from './socket-netns.js';

/**
 * Reads the network namespace of `pid` and of each of its threads from /proc, as a live trace begins: the
 * trace itself cannot say where a thread was before its first setns. The main thread comes first. With
 * `namespacePids` (a process in each container's namespace), also the namespace of each socket fd.
 */
export function readNetnsSnapshot(pid: number, procRoot = '/proc', namespacePids: readonly number[] = []): InitialNetns {
  const hostInode = readProcessNetnsInode(pid, procRoot);
  const threads = new Map<number, number>();
  if (hostInode !== null) threads.set(pid, hostInode);
  let tids: string[] = [];
  try {
    tids = readdirSync(`${procRoot}/${pid}/task`);
  } catch {
    // The process is gone; the caller finds out from the tracer.
  }
  for (const tid of tids.map(Number).sort((a, b) => a - b)) {
    if (tid === pid) continue;
    const inode = readNetnsInode(`${procRoot}/${pid}/task/${tid}/ns/net`);
    if (inode !== null) threads.set(tid, inode);
  }
  return { pid, hostInode, threads, socketFds: readSocketFdNetns(pid, namespacePids, procRoot) };
}

/** The inode of the network namespace process `pid` is in (`stat -L /proc/<pid>/ns/net`), or null when it cannot be read. */
export function readProcessNetnsInode(pid: number, procRoot = '/proc'): number | null {
  return readNetnsInode(`${procRoot}/${pid}/ns/net`);
}
