import {
  cleanStraceLine,
  parseScannedLine,
  parseSyscallBody,
  LinePeek,
  peekLeadingFd,
  peekLineBytes,
  peekSeconds,
  peekSyscallName,
  resultErrnoIs,
  PrefixScan,
  SyscallNameTable,
  scanLinePrefix,
  SpliceRepair,
  type ParseIssue,
  type StraceRecord,
  type SyscallRecord,
} from '../../parsers/strace/index.js';
import type { CompletedCall } from './completed-call.js';
import { callDecoders, classifyDecoration, fdFilterAccepts, type CallDecoder, type DecodeContext } from './decoders/index.js';
import { readLeadingFd } from './decoders/leading-fd.js';
import type { NetEvent, TraceRef } from './net-event.js';
import { TraceClock } from './trace-clock.js';

/** A call whose first half has been read: kept per thread until its `<... resumed>` line arrives. */
interface PendingCall {
  name: string;
  /**
   * Argument text so far (`3, ` of `read(3,  <unfinished ...>`), still as bytes when it came through the byte
   * path (decoded only if the call turns out to matter); null when the call is not wanted.
   */
  head: string | Buffer | null;
}

/** Receives what the reader finds. */
export interface EventReaderSink {
  event(event: NetEvent): void;
  issue(issue: ParseIssue, ref: TraceRef): void;
}

/** Counts kept for the summary. */
export interface ReaderCounts {
  lines: number;
  syscalls: number;
  decodedCalls: number;
  events: number;
  unfinishedAtEnd: number;
}

/** Length of ` <unfinished ...>`. */
const UNFINISHED_MARKER_LENGTH = 17;

/** The pending entry of a call that is not read: its `<... resumed>` half is dropped silently. */
const SKIPPED: PendingCall = { name: '', head: null };

/** Whether bytes[from, end) contain `literal` (ASCII); the search stops at the end of the line. */
function mentions(bytes: Buffer, from: number, end: number, literal: string): boolean {
  const first = literal.charCodeAt(0);
  for (let i = from; i + literal.length <= end; i++) {
    if (bytes[i] !== first) continue;
    let k = 1;
    while (k < literal.length && bytes[i + k] === literal.charCodeAt(k)) k++;
    if (k === literal.length) return true;
  }
  return false;
}

/** Thread id used for lines that carry no pid while no single tracee can be named (e.g. a trace without -f). */
export const UNNAMED_TID = 0;

/**
 * Reads strace lines into network events: repairs spliced diagnostics, joins `<unfinished ...>` and
 * `<... resumed>` halves per thread, keeps the trace clock, and runs the decoder of each call that matters.
 * Pure: lines in, events out through the sink.
 */
export class StraceEventReader {
  readonly clock = new TraceClock();
  readonly counts: ReaderCounts = { lines: 0, syscalls: 0, decodedCalls: 0, events: 0, unfinishedAtEnd: 0 };
  private readonly pending = new Map<number, PendingCall>();
  private readonly repairs = new Map<string, SpliceRepair>();
  /** The repair of the file read last: lines come in long runs from one file. */
  private lastRepairFile: string | null = null;
  private lastRepair: SpliceRepair | null = null;
  private readonly live = new Set<number>();
  /** Where the line being read came from; set before each physical line. */
  private position: { file: string; line: number; pid: number | null } = { file: '', line: 0, pid: null };
  /** Reused for every line: the prefix of lines that are skipped costs no allocation. */
  private readonly scan = new PrefixScan();
  private readonly peek = new LinePeek();
  /** The decoders by name, looked up from line bytes. */
  private readonly decodersByName = new SyscallNameTable(callDecoders);
  private readonly readLogical = (logical: string): void => {
    const { file, line, pid } = this.position;
    const text = cleanStraceLine(logical);
    scanLinePrefix(text, this.scan);
    const time = this.clock.read(this.scan.clock, this.scan.seconds);
    const name = peekSyscallName(text, this.scan.end);
    if (name !== null && !callDecoders.has(name)) {
      // A call nobody reads: only the thread bookkeeping matters.
      const tid = this.threadOf(this.scan.pid ?? pid);
      this.counts.syscalls++;
      if (this.pending.size > 0 && text.endsWith(' <unfinished ...>')) this.pending.delete(tid);
      return;
    }
    this.readRecord(parseScannedLine(text, this.scan, pid), time, { file, line });
  };

  constructor(
    private readonly sink: EventReaderSink,
    private readonly context: DecodeContext,
  ) {}

  /** Takes one physical line of `file` (1-based `line`); `pid` names the thread for `-ff` files. */
  pushLine(text: string, file: string, line: number, pid: number | null = null): void {
    this.counts.lines++;
    this.position = { file, line, pid };
    this.repairFor(file).push(text, this.readLogical);
  }

