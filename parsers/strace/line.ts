import { buildIssue } from './issue.js';
import { PrefixScan, scanLinePrefix, stampOf } from './prefix.js';
import type { StraceRecord, SyscallPhase, TraceStamp } from './record.js';

const UNFINISHED = ' <unfinished ...>';
const DETACHED = ' <detached ...>';
const ANSI_SGR = /\x1b\[[0-9;]*m/g;
const DIAGNOSTIC = /^(\S*strace): (.*)$/;
const LEGACY_DIAGNOSTIC = /^Process (\d+) (attached|detached)(?: - interrupt to quit)?$/;
const ATTACH_MESSAGE = /^Process (\d+) (attached|detached)/;
const SUMMARY_ROW = /^\s*(\d+\.\d+\s+){2}\d+\s+\d+|^\s*-{6}|^% time\b|^100\.00\s/;
const PID_CHANGED = /^ <pid changed to \d+ \.\.\.>$/;
/** `<ptrace(SYSCALL):No such process>` (≤4.26) and `<unfinished ... exit status N>` (≤4.6): the call never resumes. */
const NEVER_RESUMES = /^ <ptrace\(\w+\):[^>]*>$|^ <unfinished \.\.\. exit status -?\d+>$/;

function isNameStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95;
}

function isNameChar(code: number): boolean {
  return isNameStart(code) || (code >= 48 && code <= 57);
}

/** End of a syscall name at `i` (`read`, `syscall_0xbad`, `readv#64`, `???`), or `i` when there is none. */
function readSyscallName(text: string, i: number): number {
  if (text.startsWith('???', i)) return i + 3;
  if (!isNameStart(text.charCodeAt(i))) return i;
  let j = i + 1;
  while (isNameChar(text.charCodeAt(j))) j++;
  if (text.startsWith('#64', j)) j += 3;
  return j;
}

/** How a syscall line ends, and where its kept text stops. */
function classifyEnding(text: string): { phase: SyscallPhase; bodyEnd: number } {
  if (text.endsWith(UNFINISHED)) return { phase: 'unfinished', bodyEnd: text.length - UNFINISHED.length };
  if (text.endsWith(DETACHED)) return { phase: 'detached', bodyEnd: text.length - DETACHED.length };
  // Most lines end in `<0.000123>` (-T); only a few rare markers also end in `>`: look at the last ` <…>`.
  if (text.charCodeAt(text.length - 1) === 62 /* > */) {
    const tail = text.lastIndexOf(' <');
    const marker = tail < 0 ? '' : text.slice(tail);
    if (PID_CHANGED.test(marker)) return { phase: 'pid-changed', bodyEnd: tail };
    if (NEVER_RESUMES.test(marker)) return { phase: 'detached', bodyEnd: tail };
  }
  return { phase: 'complete', bodyEnd: text.length };
}

/** The part of a prefix the event readers need. */
interface PrefixFacts {
  pid: number | null;
  stamp: TraceStamp | null;
  end: number;
}

function parseEvent(text: string, prefix: PrefixFacts): StraceRecord {
  const { pid, stamp } = prefix;
  const i = prefix.end;
  const first = text.charCodeAt(i);

  if (first === 60 /* < */ && text.startsWith('<... ', i)) {
    const nameEnd = text.indexOf(' resumed>', i + 5);
    if (nameEnd < 0) return unreadable(text, prefix, 'bad-syscall', 'expected `<... NAME resumed>`', i);
    const name = text.slice(i + 5, nameEnd);
    const bodyStart = nameEnd + 9;
    const ending = text.endsWith(UNFINISHED) ? text.length - UNFINISHED.length : text.length;
    return { kind: 'syscall', phase: 'resumed', name, text, bodyStart, bodyEnd: ending, pid, stamp };
  }

  const nameEnd = readSyscallName(text, i);
  if (nameEnd > i && text.charCodeAt(nameEnd) === 40 /* ( */) {
    const { phase, bodyEnd } = classifyEnding(text);
    return { kind: 'syscall', phase, name: text.slice(i, nameEnd), text, bodyStart: nameEnd + 1, bodyEnd, pid, stamp };
  }

  if (text.startsWith('+++ ', i) && text.endsWith(' +++')) {
    const inner = text.slice(i + 4, text.length - 4);
    if (inner.startsWith('exited with ')) return { kind: 'exit', how: 'exited', detail: inner.slice(12), pid, stamp };
    if (inner.startsWith('killed by ')) return { kind: 'exit', how: 'killed', detail: inner.slice(10), pid, stamp };
    if (inner.startsWith('superseded by execve in pid ')) {
      return { kind: 'exit', how: 'superseded', detail: inner.slice(28), pid, stamp };
    }
    return unreadable(text, prefix, 'unknown-line', 'unknown `+++ … +++` event', i);
  }

  if (text.startsWith('--- ', i) && text.endsWith(' ---')) {
    const inner = text.slice(i + 4, text.length - 4);
    const signal = /^(?:stopped by )?(SIG\w+)/.exec(inner)?.[1] ?? /si_signo=(SIG\w+)/.exec(inner)?.[1] ?? inner;
    return { kind: 'signal', signal, pid, stamp };
  }

  if (text.startsWith('[ Process PID=', i)) return { kind: 'auxiliary', what: 'personality', pid, stamp };

  if (first === 41 /* ) */ && /^\)\s+= \?/.test(text.slice(i))) return { kind: 'orphan-close', pid, stamp };

  return readDiagnosticOrOther(text, prefix);
}

