/** Why a live trace ended. */
export type AttachEnd =
  | { reason: 'duration' | 'stopped'; detail: string | null }
  | { reason: 'target-exited'; detail: string }
  | { reason: 'tracer-ended'; detail: string };

/** How a run ends when the traced process exits, whichever tracer noticed. */
export function targetExited(pid: number): AttachEnd {
  return { reason: 'target-exited', detail: `PID ${pid} exited during the trace; the sessions up to then are shown` };
}

/** The backends `ns53 attach --backend` can use. */
export type TracerBackend = 'strace' | 'bpftrace';

/**
 * A tracer running against a live target: strace (ptrace) or bpftrace (eBPF). Its output goes to the
 * callback given when it was started, as chunks of lines the pipeline reads; everything else the attach
 * loop needs is here.
 */
export interface LiveTracer {
  readonly backend: TracerBackend;
  /** The command line, for the user and the meta file. */
  readonly command: string;
  /** `strace 6.1`, `bpftrace v0.17.0`. */
  readonly version: string | null;
  /** Resolves once tracing has begun, with what to tell the user (`12 threads`, `42 probes`); rejects with an Ns53Error. */
  readonly attached: Promise<string>;
  /** Resolves when the tracer has ended by itself or been stopped, and all its output is delivered. */
  readonly ended: Promise<void>;
  /** Whether the tracer ends by itself when the target exits (strace does; bpftrace does not). */
  readonly endsWithTarget: boolean;
  /**
   * How far behind the wall clock its output may run: while it prints nothing, the trace clock is advanced
   * to the wall clock minus this. strace prints each call as it returns; bpftrace's reader drains per-CPU
   * buffers in turn and falls seconds behind under load.
   */
  readonly lagSeconds: number;
  /** Ends tracing without losing output, and leaves the target running. */
  stop(): Promise<void>;
  /** Why it ended, when it ended without being stopped. */
  endedBy(): AttachEnd;
  /** Backpressure for a slow --save disk. */
  pause(): void;
  resume(): void;
}
