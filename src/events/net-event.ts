import type { FdDecoration, InetAddress } from '../../parsers/strace/index.js';

/** Where an event came from in the input: file and 1-based line, for users and for the TUI's syscall story. */
export interface TraceRef {
  file: string;
  line: number;
}

/** Fields every event carries. `time` is seconds on the trace's own clock, or null without timestamps. */
export interface EventBase {
  tid: number;
  time: number | null;
  ref: TraceRef;
  /**
   * The syscall as traced (`read`, `recvmsg`, `setns`, `getsockname`…): several calls make the same event, and
   * the TUI's syscall story names the one the trace showed. A thread's end is `exit` (strace's `+++ exited`
   * or `killed` line), or `execve` when another thread's execve superseded it.
   */
  syscall: string;
}

/** A payload moved through a socket, as far as the tracer showed it. */
export interface Payload {
  bytes: Uint8Array;
  /** The tracer showed fewer bytes than moved (`-s N`). */
  truncated: boolean;
  /**
   * How many bytes the call moved (its return value), when known: more than `bytes.length` for a truncated
   * payload, so a pcap can say how long the packet really was.
   */
  length: number | null;
}

/**
 * Format-neutral facts the sessions need, one per syscall (or per message for recvmmsg/sendmmsg). The strace
 * decoders produce them today; the bpftrace backend will produce the same.
 */
export type NetEvent =
  | (EventBase & { type: 'thread-start'; child: number; sameProcess: boolean; sharesFiles: boolean })
  | (EventBase & { type: 'thread-exit' })
  | (EventBase & { type: 'netns-enter'; fd: number; decoration: FdDecoration | null; inodeAfter: number | null })
  | (EventBase & { type: 'netns-unshare' })
  | (EventBase & { type: 'fd-open'; fd: number; path: string; decoration: FdDecoration | null })
  /** `netnsInode`: the namespace the kernel says the socket lives in, when the tracer can read it (bpftrace). */
  | (EventBase & {
      type: 'socket';
      fd: number;
      family: 'inet' | 'inet6' | 'other';
      protocol: 'udp' | 'tcp' | 'other';
      decoration: FdDecoration | null;
      netnsInode: number | null;
    })
  | (EventBase & { type: 'connect'; fd: number; decoration: FdDecoration | null; address: InetAddress | null; errno: string | null })
  | (EventBase & { type: 'local-address'; fd: number; decoration: FdDecoration | null; address: InetAddress })
  | (EventBase & { type: 'peer-address'; fd: number; decoration: FdDecoration | null; address: InetAddress })
  | (EventBase & { type: 'accept'; fd: number; decoration: FdDecoration | null; newFd: number; peer: InetAddress | null })
  | (EventBase & { type: 'socket-error'; fd: number; decoration: FdDecoration | null; errno: string | null })
  | (EventBase & { type: 'send'; fd: number; decoration: FdDecoration | null; peer: InetAddress | null; payload: Payload | null; errno: string | null })
  /** `destination`: the address the datagram was sent to (recvmsg's IP_PKTINFO), when the tracer showed it. */
  | (EventBase & {
      type: 'receive';
      fd: number;
      decoration: FdDecoration | null;
      peer: InetAddress | null;
      payload: Payload | null;
      errno: string | null;
      destination?: string | null;
    })
  | (EventBase & { type: 'close'; fd: number })
  | (EventBase & { type: 'close-range'; first: number; last: number })
  | (EventBase & { type: 'dup'; fd: number; newFd: number });

export type NetEventType = NetEvent['type'];