  /**
   * Takes one physical line as bytes[start, end). Calls nobody reads (futex, epoll, nanosleep… most of a
   * dockerd log), and reads and writes of fds that are not internet sockets, are recognised from their bytes
   * and never decoded; everything else takes {@link pushLine}'s path as latin1 text.
   */
  pushBytes(bytes: Buffer, start: number, end: number, file: string, line: number, pid: number | null = null): void {
    if (!this.repairFor(file).carrying && peekLineBytes(bytes, start, end, this.peek) && this.skipPeeked(bytes, end, pid)) {
      this.counts.lines++;
      this.counts.syscalls++;
      return;
    }
    this.pushLine(bytes.toString('latin1', start, end), file, line, pid);
  }

  /** Whether a peeked line can be skipped; does the bookkeeping a skipped line still needs. */
  private skipPeeked(bytes: Buffer, end: number, filePid: number | null): boolean {
    const peek = this.peek;
    const decoder = this.decodersByName.get(bytes, peek.nameStart, peek.nameEnd);
    const tid = this.threadOf(peek.pid ?? filePid);
    if (peek.resumed) {
      const started = this.pending.get(tid);
      if (started === undefined) {
        if (decoder !== undefined) return false; // an orphan: the full reader reports it
      } else if (started.head !== null) {
        // A call worth reading, unless it ended with the errno that yields nothing (EAGAIN).
        const quiet = callDecoders.get(started.name)?.quietErrno;
        if (quiet === undefined || !resultErrnoIs(bytes, peek.nameStart, end, quiet)) return false;
        this.pending.delete(tid);
      } else {
        this.pending.delete(tid);
      }
    } else if (decoder) {
      // Decide from the bytes whether the call matters; without a cheap test, read it.
      let accepted = true;
      if (decoder.mustMention !== undefined) accepted = decoder.mustMention.some((literal) => mentions(bytes, peek.argsStart, end, literal));
      if (accepted && decoder.fdFilter) {
        if (!peekLeadingFd(bytes, end, peek)) return false;
        accepted = fdFilterAccepts(decoder.fdFilter, peek.fdDecoration, this.context.fdKind(tid, peek.fd));
      } else if (accepted) {
        return false;
      }
      if (accepted && peek.unfinished) {
        // Keep the first half as bytes: most of these end in EAGAIN and are never decoded.
        const name = bytes.toString('latin1', peek.nameStart, peek.nameEnd);
        this.pending.set(tid, { name, head: Buffer.from(bytes.subarray(peek.argsStart, end - UNFINISHED_MARKER_LENGTH)) });
      } else if (accepted) {
        if (decoder.quietErrno === undefined || !resultErrnoIs(bytes, peek.argsStart, end, decoder.quietErrno)) return false;
      } else if (peek.unfinished) {
        this.pending.set(tid, SKIPPED);
      }
    } else if (peek.unfinished && this.pending.size > 0) {
      this.pending.delete(tid);
    }
    // Only -r deltas must all be summed (and the first stamp tells the clock); otherwise a skipped line's time
    // is not needed.
    if (peek.clock === 'relative' || this.clock.kind === null) this.clock.read(peek.clock, peekSeconds(bytes, peek));
    return true;
  }

  private repairFor(file: string): SpliceRepair {
    if (file === this.lastRepairFile && this.lastRepair) return this.lastRepair;
    let repair = this.repairs.get(file);
    if (!repair) this.repairs.set(file, (repair = new SpliceRepair()));
    this.lastRepairFile = file;
    this.lastRepair = repair;
    return repair;
  }

  /** At end of input: flushes carried text and counts calls that never returned. */
  end(): void {
    for (const [file, repair] of this.repairs) {
      this.position = { file, line: this.counts.lines, pid: null };
      repair.end(this.readLogical);
    }
    for (const call of this.pending.values()) if (call.head !== null) this.counts.unfinishedAtEnd++;
    this.pending.clear();
  }

  private readRecord(record: StraceRecord, time: number | null, ref: TraceRef): void {
    const tid = this.threadOf(record.pid);
    switch (record.kind) {
      case 'syscall':
        this.counts.syscalls++;
        this.readSyscall(record, tid, time, ref);
        return;
      case 'exit':
        this.readExit(record.how, record.detail, tid, time, ref);
        return;
      case 'diagnostic':
        if (record.attached !== null) this.live.add(record.attached);
        if (record.detached !== null) {
          this.live.delete(record.detached);
          this.pending.delete(record.detached);
        }
        return;
      case 'unreadable':
        this.sink.issue(record.issue, ref);
        return;
      case 'orphan-close':
        if (!this.pending.has(tid)) return;
        this.pending.delete(tid); // `-e status=` artefact: the call ended `= ?`, nothing to decode
        return;
      default:
        return;
    }
  }

