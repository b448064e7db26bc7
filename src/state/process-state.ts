import type { Netns } from './netns.js';
import type { SocketState } from './socket-state.js';

/** What an fd number refers to, as far as sessions care. */
export type FdEntry =
  | { kind: 'socket'; socket: SocketState }
  /** A file that may be a namespace: an openat() result, or an nsfs fd whose namespace is known. */
  | { kind: 'file'; path: string | null; netns: Netns | null }
  | { kind: 'other' };

/** A process: its fd table is shared by all its threads (Go moves goroutines between them). */
export interface ProcessState {
  readonly pid: number;
  fds: Map<number, FdEntry>;
  /** Live threads; when the last one exits, its fds close. */
  threads: number;
}

/** A thread: it carries its own network namespace. */
export interface ThreadState {
  readonly tid: number;
  process: ProcessState;
  netns: Netns;
  /** Set once the trace shows how the thread got its namespace (clone from a known thread, setns, unshare). */
  netnsKnown: boolean;
}
