import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Which machine, and which boot of it: netns inodes and container pids mean something only within one boot. */
export interface HostIdentity {
  hostname: string;
  /** /proc/sys/kernel/random/boot_id; null where it cannot be read. */
  bootId: string | null;
}

/** This machine's identity now. */
export function currentHost(procRoot = '/proc'): HostIdentity {
  let bootId: string | null = null;
  try {
    bootId = readFileSync(`${procRoot}/sys/kernel/random/boot_id`, 'utf8').trim() || null;
  } catch {
    // Not Linux, or /proc is not mounted: the hostname has to do.
  }
  return { hostname: hostname(), bootId };
}

/** Whether a trace recorded on `then` can be matched against this host's live containers (`now`). */
export function isSameBoot(then: HostIdentity, now: HostIdentity): boolean {
  if (then.bootId !== null && now.bootId !== null) return then.bootId === now.bootId;
  return then.hostname === now.hostname;
}