function readDiagnosticOrOther(text: string, prefix: PrefixFacts): StraceRecord {
  const { pid, stamp } = prefix;
  const body = text.slice(prefix.end);
  const diagnostic = DIAGNOSTIC.exec(body);
  const message = diagnostic ? diagnostic[2]! : LEGACY_DIAGNOSTIC.test(body) ? body : null;
  if (message !== null) {
    const attach = ATTACH_MESSAGE.exec(message);
    const named = attach ? Number(attach[1]) : null;
    return {
      kind: 'diagnostic',
      message,
      attached: attach?.[2] === 'attached' ? named : null,
      detached: attach?.[2] === 'detached' ? named : null,
      pid,
      stamp,
    };
  }
  if (SUMMARY_ROW.test(text)) return { kind: 'auxiliary', what: 'summary', pid: null, stamp: null };
  return unreadable(text, prefix, 'unknown-line', 'not a strace event: expected a syscall, signal, exit or diagnostic', prefix.end);
}

function unreadable(
  text: string,
  prefix: PrefixFacts,
  code: 'unknown-line' | 'bad-syscall',
  message: string,
  at: number,
): StraceRecord {
  return { kind: 'unreadable', issue: buildIssue(code, message, text, at), pid: prefix.pid, stamp: prefix.stamp };
}

/** Auxiliary lines never carry a prefix: stack frames, hex dumps, KVM dumps. */
function readAuxiliary(text: string): StraceRecord | null {
  if (text.length === 0 || text.trim().length === 0) return { kind: 'auxiliary', what: 'blank', pid: null, stamp: null };
  if (text.charCodeAt(0) !== 32) return null;
  if (text.startsWith(' > ')) return { kind: 'auxiliary', what: 'stack-frame', pid: null, stamp: null };
  if (text.startsWith(' | ') || text.startsWith(' * ')) return { kind: 'auxiliary', what: 'hex-dump', pid: null, stamp: null };
  if (text.startsWith(' VCPU')) return { kind: 'auxiliary', what: 'vcpu', pid: null, stamp: null };
  return null;
}

/** Strips what never carries meaning: a trailing CR, and `--color` SGR escapes (strace 7.0+). */
export function cleanStraceLine(raw: string): string {
  const text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
  return text.includes('\x1b') ? text.replace(ANSI_SGR, '') : text;
}

/**
 * The syscall a line is about, found as cheaply as possible after its prefix: the name of a `name(` or
 * `<... name resumed>` line, else null. Lets a reader skip the calls it does not read without building records.
 */
export function peekSyscallName(text: string, from: number): string | null {
  if (text.startsWith('<... ', from)) {
    const end = text.indexOf(' resumed>', from + 5);
    return end < 0 ? null : text.slice(from + 5, end);
  }
  const end = readSyscallName(text, from);
  return end > from && text.charCodeAt(end) === 40 /* ( */ ? text.slice(from, end) : null;
}

/**
 * Reads a cleaned line whose prefix is already in `scan` (see {@link parseStraceLine}); `pid` overrides a
 * missing pid (-ff files).
 */
export function parseScannedLine(text: string, scan: PrefixScan, pid: number | null): StraceRecord {
  const auxiliary = readAuxiliary(text);
  if (auxiliary) return auxiliary;
  return parseEvent(text, { pid: scan.pid ?? pid, stamp: stampOf(scan), end: scan.end });
}

/**
 * Reads one physical strace line (without its newline) as far as its shape: prefix, event kind, syscall
 * name and how the line ends. Arguments and results are left for {@link parseSyscallBody}, so lines nobody
 * needs cost only a prefix scan. Never throws.
 */
export function parseStraceLine(raw: string, pidOverride: number | null = null): StraceRecord {
  const text = cleanStraceLine(raw);
  const scan = new PrefixScan();
  scanLinePrefix(text, scan);
  return parseScannedLine(text, scan, pidOverride);
}
