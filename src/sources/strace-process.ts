import { execa, type ResultPromise } from 'execa';
import type { Socket } from 'node:net';
import { openTracePipe } from './trace-pipe.js';
import { STDERR_KEPT, tracerExitOf, type TracerExit } from './tracer-exit.js';

/** How a strace run ended. */
export interface StraceExit extends TracerExit {
  /** strace said it detached from the target: someone signalled it (a terminal's Ctrl-C reaches it too). */
  detached: boolean;
}


/** Time strace gets to detach after SIGINT before it is sent SIGTERM, then SIGKILL. */
const DETACH_GRACE_MS = 5_000;

/**
 * One strace process attached to a live target. The trace (strace's stdout) goes to `onTrace` chunk by chunk;
 * strace's own messages (stderr) are read for the attach and detach notices and kept for error messages.
 */
export class StraceProcess {
  /** Resolves with the thread count once strace reports it is attached; rejects if strace ends first. */
  readonly attached: Promise<number>;
  /** Resolves when strace has ended and its trace output is fully delivered. */
  readonly exited: Promise<StraceExit>;
  private readonly child: ResultPromise<{ stdin: 'ignore'; stdout: 3; stderr: 'pipe'; buffer: false; reject: false }>;
  private readonly trace: Socket;
  private stderrText = '';
  private detached = false;

  constructor(binary: string, args: string[], targetPid: number, onTrace: (chunk: Buffer) => void) {
    // Not detached from our process group: if ns53 dies, strace's next write meets a closed pipe and strace
    // ends too, so the kernel detaches it from dockerd; a terminal's Ctrl-C reaches both, and strace detaches.
    // The trace comes on its own pipe (strace -o /dev/stdout), strace's messages on stderr; execa buffers neither.
    const pipe = openTracePipe();
    try {
      // execa's types accept only fds 3-9 here; at run time any fd is handed to child_process.spawn as is.
      const traceFd = pipe.writeFd as 3;
      this.child = execa(binary, args, { stdin: 'ignore', stdout: traceFd, stderr: 'pipe', buffer: false, reject: false });
    } finally {
      // The child has its copy now (spawning is synchronous); ours would keep the pipe from ever ending.
      pipe.closeWriteEnd();
    }
    const traceEnded = new Promise<void>((resolve) => {
      pipe.readable.on('end', resolve);
      pipe.readable.on('error', () => resolve());
    });
    let resolveAttached!: (threads: number) => void;
    let rejectAttached!: (exit: StraceExit) => void;
    this.attached = new Promise((resolve, reject) => {
      resolveAttached = resolve;
      rejectAttached = reject;
    });
    // A rejection nobody awaits yet must not crash the process; callers await `attached` right away.
    this.attached.catch(() => undefined);
    const attachedLine = new RegExp(`^strace: Process ${targetPid} attached(?: with (\\d+) threads)?$`, 'm');
    this.trace = pipe.readable;
    pipe.readable.on('data', (chunk: Buffer) => onTrace(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderrText = (this.stderrText + chunk.toString('utf8')).slice(-STDERR_KEPT);
      const attached = attachedLine.exec(this.stderrText);
      if (attached) resolveAttached(attached[1] === undefined ? 1 : Number(attached[1]));
      if (/^strace: Process \d+ detached$/m.test(this.stderrText)) this.detached = true;
    });
    // Ended means both: strace has exited, and every byte it wrote has been delivered.
    this.exited = Promise.all([this.child, traceEnded]).then(([result]) => {
      const exit: StraceExit = { ...tracerExitOf(result, this.stderrText), detached: this.detached };
      rejectAttached(exit);
      return exit;
    });
  }

  /** strace's own PID (undefined if it never started). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Stops reading the trace until `resume` (a slow --save disk): the pipe fills, and strace, then dockerd,
   * wait, rather than ns53 holding an ever larger backlog in memory.
   */
  pause(): void {
    this.trace.pause();
  }

  resume(): void {
    this.trace.resume();
  }

  /**
   * Detaches: SIGINT makes strace detach from every thread and leave the target running. If it has not ended
   * after a grace period, SIGTERM, then SIGKILL (the kernel then detaches the target itself).
   */
  async stop(): Promise<StraceExit> {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGKILL'];
    for (const signal of signals) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) break;
      this.child.kill(signal);
      const ended = await Promise.race([this.exited.then(() => true), delay(DETACH_GRACE_MS).then(() => false)]);
      if (ended) break;
    }
    return this.exited;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
