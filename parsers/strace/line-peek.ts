import type { TraceStamp } from './record.js';

/**
 * What a glance at the bytes of an ordinary syscall line tells, without making a string of it: thread,
 * stamp, and where the syscall name is. Filled in place by {@link peekLineBytes}.
 *
 * Most of a dockerd trace is futex, epoll_pwait, nanosleep and the like; replaying at hundreds of MB/s means
 * recognising those from their bytes and never decoding them (performance.md C2).
 */
export class LinePeek {
  pid: number | null = null;
  clock: TraceStamp['clock'] | null = null;
  /** Whole seconds of the stamp; the fraction is at [fractionStart, fractionEnd): see {@link peekSeconds}. */
  wholeSeconds = 0;
  fractionStart = 0;
  fractionEnd = 0;
  nameStart = 0;
  nameEnd = 0;
  /** `<... NAME resumed>` rather than `NAME(`. */
  resumed = false;
  /** The line ends with ` <unfinished ...>`. */
  unfinished = false;
  /** For `NAME(` lines, the offset just after the parenthesis. */
  argsStart = 0;
  /** Filled by {@link peekLeadingFd}: the first argument as an fd, and what its decoration says. */
  fd = -1;
  fdDecoration: DecorationClass = null;
}

/** What an fd's `-y`/`-yy` decoration says, as far as filters care: an IPv4/IPv6 socket, a socket of unknown family
 * (`socket:[N]` under -y), something else, or nothing printed (null). */
export type DecorationClass = 'inet' | 'socket' | 'other' | null;

const SPACE = 32;
const DOT = 46;
const COLON = 58;
const RBRACKET = 93;
const LPAREN = 40;
/** A number of at least this size is a Unix time, below it an -r delta (as in prefix.ts). */
const EPOCH_THRESHOLD = 1e8;
const MAX_PID_DIGITS = 7;

const UNFINISHED = Buffer.from(' <unfinished ...>', 'latin1');
const RESUMED_OPEN = Buffer.from('<... ', 'latin1');
const RESUMED_CLOSE = Buffer.from(' resumed>', 'latin1');
const PID_OPEN = Buffer.from('[pid ', 'latin1');
/** Endings of a `strace: Process N attached` message spliced into a line: such lines need the full reader. */
const SPLICE_ENDINGS = ['attached', 'detached', ' threads'].map((ending) => Buffer.from(ending, 'latin1'));

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 48 && byte <= 57;
}

