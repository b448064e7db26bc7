import type { SyscallResult } from '../../parsers/strace/index.js';
import type { TraceRef } from './net-event.js';

/** A syscall with both halves joined and its result known: what the decoders turn into events. */
export interface CompletedCall {
  tid: number;
  name: string;
  /** Seconds on the trace clock when the call returned (entry stamp plus `-T` duration when printed). */
  time: number | null;
  /** The line that carried the result (the `resumed` half of a split call). */
  ref: TraceRef;
  /** Argument text between the parentheses. */
  args: string;
  result: SyscallResult;
  /** The call was cut off (`<unfinished ...>)` inside); its output arguments are missing. */
  interrupted: boolean;
}
