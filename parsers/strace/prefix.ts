import type { LinePrefix, TraceStamp } from './record.js';

const SPACE = 32;
const DOT = 46;
const COLON = 58;
const LT = 60;
const GT = 62;
const LBRACKET = 91;
const RBRACKET = 93;
const LPAREN = 40;
const RPAREN = 41;
const PLUS = 43;
const BACKSLASH = 92;

/** strace never prints a pid wider than PID_MAX_LIMIT (4194304): 7 digits. Wider numbers are timestamps. */
const MAX_PID_DIGITS = 7;
/** A bare number at least this large is a Unix time (2001 onwards); below it, an -r delta. */
const EPOCH_THRESHOLD = 1e8;

/**
 * The prefix of one line as plain fields, filled in place by {@link scanLinePrefix} so that the replay's hot
 * loop allocates nothing for the lines it skips. {@link parseLinePrefix} turns it into a {@link LinePrefix}.
 */
export class PrefixScan {
  pid: number | null = null;
  /** `-Y` comm as [start, end) in the line, or -1. */
  commStart = -1;
  commEnd = -1;
  /** Clock of the main stamp (absolute, or -r alone), or null. */
  clock: TraceStamp['clock'] | null = null;
  seconds = 0;
  /** An -r delta printed next to an absolute stamp (`(+ 0.000052)`). */
  relative: number | null = null;
  /** Offset of the first character after the prefix. */
  end = 0;
  // Scratch for readStamp: the last stamp read.
  stampClock: TraceStamp['clock'] = 'epoch';
  stampSeconds = 0;

  reset(): void {
    this.pid = null;
    this.commStart = -1;
    this.commEnd = -1;
    this.clock = null;
    this.seconds = 0;
    this.relative = null;
    this.end = 0;
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function skipSpaces(text: string, i: number): number {
  while (text.charCodeAt(i) === SPACE) i++;
  return i;
}

/** End of the run of digits at `i`. */
function digitsEnd(text: string, i: number): number {
  while (isDigit(text.charCodeAt(i))) i++;
  return i;
}

/** Integer value of the digits in [i, end). */
function intValue(text: string, i: number, end: number): number {
  let value = 0;
  for (let j = i; j < end; j++) value = value * 10 + (text.charCodeAt(j) - 48);
  return value;
}

/**
 * Reads one timestamp token at `i` (`07:20:30.172042`, `1795504830.190425`, `0.000066`) followed by a space
 * or `)`, into `scan.stampClock`/`scan.stampSeconds`. Returns the end offset, or -1 when it is not a stamp.
 */
function readStamp(text: string, i: number, scan: PrefixScan): number {
  const firstEnd = digitsEnd(text, i);
  if (firstEnd === i) return -1;
  let seconds: number;
  let j = firstEnd;
  let clock: TraceStamp['clock'];
  if (text.charCodeAt(j) === COLON) {
    const minutesEnd = digitsEnd(text, j + 1);
    if (minutesEnd !== j + 3 || text.charCodeAt(minutesEnd) !== COLON) return -1;
    const secondsEnd = digitsEnd(text, minutesEnd + 1);
    if (secondsEnd !== minutesEnd + 3) return -1;
    seconds = intValue(text, i, firstEnd) * 3600 + intValue(text, j + 1, minutesEnd) * 60 + intValue(text, minutesEnd + 1, secondsEnd);
    j = secondsEnd;
    clock = 'time-of-day';
  } else {
    seconds = intValue(text, i, firstEnd);
    clock = 'epoch';
  }
  if (text.charCodeAt(j) === DOT && isDigit(text.charCodeAt(j + 1))) {
    const fractionEnd = digitsEnd(text, j + 1);
    seconds += intValue(text, j + 1, fractionEnd) / 10 ** (fractionEnd - j - 1);
    j = fractionEnd;
  }
  const next = text.charCodeAt(j);
  if (next !== SPACE && next !== RPAREN) return -1;
  if (clock === 'epoch' && seconds < EPOCH_THRESHOLD) clock = 'relative';
  scan.stampClock = clock;
  scan.stampSeconds = seconds;
  return j;
}

/** Finds the `>` that closes a `-Y` comm starting after `<` at `i`; escapes keep `<>` out of it. */
function findCommEnd(text: string, i: number): number {
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === GT) return j;
  }
  return -1;
}

