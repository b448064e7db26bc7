import type { CompletedCall } from '../completed-call.js';
import type { NetEvent } from '../net-event.js';
import type { DecodeContext } from './decode-context.js';

/** Turns one syscall into the events sessions need. One decoder per syscall family, as strace itself does. */
export interface CallDecoder {
  /**
   * Cheap look at the first half of a line (`text` from the argument start): is the call worth joining and
   * reading? Lets a replay skip reads of pipes and files without parsing them. Absent means always.
   */
  wants?(text: string, argsStart: number, tid: number, context: DecodeContext): boolean;
  decode(call: CompletedCall, context: DecodeContext): NetEvent[];
}
