import { closeSync, openSync, readSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';
import type { TraceInput } from './trace-input.js';

const PEEK_BYTES = 4096;

/**
 * Whether an input may hold `bpftrace -f json` records (ns53's bpftrace backend, `attach --save`) rather than
 * strace text: its first non-blank bytes are `{"type"`. Standard input cannot be looked at without consuming
 * it, so it may. A file that cannot be read is left to the replay to report. The pipeline decides for good
 * on the first line; this only tells the replay whether to load the bpftrace reader.
 */
export function mayHoldBpftrace(input: TraceInput): boolean {
  if (input.path === '-') return true;
  let head: Buffer;
  try {
    head = readHead(input.path);
  } catch {
    return false;
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    try {
      head = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      return false;
    }
  }
  return head.toString('utf8').trimStart().startsWith('{"type"');
}

function readHead(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(PEEK_BYTES);
    return buffer.subarray(0, readSync(fd, buffer, 0, PEEK_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}