  /** The thread a line belongs to: its prefix, else the only live tracee (strace drops `[pid N]` then). */
  private threadOf(pid: number | null): number {
    if (pid !== null) {
      this.live.add(pid);
      return pid;
    }
    if (this.live.size === 1) return this.live.values().next().value!;
    return UNNAMED_TID;
  }

  private readExit(how: 'exited' | 'killed' | 'superseded', detail: string, tid: number, time: number | null, ref: TraceRef): void {
    if (how === 'superseded') {
      // execve from another thread: its pending execve continues under this (the leader's) pid.
      const former = Number(detail);
      const moved = this.pending.get(former);
      this.pending.delete(former);
      if (moved) this.pending.set(tid, moved);
      this.live.delete(former);
      this.emit({ type: 'thread-exit', tid: former, time, ref, syscall: 'execve' });
      return;
    }
    this.pending.delete(tid);
    this.live.delete(tid);
    this.emit({ type: 'thread-exit', tid, time, ref, syscall: 'exit' });
  }

  private readSyscall(record: SyscallRecord, tid: number, time: number | null, ref: TraceRef): void {
    const { text, name, phase } = record;
    if (phase === 'resumed') {
      const started = this.pending.get(tid);
      if (!started) {
        this.sink.issue(orphanIssue(record), ref); // only calls with a decoder get this far
        return;
      }
      this.pending.delete(tid);
      if (started.head === null) return;
      const head = typeof started.head === 'string' ? started.head : started.head.toString('latin1');
      const body = head + text.slice(record.bodyStart, record.bodyEnd);
      if (record.bodyEnd < text.length) {
        this.pending.set(tid, { name: started.name, head: body }); // split again; wait for the next half
        return;
      }
      this.decode(started.name, body, tid, time, ref, { column: 0, stampIsEntry: false });
      return;
    }
    const decoder = callDecoders.get(name);
    if (phase === 'unfinished') {
      const wanted = decoder !== undefined && this.wants(decoder, text, record.bodyStart, tid);
      this.pending.set(tid, { name, head: wanted ? text.slice(record.bodyStart, record.bodyEnd) : null });
      return;
    }
    if (phase !== 'complete') {
      this.pending.delete(tid); // detached or pid-changed: this call never returns here
      return;
    }
    if (!decoder || !this.wants(decoder, text, record.bodyStart, tid)) return;
    this.decode(name, text.slice(record.bodyStart), tid, time, ref, { column: record.bodyStart, stampIsEntry: true });
  }

  /** Whether a call is worth joining and reading, judged from the first half of its line. */
  private wants(decoder: CallDecoder, text: string, argsStart: number, tid: number): boolean {
    if (decoder.fdFilter) {
      const lead = readLeadingFd(text, argsStart);
      if (!lead || !fdFilterAccepts(decoder.fdFilter, classifyDecoration(lead.decoration), this.context.fdKind(tid, lead.fd))) return false;
    }
    return decoder.mustMention === undefined || decoder.mustMention.some((literal) => text.includes(literal, argsStart));
  }

  /**
   * Parses and decodes a whole call. `column` is where `body` starts in its line (for issue positions);
   * `stampIsEntry` says the line's stamp is the call's entry (a complete line), so `-T` gives the return time.
   */
  private decode(
    name: string,
    body: string,
    tid: number,
    time: number | null,
    ref: TraceRef,
    { column, stampIsEntry }: { column: number; stampIsEntry: boolean },
  ): void {
    const parsed = parseSyscallBody(body);
    if ('code' in parsed) {
      this.sink.issue({ ...parsed, column: parsed.column + column }, ref);
      return;
    }
    const decoder = callDecoders.get(name);
    if (!decoder) return;
    this.counts.decodedCalls++;
    const returned = time !== null && parsed.duration !== null && stampIsEntry ? time + parsed.duration : time;
    const call: CompletedCall = { tid, name, time: returned, ref, args: parsed.args, result: parsed.result, interrupted: parsed.interrupted };
    for (const event of decoder.decode(call, this.context)) this.emit(event);
  }

  private emit(event: NetEvent): void {
    this.counts.events++;
    this.sink.event(event);
  }
}

function orphanIssue(record: SyscallRecord): ParseIssue {
  return {
    code: 'orphan-resumed',
    message: `\`<... ${record.name} resumed>\` without its start on this thread (the start came before the trace)`,
    column: 1,
    excerpt: record.text.length > 80 ? `${record.text.slice(0, 80)}…` : record.text,
  };
}
