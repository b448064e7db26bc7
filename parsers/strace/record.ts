import type { ParseIssue } from './issue.js';

/** A timestamp as strace printed it: which clock, and its value in seconds. */
export interface TraceStamp {
  /** `epoch`: -ttt / --timestamps=unix; `time-of-day`: -t / -tt (local time, no date); `relative`: -r. */
  clock: 'epoch' | 'time-of-day' | 'relative';
  seconds: number;
}

/** What precedes the event on a line: `[pid N<comm>]`, timestamps, `-n`/`-i` fields. */
export interface LinePrefix {
  /** Thread id from `[pid N]` or `N ` (or supplied by the caller for `-ff` files); null when absent. */
  pid: number | null;
  /** `-Y` process name, unescaped. */
  comm: string | null;
  /** Absolute stamp (-t/-tt/-ttt), or the relative one when -r is the only clock. */
  stamp: TraceStamp | null;
  /** The -r delta when it is printed next to an absolute stamp. */
  relative: TraceStamp | null;
  /** Offset of the first character after the prefix. */
  end: number;
}

interface RecordBase {
  pid: number | null;
  stamp: TraceStamp | null;
}

/** How a syscall line ends: whole, split for later, or cut off for good. */
export type SyscallPhase =
  | 'complete' // name(args) = result
  | 'unfinished' // name(args <unfinished ...>
  | 'resumed' // <... name resumed>args) = result
  | 'detached' // strace let go while the call was in flight; it never resumes
  | 'pid-changed'; // -ff: an execve from a non-leader thread continues under the leader's pid

export interface SyscallRecord extends RecordBase {
  kind: 'syscall';
  phase: SyscallPhase;
  name: string;
  /** The physical line (after splice repair and colour stripping). */
  text: string;
  /**
   * For complete lines, where the arguments start (just after `(`).
   * For unfinished lines, the text of the call up to the marker (`read(3, `), to be joined with its resumption.
   * For resumed lines, the offset just after `resumed>`.
   */
  bodyStart: number;
  /** For unfinished / detached / pid-changed lines: offset of the marker that ends the kept text. */
  bodyEnd: number;
}

export interface SignalRecord extends RecordBase {
  kind: 'signal';
  signal: string;
}

export interface ExitRecord extends RecordBase {
  kind: 'exit';
  /** `exited` (+++ exited with N +++), `killed` (+++ killed by SIG +++), `superseded` (execve in another thread). */
  how: 'exited' | 'killed' | 'superseded';
  /** Exit status, the signal name, or the pid that superseded this one. */
  detail: string;
}

/** `strace: Process N attached` and friends; pid set when the message names one. */
export interface DiagnosticRecord extends RecordBase {
  kind: 'diagnostic';
  message: string;
  attached: number | null;
  detached: number | null;
}

/** `)  = ?` with no name: the second half of a `-e status=` unfinished line. */
export interface OrphanCloseRecord extends RecordBase {
  kind: 'orphan-close';
}

/** Lines that carry nothing for sessions: -k stack frames, -e read= dumps, personality, -c tables. */
export interface AuxiliaryRecord extends RecordBase {
  kind: 'auxiliary';
  what: 'stack-frame' | 'hex-dump' | 'vcpu' | 'personality' | 'summary' | 'blank';
}

export interface UnreadableRecord extends RecordBase {
  kind: 'unreadable';
  issue: ParseIssue;
}

/** One physical strace line, read as far as its shape; syscall arguments are read later, on demand. */
export type StraceRecord =
  | SyscallRecord
  | SignalRecord
  | ExitRecord
  | DiagnosticRecord
  | OrphanCloseRecord
  | AuxiliaryRecord
  | UnreadableRecord;
