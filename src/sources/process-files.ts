import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { parseFibTrieLocalAddresses } from './netns-addresses.js';

/*
 * What `ns53 diagnose` reads of a running process in /proc besides its command line (dockerd-finder's procView):
 * files as it sees them (its own root and mount namespace: a dockerd in a private mount namespace has its own
 * /etc/resolv.conf), and the local addresses of its network namespace. Each read answers null or [] for a
 * process that is gone or hidden.
 */

/** A file as process `pid` sees it: through its root (relative paths from its working directory). */
export function readFileAsSeenBy(pid: number, path: string): string | null {
  try {
    return readFileSync(path.startsWith('/') ? posix.join(`/proc/${pid}/root`, path) : posix.join(`/proc/${pid}/cwd`, path), 'utf8');
  } catch {
    return null;
  }
}

/** The addresses of the process's network namespace (its fib_trie's local routes). */
export function readNetnsLocalAddresses(pid: number): string[] {
  try {
    return parseFibTrieLocalAddresses(readFileSync(`/proc/${pid}/net/fib_trie`, 'utf8'));
  } catch {
    return [];
  }
}
