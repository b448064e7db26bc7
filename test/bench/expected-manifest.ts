import type { LineKinds } from './strace-log-writer.js';

/** Attempt outcomes, named and ordered as ns53's summary names them. */
export const OUTCOMES = ['answer', 'refused', 'unreachable', 'denied', 'timeout', 'pending', 'error'] as const;
export type ExpectedOutcome = (typeof OUTCOMES)[number];

/**
 * What the generator put in the log, counted as it wrote the lines (never by running ns53): the answer
 * key a replay's summary is checked against.
 */
export interface ExpectedManifest {
  generator: 'ns53/test/bench/generate-dockerd-log';
  formatVersion: 1;
  /** A hash of the generator's compiled code: a cached log is reused only by the same generator. */
  generatorHash: string;
  seed: number;
  targetMb: number;
  /** The exact file: bytes, newline-terminated lines, and the trace time it spans. */
  file: { bytes: number; lines: number; firstTimestamp: string; lastTimestamp: string; spanSeconds: number };
  lineKinds: LineKinds;
  threads: number;
  containers: number;
  /** Client queries read by the resolver (each is one session). */
  sessions: number;
  /** Queries forwarded upstream (one connected UDP socket and one write each). */
  attempts: number;
  outcomes: Record<ExpectedOutcome, number>;
  /** Answered attempts by the rcode of the upstream's answer. */
  rcodes: Record<string, number>;
  /** Attempts by the kind of namespace they left from: always a container's here. */
  namespaces: { host: number; container: number; other: number; unknown: number };
  /** Sessions whose reply reached the client (sendmsg on the listener). */
  replies: number;
  /** Sessions dockerd answered from its own records (container names): a reply and no attempt. */
  localAnswers: number;
  /** Queries a client sent again after hearing nothing (same id, a new session). */
  retransmissions: number;
  /** Lines per syscall name, most frequent first. */
  syscalls: Record<string, number>;
}

/** Counts sessions and attempts as the generator emits them. */
export class SessionTally {
  sessions = 0;
  attempts = 0;
  replies = 0;
  localAnswers = 0;
  retransmissions = 0;
  readonly outcomes: Record<ExpectedOutcome, number> = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<ExpectedOutcome, number>;
  readonly rcodes: Record<string, number> = {};
  readonly namespaces = { host: 0, container: 0, other: 0, unknown: 0 };

  /** An attempt ended: `rcode` for answers. */
  settle(outcome: ExpectedOutcome, rcode: string | null): void {
    this.outcomes[outcome]++;
    if (outcome === 'answer' && rcode !== null) this.rcodes[rcode] = (this.rcodes[rcode] ?? 0) + 1;
  }
}
