import { existsSync, writeFileSync } from 'node:fs';
import type { InitialNetns } from '../state/index.js';
import type { TraceMeta } from './trace-meta-schema.js';

export type { TraceMeta } from './trace-meta-schema.js';

/** Where the meta file of a saved trace lives. */
export function traceMetaPath(tracePath: string): string {
  return `${tracePath}.meta.json`;
}

/** Writes the meta file next to a saved trace. */
export function writeTraceMeta(tracePath: string, meta: TraceMeta): void {
  writeFileSync(traceMetaPath(tracePath), `${JSON.stringify(meta, null, 2)}\n`);
}

/** Whether a saved trace has a meta file (never for standard input). */
export function hasTraceMeta(tracePath: string): boolean {
  return tracePath !== '-' && existsSync(traceMetaPath(tracePath));
}

/** The namespaces at attach time, as the pipeline takes them. */
export function initialNetnsOf(meta: TraceMeta): InitialNetns {
  const threads = new Map(Object.entries(meta.netns.threads).map(([tid, inode]) => [Number(tid), inode]));
  const socketFds = new Map(Object.entries(meta.netns.socketFds ?? {}).map(([fd, inode]) => [Number(fd), inode]));
  return { pid: meta.target.pid, hostInode: meta.netns.hostInode, threads, socketFds };
}

/** The meta fields as JSON keeps them: thread ids as keys, in the map's order. */
export function netnsForMeta(initial: InitialNetns): TraceMeta['netns'] {
  return {
    hostInode: initial.hostInode,
    threads: Object.fromEntries([...initial.threads].map(([tid, inode]) => [String(tid), inode])),
    ...(initial.socketFds ? { socketFds: Object.fromEntries([...initial.socketFds].map(([fd, inode]) => [String(fd), inode])) } : {}),
  };
}
