import { parseBpftraceLine, type BpftraceRecord } from '../../parsers/bpftrace/records.js';
import { buildIssue } from '../../parsers/strace/index.js';
import type { EventReaderSink } from './strace-event-reader.js';
import { netEventsOf, type CapturedIo, type JoinedRecord, type SocketLookup } from './bpftrace-net-events.js';
import type { TraceRef } from './net-event.js';
import { ReorderWindow } from './reorder-window.js';

/** Counts kept for the summary and the live status line. */
export interface BpftraceReaderCounts {
  lines: number;
  /** Events bpftrace said it dropped (`lost_events`): its buffers overflowed. */
  lostEvents: number;
  /** Records that arrived after the window had already let later ones through; applied out of order. */
  lateRecords: number;
  /** Probes bpftrace attached, from `attached_probes`. */
  probes: number | null;
}

/** What `hello` said: the instant that anchors monotonic time to the wall clock. */
interface Anchor {
  ts: number;
  wallSeconds: number;
}

/** The target process and its own namespace, as the program's `hello` record gives them. */
export interface BpftraceTarget {
  tgid: number;
  hostInode: number | null;
}

/** A record waiting in the reorder window, with where it was read. */
interface Held {
  record: JoinedRecord;
  ts: number;
  tid: number;
  ref: TraceRef;
}

/**
 * Records are released in time order once every CPU has shown a later one: each CPU's records arrive in
 * order, so the oldest "latest stamp" over the CPUs (all `ncpu` of them, so that one not heard from yet
 * holds everything) is a watermark below which nothing can still come.
 * SLACK covers close and close_range, stamped at entry but printed at exit. A CPU that falls silent (idle:
 * its heartbeat stops) would hold everything back, so a record is also released once the newest stamp is
 * REORDER_WINDOW_SECONDS past it. Measured on the 2-vCPU lab VM at 1,500 queries/s: records reach ns53 up to
 * 4.5 s after later ones from the other CPU, which no fixed window short of that can absorb.
 */
export const REORDER_WINDOW_SECONDS = 6;
const SLACK_NS = 100e6;

const NS = 1e9;

/**
 * Reads the output of `bpftrace -f json parsers/bpftrace/ns53.bt` into network events: validates every line
 * against the record schemas (a line that does not fit is a counted issue, never a crash), joins each io
 * record with the peer and payload records of the same call, puts records from the per-CPU buffers back in
 * time order (each released once every CPU has passed it, or a bounded window has), and turns kernel monotonic time into wall-clock seconds with the
 * program's `hello` anchor. Pure: lines in, events out through the sink.
 */
export class BpftraceEventReader {
  readonly counts: BpftraceReaderCounts = { lines: 0, lostEvents: 0, lateRecords: 0, probes: null };
  private anchor: Anchor | null = null;
  /** io records not yet released, by `tid:ts`, so their peer and more records can join them. */
  private readonly openIo = new Map<string, CapturedIo>();
  private readonly window: ReorderWindow<Held>;
  /** The latest stamp each CPU has shown. */
  private readonly cpuLatest = new Map<number, number>();
  /** How many CPUs print (hello's ncpu): until each has shown a stamp, the watermark is not trusted. */
  private cpuCount = Infinity;

  constructor(
    private readonly sink: EventReaderSink & { target?(target: BpftraceTarget): void },
    private readonly socketAt: SocketLookup,
  ) {
    this.window = new ReorderWindow<Held>(REORDER_WINDOW_SECONDS * NS, (held, late) => this.apply(held, late));
  }

  /** The clock every event time is on: the wall clock, once `hello` anchored it. */
  get clockKind(): 'epoch' | null {
    return this.anchor ? 'epoch' : null;
  }

  pushLine(text: string, file: string, line: number): void {
    this.counts.lines++;
    const ref = { file, line };
    const parsed = parseBpftraceLine(text);
    if (parsed === null) return;
    switch (parsed.kind) {
      case 'invalid':
        this.sink.issue(buildIssue('bad-record', parsed.message, text, parsed.column - 1), ref);
        return;
      case 'lost':
        this.counts.lostEvents += parsed.events;
        return;
      case 'attached':
        this.counts.probes = parsed.probes;
        return;
      case 'other':
        return;
      case 'record':
        this.take(parsed.record, text, ref);
        return;
    }
  }

  /** The trace holds nothing more up to `seconds` (wall clock): records up to then are applied. */
  advanceTo(seconds: number): void {
    if (this.anchor === null) return;
    this.window.releaseThrough(this.anchor.ts + (seconds - this.anchor.wallSeconds) * NS);
  }

  end(): void {
    this.window.flush();
  }

  private take(record: BpftraceRecord, text: string, ref: TraceRef): void {
    this.admit(record, text, ref);
    if ('cpu' in record) this.noteCpu(record.cpu, record.ts);
  }

  /** Advances a CPU's watermark, and releases what every CPU has now passed. */
  private noteCpu(cpu: number, ts: number): void {
    if (ts <= (this.cpuLatest.get(cpu) ?? -Infinity)) return;
    this.cpuLatest.set(cpu, ts);
    if (this.cpuLatest.size < this.cpuCount) return;
    let oldest = Infinity;
    for (const latest of this.cpuLatest.values()) oldest = Math.min(oldest, latest);
    this.window.releaseThrough(oldest - SLACK_NS);
  }

  /** Takes a record in: control records act at once, io parts join their io, the rest wait in the window. */
  private admit(record: BpftraceRecord, text: string, ref: TraceRef): void {
    switch (record.k) {
      case 'hello':
        this.anchor = { ts: record.ts, wallSeconds: Number(record.wall) };
        this.cpuCount = record.ncpu;
        this.sink.target?.({ tgid: record.tgid, hostInode: record.hostnet === 0 ? null : record.hostnet });
        return;
      case 'bye':
      case 'drain':
      case 'tick':
        return;
      case 'peer':
      case 'more': {
        const io = this.openIo.get(`${record.tid}:${record.ts}`);
        if (!io) {
          this.sink.issue(buildIssue('orphan-record', `a "${record.k}" record with no io record of thread ${record.tid} at ts ${record.ts} before it`, text, 0), ref);
          return;
        }
        if (record.k === 'peer') io.peer = record;
        else io.more.push(record);
        return;
      }
      case 'io': {
        const captured: CapturedIo = { io: record, peer: null, more: [] };
        this.openIo.set(`${record.tid}:${record.ts}`, captured);
        this.window.push(record.ts, { record: { k: 'io', captured }, ts: record.ts, tid: record.tid, ref });
        return;
      }
      default:
        this.window.push(record.ts, { record, ts: record.ts, tid: record.tid, ref });
    }
  }

  private apply(held: Held, late: boolean): void {
    const { record, tid, ref } = held;
    if (record.k === 'io') this.openIo.delete(`${tid}:${held.ts}`);
    if (late) {
      this.counts.lateRecords++;
      this.sink.issue(
        { code: 'late-record', message: 'arrived after later records of every CPU had been applied; applied out of order', column: 1, excerpt: `${record.k} of thread ${tid}` },
        ref,
      );
    }
    const { anchor } = this;
    const at = (stamp: number, syscall: string) => ({ tid, time: anchor ? anchor.wallSeconds + (stamp - anchor.ts) / NS : null, ref, syscall });
    for (const event of netEventsOf(record, at, this.socketAt)) this.sink.event(event);
  }
}

