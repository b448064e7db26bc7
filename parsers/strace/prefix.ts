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

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Skips spaces from `i`. */
function skipSpaces(text: string, i: number): number {
  while (text.charCodeAt(i) === SPACE) i++;
  return i;
}

/** Reads a run of digits as an integer; returns [value, end]. */
function readInt(text: string, i: number): [number, number] {
  let value = 0;
  let j = i;
  for (let c = text.charCodeAt(j); isDigit(c); c = text.charCodeAt(++j)) value = value * 10 + (c - 48);
  return [value, j];
}

/** Reads `.digits` after an integer part; returns [fraction, end] (fraction 0 when absent). */
function readFraction(text: string, i: number): [number, number] {
  if (text.charCodeAt(i) !== DOT || !isDigit(text.charCodeAt(i + 1))) return [0, i];
  let j = i + 1;
  let value = 0;
  let scale = 1;
  for (let c = text.charCodeAt(j); isDigit(c); c = text.charCodeAt(++j)) {
    value = value * 10 + (c - 48);
    scale *= 10;
  }
  return [value / scale, j];
}

/**
 * Reads one timestamp token at `i` (`07:20:30.172042`, `1795504830.190425`, `0.000066`) followed by a space.
 * Returns null when the text there is not a timestamp.
 */
function readStamp(text: string, i: number): { stamp: TraceStamp; end: number } | null {
  const [first, afterFirst] = readInt(text, i);
  if (afterFirst === i) return null;
  if (text.charCodeAt(afterFirst) === COLON) {
    const [minutes, afterMinutes] = readInt(text, afterFirst + 1);
    if (afterMinutes !== afterFirst + 3 || text.charCodeAt(afterMinutes) !== COLON) return null;
    const [secs, afterSeconds] = readInt(text, afterMinutes + 1);
    if (afterSeconds !== afterMinutes + 3) return null;
    const [fraction, end] = readFraction(text, afterSeconds);
    if (text.charCodeAt(end) !== SPACE) return null;
    const seconds = first * 3600 + minutes * 60 + secs + fraction;
    return { stamp: { clock: 'time-of-day', seconds }, end };
  }
  const [fraction, end] = readFraction(text, afterFirst);
  const next = text.charCodeAt(end);
  if (next !== SPACE && next !== RPAREN) return null;
  const seconds = first + fraction;
  const clock = seconds >= EPOCH_THRESHOLD ? 'epoch' : 'relative';
  return { stamp: { clock, seconds }, end };
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

/** Reads `[pid N]`/`[pid N<comm>]` or `N `/`N<comm> ` at the start of a line. */
function readPid(text: string): { pid: number; comm: string | null; end: number } | null {
  if (text.startsWith('[pid ')) {
    const digitsAt = skipSpaces(text, 5);
    const [pid, afterPid] = readInt(text, digitsAt);
    if (afterPid === digitsAt) return null;
    let comm: string | null = null;
    let j = afterPid;
    if (text.charCodeAt(j) === LT) {
      const close = findCommEnd(text, j + 1);
      if (close < 0) return null;
      comm = text.slice(j + 1, close);
      j = close + 1;
    }
    if (text.charCodeAt(j) !== RBRACKET) return null;
    return { pid, comm, end: skipSpaces(text, j + 1) };
  }
  const [pid, afterPid] = readInt(text, 0);
  if (afterPid === 0 || afterPid > MAX_PID_DIGITS) return null;
  const next = text.charCodeAt(afterPid);
  if (next === LT) {
    const close = findCommEnd(text, afterPid + 1);
    if (close < 0 || text.charCodeAt(close + 1) !== SPACE) return null;
    return { pid, comm: text.slice(afterPid + 1, close), end: skipSpaces(text, close + 1) };
  }
  if (next !== SPACE) return null;
  return { pid, comm: null, end: skipSpaces(text, afterPid) };
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
 * --timestamps, -r, -n, -i and --secontext. `[pid N]` comes and goes within one log, so every line is
 * examined on its own. Never throws; an absent field is null.
 */
export function parseLinePrefix(text: string): LinePrefix {
  let pid: number | null = null;
  let comm: string | null = null;
  let stamp: TraceStamp | null = null;
  let relative: TraceStamp | null = null;
  let i = 0;

  const pidField = readPid(text);
  if (pidField) {
    ({ pid, comm } = pidField);
    i = pidField.end;
  }
  for (;;) {
    const start = skipSpaces(text, i);
    const c = text.charCodeAt(start);
    if (c === LBRACKET) {
      const next = skipBracketField(text, start);
      if (next === start) break;
      i = next;
    } else if (c === LPAREN && text.charCodeAt(start + 1) === PLUS) {
      const read = readStamp(text, skipSpaces(text, start + 2));
      if (!read || text.charCodeAt(read.end) !== RPAREN) break;
      relative = { ...read.stamp, clock: 'relative' };
      i = skipSpaces(text, read.end + 1);
    } else if (isDigit(c)) {
      const read = readStamp(text, start);
      if (!read) break;
      if (read.stamp.clock === 'relative' && stamp) relative = read.stamp;
      else if (!stamp) stamp = read.stamp;
      i = skipSpaces(text, read.end);
    } else {
      break;
    }
  }
  if (stamp === null && relative !== null) {
    stamp = relative;
    relative = null;
  }
  return { pid, comm, stamp, relative, end: i };
}
