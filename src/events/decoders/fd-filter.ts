import type { FdDecoration } from '../../../parsers/strace/index.js';
import type { DecorationClass } from '../../../parsers/strace/index.js';

/**
 * Which fds a decoder cares about:
 * - `inet-socket`: known IPv4/IPv6 sockets (read, write…);
 * - `inet-socket-or-peer`: those, and fds the trace never showed whose call names a peer (recvmsg, sendto…):
 *   dockerd's DNS listener was opened before any trace starts;
 * - `maybe-inet-socket`: anything not known to be something else (connect, getsockname…);
 * - `tracked-fd`: fds the state holds (close: freeing a number only matters if it named something).
 */
export type FdFilter = 'inet-socket' | 'inet-socket-or-peer' | 'maybe-inet-socket' | 'tracked-fd';

/** What an fd's decoration says about it, reduced to what filters need. */
export function classifyDecoration(decoration: FdDecoration | null): DecorationClass {
  if (decoration === null) return null;
  if (decoration.kind !== 'socket') return 'other';
  if (decoration.family === null) return 'socket';
  return decoration.family === 'inet' || decoration.family === 'inet6' ? 'inet' : 'other';
}

/** Whether `filter` accepts an fd with this decoration class and this standing in the state. */
export function fdFilterAccepts(filter: FdFilter, decoration: DecorationClass, known: 'inet' | 'other' | 'unknown'): boolean {
  if (filter === 'tracked-fd') return known !== 'unknown';
  if (decoration === 'inet') return true;
  if (decoration === 'other') return false;
  if (filter === 'inet-socket') return known === 'inet';
  if (filter === 'inet-socket-or-peer') return known !== 'other';
  return known !== 'other';
}
