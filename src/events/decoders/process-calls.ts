import type { CompletedCall } from '../completed-call.js';
import type { NetEvent } from '../net-event.js';
import type { CallDecoder } from './call-decoder.js';

/** clone's flags (`flags=CLONE_VM|…` at the top level for clone, inside the struct for clone3). */
const FLAGS = /\bflags=([A-Za-z_|0-9]+)/;

function threadStart(call: CompletedCall, flags: string): NetEvent[] {
  const child = call.result.value;
  if (child === null || child <= 0) return [];
  return [{
    type: 'thread-start',
    tid: call.tid,
    time: call.time,
    ref: call.ref,
    syscall: call.name,
    child,
    sameProcess: flags.includes('CLONE_THREAD'),
    sharesFiles: flags.includes('CLONE_FILES'),
  }];
}

const cloneDecoder: CallDecoder = { decode: (call) => threadStart(call, FLAGS.exec(call.args)?.[1] ?? '') };
const forkDecoder: CallDecoder = { decode: (call) => threadStart(call, '') };

/** Decoders for thread and process creation: a new thread starts in its creator's network namespace. */
export const processCallDecoders: Readonly<Record<string, CallDecoder>> = {
  clone: cloneDecoder,
  clone2: cloneDecoder,
  clone3: cloneDecoder,
  fork: forkDecoder,
  vfork: forkDecoder,
};
