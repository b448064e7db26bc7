import { readdirSync, readlinkSync } from 'node:fs';
import type { InitialNetns } from '../state/index.js';

const NET_LINK = /^net:\[(\d+)\]$/;

/** The inode of a `/proc/.../ns/net` link, or null when it cannot be read (the thread is gone, no permission). */
function netnsInode(link: string): number | null {
  try {
    const match = NET_LINK.exec(readlinkSync(link));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Reads the network namespace of `pid` and of each of its threads from /proc, as a live trace begins: the
 * trace itself cannot say where a thread was before its first setns. The main thread comes first.
 */
export function readNetnsSnapshot(pid: number, procRoot = '/proc'): InitialNetns {
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
    const inode = netnsInode(`${procRoot}/${pid}/task/${tid}/ns/net`);
    if (inode !== null) threads.set(tid, inode);
  }
  return { pid, hostInode, threads };
}

/** The inode of the network namespace process `pid` is in (`stat -L /proc/<pid>/ns/net`), or null when it cannot be read. */
export function readProcessNetnsInode(pid: number, procRoot = '/proc'): number | null {
  return netnsInode(`${procRoot}/${pid}/ns/net`);
}
