import { buildIssue, type ParseIssue } from './issue.js';
import { findUnmatchedCloser, opensDecoration, skipDecoration } from './scan.js';

/** What a syscall returned, as printed after `= `. */
export interface SyscallResult {
  /** Numeric value (`-1` for errors, decimal, hex or octal), or null for `?`. */
  value: number | null;
  /** `ENOENT`, `ERESTARTSYS`, `EINPROGRESS`…; `errno 4095` for numbers strace cannot name. */
  errno: string | null;
  /** The decoration after an fd or pid result, without its angle brackets: `UDP:[61676]`, `/etc/hosts`. */
  decoration: string | null;
  /** Trailing parenthesised notes (`(flags O_RDONLY)`, `(INJECTED)`, `(net:[4026531840])`), joined by spaces. */
  annotation: string | null;
}

/** A syscall whose two halves, if any, have been joined: its argument text, result and duration. */
export interface SyscallBody {
  /** The argument text between the parentheses. */
  args: string;
  result: SyscallResult;
  /** `-T` time spent in the call, in seconds. */
  duration: number | null;
  /** The process died or was cut off in the call (`<unfinished ...>)` inside, result `?`). */
  interrupted: boolean;
}

const ERRNO_NAME = /^(E[A-Z0-9_]+)(?: \((?:[^()]|\([^()]*\))*\))?/;
const UNKNOWN_ERRNO = /^\(errno (\d+)\)|^(\d+) \(Unknown error \d+\)/;
const DURATION = / <(\d+(?:\.\d+)?)>$/;

/** Decimal, hex (`0x…`, RVAL_HEX) or octal (`022`, RVAL_OCTAL: a leading zero) return values. */
function readNumber(text: string): number | null {
  if (/^0[0-7]+$/.test(text)) return parseInt(text, 8);
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/^0x[0-9a-f]+$/i.test(text)) return parseInt(text.slice(2), 16);
  return null;
}

/** Reads the text after `= ` (duration already removed). */
function parseResult(text: string): SyscallResult {
  let i = 0;
  while (i < text.length && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 60) i++;
  const valueText = text.slice(0, i);
  let decoration: string | null = null;
  if (text.charCodeAt(i) === 60 && opensDecoration(text, i)) {
    const end = skipDecoration(text, i);
    if (end > 0) {
      decoration = text.slice(i + 1, end - 1);
      i = end;
    }
  }
  let rest = text.slice(i).trimStart();
  if (rest.startsWith('/*')) {
    const close = rest.indexOf('*/');
    rest = close < 0 ? '' : rest.slice(close + 2).trimStart();
  }
  const value = valueText === '?' ? null : readNumber(valueText);
  let errno: string | null = null;
  if (value === -1 || valueText === '?') {
    const named = ERRNO_NAME.exec(rest);
    const unnamed = named ? null : UNKNOWN_ERRNO.exec(rest);
    if (named) {
      errno = named[1]!;
      rest = rest.slice(named[0].length).trimStart();
    } else if (unnamed) {
      errno = `errno ${unnamed[1] ?? unnamed[2]}`;
      rest = rest.slice(unnamed[0].length).trimStart();
    }
  }
  if (rest.startsWith('<unavailable>')) rest = rest.slice(13).trimStart();
  return { value, errno, decoration, annotation: rest.length > 0 ? rest : null };
}

/**
 * Reads `args) = result <duration>` (the text after the call's opening parenthesis, halves already joined).
 * Returns an issue, never throws, when the arguments do not close or no `=` follows.
 */
export function parseSyscallBody(body: string): SyscallBody | ParseIssue {
  const close = findUnmatchedCloser(body, 0);
  if (close < 0) return buildIssue('unbalanced-arguments', 'the argument list does not close', body, body.length);
  let j = close + 1;
  while (body.charCodeAt(j) === 32) j++;
  if (body.charCodeAt(j) !== 61 /* = */) return buildIssue('bad-result', 'expected `=` after the arguments', body, j);
  j++;
  while (body.charCodeAt(j) === 32) j++;
  let resultEnd = body.length;
  let duration: number | null = null;
  if (body.charCodeAt(resultEnd - 1) === 62 /* > */) {
    const match = DURATION.exec(body);
    if (match) {
      duration = Number(match[1]);
      resultEnd = match.index;
    }
  }
  if (j >= resultEnd) return buildIssue('bad-result', 'expected a return value after `=`', body, j);
  const args = body.slice(0, close);
  return {
    args,
    result: parseResult(body.slice(j, resultEnd)),
    duration,
    interrupted: args.endsWith(' <unfinished ...>'),
  };
}
