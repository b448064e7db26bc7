import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * One system call as strace prints it: `name(` + entry + exit + `) = ` + ret + ` <dur>`. The entry part is
 * what strace knows when the call starts (input arguments); the exit part is the output arguments it can
 * only print on return (a read buffer, an epoll event list, a msghdr filled in by recvmsg).
 */
export interface Call {
  name: string;
  entry: string;
  exit: string;
  ret: string;
  /** Microseconds in the kernel; Infinity for a wait that ends only when another thread wakes it. */
  dur: number;
  /** Runs at the return, in trace order: allocates or frees fds and fills in ret/exit/value. */
  complete: ((call: Call) => void) | null;
  /** What the call gives back to the goroutine that made it (an fd, a byte count). */
  value: number;
  /** How the thread waits: `park` (futex until another thread wakes it), `poll` (the blocking netpoll). */
  wait: 'none' | 'park' | 'poll';
  /** A call made on the thread's own behalf (rt_sigreturn): its value does not go to the goroutine. */
  injected: boolean;
  /** Set by the writer. */
  entryTime: number;
  split: boolean;
}

/** The optional parts of a call. */
export interface CallOptions {
  exit?: string;
  complete?: (call: Call) => void;
  value?: number;
  wait?: Call['wait'];
}

/** Builds a call; `dur` in microseconds. */
export function buildCall(name: string, entry: string, ret: string, dur: number, options: CallOptions = {}): Call {
  return {
    name,
    entry,
    exit: options.exit ?? '',
    ret,
    dur,
    complete: options.complete ?? null,
    value: options.value ?? 0,
    wait: options.wait ?? 'none',
    injected: false,
    entryTime: 0,
    split: false,
  };
}

/** Counts of each line shape, for the manifest and for checking the mix against the real captures. */
export interface LineKinds {
  complete: number;
  unfinished: number;
  resumed: number;
  signal: number;
  detached: number;
}

const CHUNK_CHARS = 1 << 20;

/** `1795506304.325491`: seconds with six decimals, from integer microseconds. */
export function formatTimestamp(us: number): string {
  const seconds = Math.floor(us / 1e6);
  return `${seconds}.${String(us - seconds * 1e6).padStart(6, '0')}`;
}

/** `0.000130`: a duration, from integer microseconds. */
function formatDuration(us: number): string {
  const seconds = Math.floor(us / 1e6);
  return `${seconds}.${String(us - seconds * 1e6).padStart(6, '0')}`;
}

/**
 * Writes lines the way `strace -f -ttt -T -yy -o FILE` does. strace keeps at most one line open: when a
 * thread's call is still in the kernel and another thread has something to print, the open line is ended
 * with ` <unfinished ...>` and the call's result later comes on a `<... name resumed>` line stamped with
 * the return time. A call nothing interrupted is printed whole, stamped with its entry time. Output is
 * buffered in 1 MiB chunks so a 200 MB log never sits in memory.
 */
export class StraceLogWriter {
  lines = 0;
  bytes = 0;
  readonly kinds: LineKinds = { complete: 0, unfinished: 0, resumed: 0, signal: 0, detached: 0 };
  readonly callsByName = new Map<string, number>();
  firstTime: number | null = null;
  lastTime = 0;
  private readonly fd: number;
  private chunk: string[] = [];
  private chunkChars = 0;
  private open: { tid: number; call: Call } | null = null;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  /** A call starts on `tid` at `time` (µs). */
  entry(tid: number, time: number, call: Call): void {
    this.interrupt();
    call.entryTime = time;
    call.split = false;
    this.open = { tid, call };
    this.callsByName.set(call.name, (this.callsByName.get(call.name) ?? 0) + 1);
  }

  /** The call returns at `time`. */
  exit(tid: number, time: number, call: Call): void {
    const result = `${call.exit}) = ${call.ret} <${formatDuration(call.dur)}>`;
    if (this.open !== null && this.open.call === call) {
      this.open = null;
      this.kinds.complete++;
      this.line(`${prefix(tid, call.entryTime)}${call.name}(${call.entry}${result}`, call.entryTime);
      return;
    }
    this.interrupt();
    this.kinds.resumed++;
    this.line(`${prefix(tid, time)}<... ${call.name} resumed>${result}`, time);
  }

  /** A signal delivered to `tid` (`--- SIGURG {...} ---`). */
  signal(tid: number, time: number, text: string): void {
    this.interrupt();
    this.kinds.signal++;
    this.line(`${prefix(tid, time)}--- ${text} ---`, time);
  }

  /** strace detaches (Ctrl-C): the open line ends with `<detached ...>`; writes out what is buffered. */
  close(): void {
    if (this.open !== null) {
      const { tid, call } = this.open;
      this.open = null;
      this.kinds.detached++;
      this.line(`${prefix(tid, call.entryTime)}${call.name}(${call.entry} <detached ...>`, call.entryTime);
    }
    this.flush();
    closeSync(this.fd);
  }

  /** Ends the open line as unfinished because another thread prints now. */
  private interrupt(): void {
    if (this.open === null) return;
    const { tid, call } = this.open;
    this.open = null;
    call.split = true;
    this.kinds.unfinished++;
    this.line(`${prefix(tid, call.entryTime)}${call.name}(${call.entry} <unfinished ...>`, call.entryTime);
  }

  private line(text: string, time: number): void {
    this.firstTime ??= time;
    this.lastTime = time;
    this.lines++;
    // Every character is ASCII (strace escapes the rest), so characters are bytes.
    this.bytes += text.length + 1;
    this.chunk.push(text);
    this.chunkChars += text.length + 1;
    if (this.chunkChars >= CHUNK_CHARS) this.flush();
  }

  private flush(): void {
    if (this.chunk.length === 0) return;
    this.chunk.push('');
    writeSync(this.fd, Buffer.from(this.chunk.join('\n'), 'latin1'));
    this.chunk = [];
    this.chunkChars = 0;
  }
}

/** strace's `%-5u ` pid column, then the -ttt timestamp. */
function prefix(tid: number, time: number): string {
  return `${String(tid).padEnd(5)} ${formatTimestamp(time)} `;
}
