import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execaSync } from 'execa';

/** A pipe for a tracer's output: the write end goes to the child as its stdout, the read end is ours. */
export interface TracePipe {
  /** Our end: a stream of the trace's bytes, ending when every writer has closed. */
  readable: Socket;
  /** The child's end, to pass as its stdout. */
  writeFd: number;
  /** Closes our copy of the write end, once the child has its own (or failed to start). */
  closeWriteEnd(): void;
}

/**
 * A real pipe for a tracer's stdout. Node (and execa) give children sockets (socketpair) for stdio, and strace
 * cannot open `/dev/stdout` when that is a socket; with a pipe, `strace -o /dev/stdout` writes the trace there
 * while strace's own messages stay on stderr. Node has no pipe(2), so the pipe is a FIFO in a private
 * temporary directory, removed as soon as both ends are open.
 */
export function openTracePipe(): TracePipe {
  const dir = mkdtempSync(join(tmpdir(), 'ns53-'));
  try {
    const path = join(dir, 'trace');
    execaSync('mkfifo', ['-m', '600', path]);
    // The read end first, non-blocking, so that neither open waits for the other side.
    const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const writeFd = openSync(path, constants.O_WRONLY);
    let writeEndOpen = true;
    return {
      readable: new Socket({ fd: readFd, readable: true, writable: false }),
      writeFd,
      closeWriteEnd() {
        if (writeEndOpen) closeSync(writeFd);
        writeEndOpen = false;
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
