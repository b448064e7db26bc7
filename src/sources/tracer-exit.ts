/** How a tracer process (strace, bpftrace) ended. */
export interface TracerExit {
  /** Exit status, or null when a signal ended it (or it never started). */
  code: number | null;
  /** The signal that ended it, e.g. `SIGKILL`. */
  signal: string | null;
  /** The spawn error code (`ENOENT`: not installed), when the tracer could not start at all. */
  spawnError: string | null;
  /** The tracer's own messages (stderr), the last STDERR_KEPT bytes. */
  stderr: string;
}

/** stderr kept for error messages: enough for a tracer's complaints, bounded if it chatters. */
export const STDERR_KEPT = 16 * 1024;

/** What execa's result (with `reject: false`) says about how the process ended, plus the stderr kept. */
export function tracerExitOf(result: { exitCode?: number; signal?: string }, stderr: string): TracerExit {
  const neverRan = result.exitCode === undefined && result.signal === undefined;
  return {
    code: result.exitCode ?? null,
    signal: result.signal ?? null,
    spawnError: neverRan ? ((result as { code?: string }).code ?? 'unknown') : null,
    stderr,
  };
}
