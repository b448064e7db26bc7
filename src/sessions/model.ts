import type { DnsMessage } from '../../parsers/dns/index.js';
import type { InetAddress } from '../../parsers/strace/index.js';
import type { NetEvent, TraceRef } from '../events/net-event.js';
import type { Netns } from '../state/index.js';
import type { SocketState } from '../state/index.js';
import type { QuestionView } from './dns-question.js';
import type { Outcome } from './outcome.js';

/** One syscall that is part of a session's story, kept for the detail views. */
export interface TrailEntry {
  /** The whole event (its thread, time, line, syscall, fd, address, errno): the story explains it. */
  event: NetEvent;
  /** The namespace the thread was in when it made the call (after it, for a setns). */
  netns: Netns;
}

/** One try at an upstream server: a socket, its source and destination, the query, and how it ended. */
export interface Attempt {
  readonly id: number;
  socket: SocketState;
  /** The thread that created the socket (or, for a socket from before the trace, that sent the query). */
  tid: number;
  proto: 'udp' | 'tcp';
  upstream: InetAddress | null;
  query: DnsMessage | null;
  queryTime: number | null;
  /** When the attempt began (connect or first send). */
  startTime: number | null;
  outcome: Outcome | null;
  /** For outcome `answer`: the server's reply. */
  answer: DnsMessage | null;
  errno: string | null;
  endTime: number | null;
  /** Where the outcome was seen. */
  endRef: TraceRef | null;
  session: Session | null;
  trail: TrailEntry[];
}

/** The client's side of a session: its query as dockerd (or any DNS server) received it. */
export interface ClientLeg {
  address: InetAddress | null;
  proto: 'udp' | 'tcp';
  /** The listening (UDP) or accepted (TCP) socket it arrived on. */
  socket: SocketState;
  tid: number;
  time: number | null;
  ref: TraceRef;
}

/** What the server sent back to the client. */
export interface ClientReply {
  message: DnsMessage;
  time: number | null;
  tid: number;
  ref: TraceRef;
}

/** A DNS forwarding session: the client's query, every upstream attempt, and the reply (or none). */
export interface Session {
  readonly id: number;
  /** The process whose fd table holds the sockets; DNS ids are matched within it. */
  process: number;
  client: ClientLeg | null;
  /** The client's query, or the first attempt's when the client leg is not in the log; null when no query was seen. */
  query: DnsMessage | null;
  question: QuestionView | null;
  attempts: Attempt[];
  reply: ClientReply | null;
  startTime: number | null;
  lastActivity: number | null;
  /** Trace time at which the session is finished unless something happens to it first; null without timestamps. */
  deadline: number | null;
  trail: TrailEntry[];
  /** Set when no more events can change the session. */
  finished: boolean;
}