/** Reads `[pid N]`/`[pid N<comm>]` or `N `/`N<comm> ` at the start of a line; returns the end, or 0. */
function readPid(text: string, scan: PrefixScan): number {
  if (text.charCodeAt(0) === LBRACKET) {
    if (!text.startsWith('[pid ')) return 0;
    const digitsAt = skipSpaces(text, 5);
    const afterPid = digitsEnd(text, digitsAt);
    if (afterPid === digitsAt) return 0;
    let j = afterPid;
    if (text.charCodeAt(j) === LT) {
      const close = findCommEnd(text, j + 1);
      if (close < 0) return 0;
      scan.commStart = j + 1;
      scan.commEnd = close;
      j = close + 1;
    }
    if (text.charCodeAt(j) !== RBRACKET) return 0;
    scan.pid = intValue(text, digitsAt, afterPid);
    return skipSpaces(text, j + 1);
  }
  const afterPid = digitsEnd(text, 0);
  if (afterPid === 0 || afterPid > MAX_PID_DIGITS) return 0;
  const next = text.charCodeAt(afterPid);
  let end: number;
  if (next === LT) {
    const close = findCommEnd(text, afterPid + 1);
    if (close < 0 || text.charCodeAt(close + 1) !== SPACE) return 0;
    scan.commStart = afterPid + 1;
    scan.commEnd = close;
    end = skipSpaces(text, close + 1);
  } else if (next === SPACE) {
    end = skipSpaces(text, afterPid);
  } else {
    return 0;
  }
  scan.pid = intValue(text, 0, afterPid);
  return end;
}

/** Skips a bracketed prefix field: `-n` `[  42]`, `-i` `[00007f…]`, `--secontext` `[ctx]`. */
function skipBracketField(text: string, i: number): number {
  if (text.startsWith('[ Process PID=', i)) return i; // a personality event, not a prefix field
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === RBRACKET) return text.charCodeAt(j + 1) === SPACE ? skipSpaces(text, j + 1) : i;
  }
  return i;
}

/**
 * Reads the prefix fields strace puts before an event, in any combination of -f/-ff, -Y, -t/-tt/-ttt,
 * --timestamps, -r, -n, -i and --secontext, into `scan` (reset first). `[pid N]` comes and goes within one
 * log, so every line is examined on its own. Never throws.
 */
export function scanLinePrefix(text: string, scan: PrefixScan): void {
  scan.reset();
  let i = readPid(text, scan);
  let absolute = false;
  for (;;) {
    const start = skipSpaces(text, i);
    const c = text.charCodeAt(start);
    if (c === LBRACKET) {
      const next = skipBracketField(text, start);
      if (next === start) break;
      i = next;
    } else if (c === LPAREN && text.charCodeAt(start + 1) === PLUS) {
      const end = readStamp(text, skipSpaces(text, start + 2), scan);
      if (end < 0 || text.charCodeAt(end) !== RPAREN) break;
      scan.relative = scan.stampSeconds;
      i = skipSpaces(text, end + 1);
    } else if (isDigit(c)) {
      const end = readStamp(text, start, scan);
      if (end < 0) break;
      if (scan.stampClock === 'relative' && absolute) scan.relative = scan.stampSeconds;
      else if (!absolute) {
        scan.clock = scan.stampClock;
        scan.seconds = scan.stampSeconds;
        absolute = scan.stampClock !== 'relative';
      }
      i = skipSpaces(text, end);
    } else {
      break;
    }
  }
  if (scan.clock === null && scan.relative !== null) {
    scan.clock = 'relative';
    scan.seconds = scan.relative;
    scan.relative = null;
  }
  scan.end = i;
}

/** The stamp of a scanned prefix as a value, or null. */
export function stampOf(scan: PrefixScan): TraceStamp | null {
  return scan.clock === null ? null : { clock: scan.clock, seconds: scan.seconds };
}

/** Reads a line's prefix into a fresh {@link LinePrefix}; see {@link scanLinePrefix}. */
export function parseLinePrefix(text: string): LinePrefix {
  const scan = new PrefixScan();
  scanLinePrefix(text, scan);
  return {
    pid: scan.pid,
    comm: scan.commStart < 0 ? null : text.slice(scan.commStart, scan.commEnd),
    stamp: stampOf(scan),
    relative: scan.relative === null ? null : { clock: 'relative', seconds: scan.relative },
    end: scan.end,
  };
}
