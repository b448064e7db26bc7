import {
  parseStraceLine,
  parseSyscallBody,
  SpliceRepair,
  type ParseIssue,
  type StraceRecord,
  type SyscallRecord,
} from '../../parsers/strace/index.js';
import type { CompletedCall } from './completed-call.js';
import { callDecoders, type DecodeContext } from './decoders/index.js';
import type { NetEvent, TraceRef } from './net-event.js';
import { TraceClock } from './trace-clock.js';

/** A call whose first half has been read: kept per thread until its `<... resumed>` line arrives. */
interface PendingCall {
  name: string;
  /** Argument text so far (`3, ` of `read(3,  <unfinished ...>`); null when the call is not wanted. */
  head: string | null;
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
  private readonly live = new Set<number>();
  /** Where the line being read came from; set before each physical line. */
  private position: { file: string; line: number; pid: number | null } = { file: '', line: 0, pid: null };
  private readonly readLogical = (logical: string): void => {
    const { file, line, pid } = this.position;
    this.readRecord(parseStraceLine(logical, pid), { file, line });
  };

  constructor(
    private readonly sink: EventReaderSink,
    private readonly context: DecodeContext,
  ) {}

  /** Takes one physical line of `file` (1-based `line`); `pid` names the thread for `-ff` files. */
  pushLine(text: string, file: string, line: number, pid: number | null = null): void {
    this.counts.lines++;
    let repair = this.repairs.get(file);
    if (!repair) this.repairs.set(file, (repair = new SpliceRepair()));
    this.position = { file, line, pid };
    repair.push(text, this.readLogical);
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

  private readRecord(record: StraceRecord, ref: TraceRef): void {
    const time = this.clock.read(record.stamp);
    const tid = this.threadOf(record);
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
  private threadOf(record: StraceRecord): number {
    if (record.pid !== null) {
      this.live.add(record.pid);
      return record.pid;
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
      this.emit({ type: 'thread-exit', tid: former, time, ref });
      return;
    }
    this.pending.delete(tid);
    this.live.delete(tid);
    this.emit({ type: 'thread-exit', tid, time, ref });
  }

  private readSyscall(record: SyscallRecord, tid: number, time: number | null, ref: TraceRef): void {
    const { text, name, phase } = record;
    if (phase === 'resumed') {
      const started = this.pending.get(tid);
      if (!started) {
        if (callDecoders.has(name)) this.sink.issue(orphanIssue(record), ref);
        return;
      }
      this.pending.delete(tid);
      if (started.head === null) return;
      const body = started.head + text.slice(record.bodyStart, record.bodyEnd);
      if (record.bodyEnd < text.length) {
        this.pending.set(tid, { name: started.name, head: body }); // split again; wait for the next half
        return;
      }
      this.decode(started.name, body, tid, time, ref, { column: 0, stampIsEntry: false });
      return;
    }
    const decoder = callDecoders.get(name);
    if (phase === 'unfinished') {
      const wanted = decoder !== undefined && (!decoder.wants || decoder.wants(text, record.bodyStart, tid, this.context));
      this.pending.set(tid, { name, head: wanted ? text.slice(record.bodyStart, record.bodyEnd) : null });
      return;
    }
    if (phase !== 'complete') {
      this.pending.delete(tid); // detached or pid-changed: this call never returns here
      return;
    }
    if (!decoder || (decoder.wants && !decoder.wants(text, record.bodyStart, tid, this.context))) return;
    this.decode(name, text.slice(record.bodyStart), tid, time, ref, { column: record.bodyStart, stampIsEntry: true });
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
