import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { readNetnsInode } from './netns-inode.js';

const SOCKET_LINK = /^socket:\[(\d+)\]$/;
/** The tables of a namespace's sockets that name each socket's inode (column 10). */
const SOCKET_TABLES = ['udp', 'udp6', 'tcp', 'tcp6'];

function linkNumber(path: string, pattern: RegExp): number | null {
  try {
    const match = pattern.exec(readlinkSync(path));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** The inodes of the internet sockets in the namespace `pid` lives in (/proc/PID/net/{udp,udp6,tcp,tcp6}). */
export function socketInodesOfNamespace(pid: number, procRoot = '/proc'): Set<number> {
  const inodes = new Set<number>();
  for (const table of SOCKET_TABLES) {
    let text: string;
    try {
      text = readFileSync(`${procRoot}/${pid}/net/${table}`, 'latin1');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const inode = Number(line.trim().split(/\s+/)[9]);
      if (inode > 0) inodes.add(inode);
    }
  }
  return inodes;
}

/**
 * Which namespace each socket fd of `pid` lives in: fd → netns inode, for the sockets found in the socket
 * tables of the namespaces `namespacePids` are in (one process per namespace: the containers', and the
 * target's own). A socket carries its creator's namespace for life, and /proc/PID/fd says only `socket:[N]`,
 * so this is how a listener opened in a container's namespace before the trace gets its namespace back.
 */
export function readSocketFdNetns(pid: number, namespacePids: readonly number[], procRoot = '/proc'): Map<number, number> {
  const netnsOfSocket = new Map<number, number>();
  const seen = new Set<number>();
  for (const namespacePid of [pid, ...namespacePids]) {
    const netns = readNetnsInode(`${procRoot}/${namespacePid}/ns/net`);
    if (netns === null || seen.has(netns)) continue;
    seen.add(netns);
    for (const inode of socketInodesOfNamespace(namespacePid, procRoot)) netnsOfSocket.set(inode, netns);
  }
  const fdNetns = new Map<number, number>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`${procRoot}/${pid}/fd`);
  } catch {
    return fdNetns;
  }
  for (const fd of fds) {
    const socket = linkNumber(`${procRoot}/${pid}/fd/${fd}`, SOCKET_LINK);
    const netns = socket === null ? undefined : netnsOfSocket.get(socket);
    if (netns !== undefined) fdNetns.set(Number(fd), netns);
  }
  return fdNetns;
}
