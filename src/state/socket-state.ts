import type { InetAddress } from '../../parsers/strace/index.js';
import type { TraceRef } from '../events/net-event.js';
import type { Netns } from './netns.js';

/** One open socket, shared by every fd (and process) that refers to it. */
export interface SocketState {
  /** Identity within one replay. */
  readonly id: number;
  family: 'inet' | 'inet6' | 'other' | null;
  protocol: 'udp' | 'tcp' | 'other' | null;
  /** The namespace of the thread that created it, at socket() time; a socket keeps it for life. */
  netns: Netns;
  /** Thread that called socket()/accept(); null for sockets opened before the trace. */
  createdBy: number | null;
  createdAt: number | null;
  ref: TraceRef | null;
  /** `-yy` inode (`UDP:[61676]`). */
  inode: number | null;
  local: InetAddress | null;
  remote: InetAddress | null;
  /** Number of fds (in any process) that still refer to it. */
  references: number;
}

/** Whether the socket speaks IPv4/IPv6 (or may: family unknown for sockets opened before the trace). */
export function isInetSocket(socket: SocketState): boolean {
  return socket.family === 'inet' || socket.family === 'inet6' || socket.family === null;
}