function isNameByte(byte: number, first: boolean): boolean {
  const letter = (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || byte === 95;
  return letter || (!first && byte >= 48 && byte <= 57);
}

function matchesAt(bytes: Uint8Array, at: number, end: number, pattern: Uint8Array): boolean {
  if (at < 0 || at + pattern.length > end) return false;
  for (let k = 0; k < pattern.length; k++) if (bytes[at + k] !== pattern[k]) return false;
  return true;
}

function skipSpaces(bytes: Uint8Array, i: number, end: number): number {
  while (i < end && bytes[i]! === SPACE) i++;
  return i;
}

/**
 * Reads the common shapes of a syscall line from its bytes: an optional `N ` or `[pid N]` prefix, an optional
 * stamp (-t, -tt, -ttt, -r), then `NAME(` or `<... NAME resumed>`. Returns false for anything else (comm,
 * -n/-i fields, colours, signals, exits, diagnostics, spliced messages); those lines take the full reader,
 * which agrees with this one wherever this one answers (a property test checks it).
 */
export function peekLineBytes(bytes: Uint8Array, start: number, end: number, peek: LinePeek): boolean {
  if (end - start < 3) return false;
  const last = bytes[end - 1]!;
  if (last === 100 /* d */ || last === 115 /* s */) {
    for (const ending of SPLICE_ENDINGS) if (matchesAt(bytes, end - ending.length, end, ending)) return false;
  }
  let i = start;
  peek.pid = null;
  peek.clock = null;
  let byte = bytes[i]!;
  if (byte === 91 /* [ */) {
    if (!matchesAt(bytes, i, end, PID_OPEN)) return false;
    i = skipSpaces(bytes, i + PID_OPEN.length, end);
    let pid = 0;
    const digits = i;
    while (i < end && (byte = bytes[i]!) >= 48 && byte <= 57) {
      pid = pid * 10 + (byte - 48);
      i++;
    }
    if (i === digits || i >= end || bytes[i] !== RBRACKET) return false;
    peek.pid = pid;
    i = skipSpaces(bytes, i + 1, end);
  } else if (byte >= 48 && byte <= 57) {
    let j = i;
    let pid = 0;
    while (j < end && (byte = bytes[j]!) >= 48 && byte <= 57) {
      pid = pid * 10 + (byte - 48);
      j++;
    }
    if (j < end && bytes[j] === SPACE && j - i <= MAX_PID_DIGITS) {
      peek.pid = pid;
      i = skipSpaces(bytes, j, end);
    }
  }
  i = skipSpaces(bytes, i, end);
  if (i >= end) return false;
  byte = bytes[i]!;
  if (byte >= 48 && byte <= 57) {
    i = readStamp(bytes, i, end, peek);
    if (i < 0) return false;
    i = skipSpaces(bytes, i, end);
    if (i >= end) return false;
    byte = bytes[i]!;
  }
  // ` <unfinished ...>` ends in `...>`; a -T duration ends in a digit and `>`.
  peek.unfinished = last === 62 && bytes[end - 2] === DOT && matchesAt(bytes, end - UNFINISHED.length, end, UNFINISHED);
  if (byte === 60 /* < */) {
    if (!matchesAt(bytes, i, end, RESUMED_OPEN)) return false;
    const nameStart = i + RESUMED_OPEN.length;
    let j = nameStart;
    while (j < end && isNameByte(bytes[j]!, j === nameStart)) j++;
    if (j === nameStart || !matchesAt(bytes, j, end, RESUMED_CLOSE)) return false;
    peek.resumed = true;
    peek.nameStart = nameStart;
    peek.nameEnd = j;
    return true;
  }
  if (!isNameByte(byte, true)) return false;
  let j = i + 1;
  while (j < end && isNameByte(bytes[j]!, false)) j++;
  if (j >= end || bytes[j] !== LPAREN) return false;
  peek.resumed = false;
  peek.nameStart = i;
  peek.nameEnd = j;
  peek.argsStart = j + 1;
  return true;
}

/**
 * Whether a syscall line's result is `= -1 ERRNO` for this errno (e.g. the EAGAIN of a non-blocking read,
 * which makes up most reads of a DNS socket). Looks only at the end of the line, after the last string.
 */
export function resultErrnoIs(bytes: Buffer, start: number, end: number, errno: string): boolean {
  const marker = ` = -1 ${errno} `;
  const at = bytes.lastIndexOf(marker, end - marker.length, 'latin1');
  if (at < start || at < end - 100) return false;
  return bytes.indexOf(34 /* " */, at) < 0 || bytes.indexOf(34, at) >= end;
}

/** Protocol names `-yy` prints for internet sockets (strace's socketutils.c), with or without `v6`. */
const INET_PROTOCOLS = ['UDP', 'TCP', 'UDPLITE', 'DCCP', 'SCTP', 'RAW', 'PING', 'L2TP/IP'];
const INET_TOKENS = INET_PROTOCOLS.flatMap((name) => [name, `${name}v6`]).map((name) => Buffer.from(name, 'latin1'));
const SOCKET_TOKEN = Buffer.from('socket', 'latin1');

function isInetToken(bytes: Uint8Array, start: number, end: number): boolean {
  for (let k = 0; k < INET_TOKENS.length; k++) {
    const token = INET_TOKENS[k]!;
    if (token.length === end - start && matchesAt(bytes, start, end, token)) return true;
  }
  return false;
}

/**
 * Reads the first argument of a peeked `NAME(` line as an fd (`61`, `61<UDP:[61676]>`, `fd=61` under -N) into
 * `peek.fd` and `peek.fdDecoration`. Returns false when the first argument is not a plain fd.
 */
export function peekLeadingFd(bytes: Uint8Array, end: number, peek: LinePeek): boolean {
  let i = peek.argsStart;
  if (bytes[i] === 102 /* f */ && bytes[i + 1] === 100 /* d */ && bytes[i + 2] === 61 /* = */) i += 3;
  let fd = 0;
  const digits = i;
  while (i < end && isDigit(bytes[i])) fd = fd * 10 + (bytes[i++]! - 48);
  if (i === digits) return false;
  peek.fd = fd;
  if (bytes[i] !== 60 /* < */) {
    peek.fdDecoration = null;
    return true;
  }
  if (bytes[i + 1] === 47 /* / */ || bytes[i + 1] === 92 /* \ (-xx path) */) {
    peek.fdDecoration = 'other';
    return true;
  }
  let j = i + 1;
  while (j < end && j - i <= 16 && bytes[j] !== 58 /* : */ && bytes[j] !== 62 /* > */) j++;
  if (bytes[j] !== 58) peek.fdDecoration = 'other';
  else if (matchesAt(bytes, i + 1, j, SOCKET_TOKEN) && j === i + 1 + SOCKET_TOKEN.length) peek.fdDecoration = 'socket';
  else peek.fdDecoration = isInetToken(bytes, i + 1, j) ? 'inet' : 'other';
  return true;
}

/** Reads a stamp at `i` into `peek`; returns the offset after it, or -1 when the token is not a plain stamp. */
function readStamp(bytes: Uint8Array, i: number, end: number, peek: LinePeek): number {
  let whole = 0;
  let j = i;
  while (j < end && isDigit(bytes[j])) whole = whole * 10 + (bytes[j++]! - 48);
  let clock: TraceStamp['clock'] = 'epoch';
  if (bytes[j] === COLON) {
    if (j - i !== 2 || bytes[j + 3] !== COLON || !isDigit(bytes[j + 1]) || !isDigit(bytes[j + 2]) || !isDigit(bytes[j + 4]) || !isDigit(bytes[j + 5])) return -1;
    const minutes = (bytes[j + 1]! - 48) * 10 + (bytes[j + 2]! - 48);
    const seconds = (bytes[j + 4]! - 48) * 10 + (bytes[j + 5]! - 48);
    whole = whole * 3600 + minutes * 60 + seconds;
    j += 6;
    clock = 'time-of-day';
  }
  // The fraction is only located here; peekSeconds() reads it for the few lines whose time is needed.
  peek.fractionStart = peek.fractionEnd = j;
  if (bytes[j] === DOT && isDigit(bytes[j + 1])) {
    peek.fractionStart = ++j;
    while (j < end && isDigit(bytes[j])) j++;
    peek.fractionEnd = j;
  }
  if (bytes[j] !== SPACE) return -1;
  if (clock === 'epoch' && whole < EPOCH_THRESHOLD) clock = 'relative';
  peek.clock = clock;
  peek.wholeSeconds = whole;
  return j;
}

/** The stamp of a peeked line in seconds (meaningful when `peek.clock` is not null). */
export function peekSeconds(bytes: Uint8Array, peek: LinePeek): number {
  let fraction = 0;
  let scale = 1;
  for (let j = peek.fractionStart; j < peek.fractionEnd; j++) {
    fraction = fraction * 10 + (bytes[j]! - 48);
    scale *= 10;
  }
  return peek.wholeSeconds + fraction / scale;
}

/**
 * A table keyed by syscall name that can be read straight from line bytes: the replay asks for the decoder of
 * the name in a {@link LinePeek} without making a string of it.
 */
export class SyscallNameTable<T> {
  private readonly byHash = new Map<number, Array<{ name: Uint8Array; value: T }>>();

  constructor(entries: Iterable<[string, T]>) {
    for (const [text, value] of entries) {
      const name = Buffer.from(text, 'latin1');
      const hash = hashBytes(name, 0, name.length);
      const bucket = this.byHash.get(hash) ?? [];
      bucket.push({ name, value });
      this.byHash.set(hash, bucket);
    }
  }

  /** The value for the name spelled by bytes[start, end), if any. */
  get(bytes: Uint8Array, start: number, end: number): T | undefined {
    const bucket = this.byHash.get(hashBytes(bytes, start, end));
    if (bucket === undefined) return undefined;
    for (let k = 0; k < bucket.length; k++) {
      const entry = bucket[k]!;
      if (entry.name.length === end - start && matchesAt(bytes, start, end, entry.name)) return entry.value;
    }
    return undefined;
  }
}

function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = end - start;
  for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + bytes[i]!) | 0;
  return hash;
}

