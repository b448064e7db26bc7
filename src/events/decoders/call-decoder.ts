import type { CompletedCall } from '../completed-call.js';
import type { NetEvent } from '../net-event.js';
import type { DecodeContext } from './decode-context.js';
import type { FdFilter } from './fd-filter.js';

/** Turns one syscall into the events sessions need. One decoder per syscall family, as strace itself does. */
export interface CallDecoder {
  /**
   * Which first-argument fds the call matters for, judged before anything is parsed (from the fd's decoration
   * or what the state knows): lets a replay skip reads of pipes and files, even from the line's bytes.
   */
  fdFilter?: FdFilter;
  /**
   * An errno with which the call yields nothing (EAGAIN on a non-blocking read): such lines are skipped
   * unparsed, even from their bytes.
   */
  quietErrno?: string;
  /** Texts of which the first half of the line must contain one for the call to matter (`F_DUPFD` for fcntl). */
  mustMention?: readonly string[];
  decode(call: CompletedCall, context: DecodeContext): NetEvent[];
}
