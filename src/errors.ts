/** Stable codes for conditions that stop ns53 before or while it reads; each has its exit status. */
export const ERROR_EXIT_CODES = {
  E_INPUT_NOT_FOUND: 2,
  E_INPUT_UNREADABLE: 2,
  E_INPUT_CORRUPT: 2,
  E_USAGE: 64,
  E_NO_SUCH_PID: 2,
  E_DOCKERD_NOT_FOUND: 2,
  E_DOCKERD_AMBIGUOUS: 64,
  E_DOCKER_HOST_REMOTE: 64,
  /** The Docker Engine API cannot be read (no socket, no permission, not an Engine); only fatal where the user asked for it (EX_UNAVAILABLE). */
  E_ENGINE_UNAVAILABLE: 69,
  /** The tracer is not installed (EX_UNAVAILABLE). */
  E_TRACER_MISSING: 69,
  /** The kernel cannot give the tracer what it needs: tracefs, syscall tracepoints, BTF (EX_UNAVAILABLE). */
  E_TRACING_UNAVAILABLE: 69,
  /** Not allowed to trace the target (EX_NOPERM). */
  E_ATTACH_DENIED: 77,
  /** The tracer failed to start or attach for another reason (EX_SOFTWARE). */
  E_ATTACH_FAILED: 70,
  /** --save cannot be written (EX_CANTCREAT). */
  E_OUTPUT_UNWRITABLE: 73,
} as const;

export type Ns53ErrorCode = keyof typeof ERROR_EXIT_CODES;

/** A condition that stops the run: a stable code, a message that says what to do, an exit status. */
export class Ns53Error extends Error {
  readonly exitCode: number;

  constructor(
    readonly code: Ns53ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'Ns53Error';
    this.exitCode = ERROR_EXIT_CODES[code];
  }

  /** Turns a Node fs/zlib error about `path` into a message a user can act on. */
  static fromInputError(path: string, error: unknown): Ns53Error {
    if (error instanceof Ns53Error) return error;
    const code = (error as NodeJS.ErrnoException)?.code;
    const name = path === '-' ? 'standard input' : path;
    if (code === 'ENOENT') return new Ns53Error('E_INPUT_NOT_FOUND', `${name}: no such file`);
    if (code === 'EACCES' || code === 'EPERM') return new Ns53Error('E_INPUT_UNREADABLE', `${name}: permission denied (try sudo, or copy the file)`);
    if (code === 'EISDIR') return new Ns53Error('E_INPUT_UNREADABLE', `${name}: is a directory; pass the trace files inside it`);
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
      return new Ns53Error('E_INPUT_CORRUPT', `${name}: the gzip data is corrupt or cut short (${(error as Error).message})`);
    }
    return new Ns53Error('E_INPUT_UNREADABLE', `${name}: ${(error as Error)?.message ?? String(error)}`);
  }
}
