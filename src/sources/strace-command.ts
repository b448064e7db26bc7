/** How ns53 runs strace on a live process. */
export interface StraceCommandOptions {
  pid: number;
  /** The syscalls the sessions read; every other call is left untraced (it still stops, but prints nothing). */
  calls: readonly string[];
  /** Bytes of each buffer to print: large, so that whole DNS messages are seen (EDNS allows 64 KiB over TCP). */
  stringLimit: number;
}

export const DEFAULT_STRING_LIMIT = 65_535;

/**
 * The strace arguments for a live attach: follow every thread (-f) of `pid`, wall-clock stamps to the
 * microsecond with call durations (-ttt -T: trace time is the wall clock, so a quiet trace can still move its
 * clock), fds decorated with socket addresses and namespace inodes (-yy), no signal lines, and the trace on
 * stdout so it never mixes with strace's own messages on stderr. Each call name is prefixed with `?` so that
 * names this architecture lacks (recv, send, fcntl64 on x86_64) are skipped instead of failing.
 */
export function buildStraceArgs(options: StraceCommandOptions): string[] {
  return [
    '-f',
    '-p',
    String(options.pid),
    '-ttt',
    '-T',
    '-yy',
    '-s',
    String(options.stringLimit),
    '-e',
    'signal=none',
    '-e',
    `trace=${options.calls.map((name) => `?${name}`).join(',')}`,
    '-o',
    '/dev/stdout',
  ];
}

/** The command line as a user would type it (for --save notes and messages). */
export function formatCommandLine(file: string, args: readonly string[]): string {
  return [file, ...args].map((arg) => (/^[\w./:=,?@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(' ');
}
