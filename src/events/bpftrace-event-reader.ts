import { parseBpftraceLine, type BpftraceRecord } from '../../parsers/bpftrace/records.js';
import { buildIssue } from '../../parsers/strace/index.js';
import type { EventReaderSink } from './strace-event-reader.js';
import { netEventsOf, type CapturedIo, type JoinedRecord, type SocketLookup } from './bpftrace-net-events.js';
import type { TraceRef } from './net-event.js';
import { ReorderWindow } from './reorder-window.js';

/** Counts kept for the summary and the live status line. */
export interface BpftraceReaderCounts {
  lines: number;
  records: number;
  events: number;
  /** Events bpftrace said it dropped (`lost_events`): its buffers overflowed. */
  lostEvents: number;
  /** Records that arrived after the window had already let later ones through; applied out of order. */
  lateRecords: number;
  /** Probes bpftrace attached, from `attached_probes`. */
  probes: number | null;
}

/** What `hello` said: the instant that anchors monotonic time to the wall clock, and the target. */
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
 * How long records are held for reordering. Under load bpftrace's reader falls behind and per-CPU buffers
 * interleave by up to 0.55 s (FINDINGS of issue 4); a record later than this is applied at once and counted.
 */
export const REORDER_WINDOW_SECONDS = 1;

const NS = 1e9;

/**
 * Reads the output of `bpftrace -f json parsers/bpftrace/ns53.bt` into network events: validates every line
 * against the record schemas (a line that does not fit is a counted issue, never a crash), joins each io
 * record with the peer and payload records of the same call, puts records from the per-CPU buffers back in
 * time order within a bounded window, and turns kernel monotonic time into wall-clock seconds with the
 * program's `hello` anchor. Pure: lines in, events out through the sink.
 */
export class BpftraceEventReader {
  readonly counts: BpftraceReaderCounts = { lines: 0, records: 0, events: 0, lostEvents: 0, lateRecords: 0, probes: null };
  private anchor: Anchor | null = null;
  /** io records not yet released, by `tid:ts`, so their peer and more records can join them. */
  private readonly openIo = new Map<string, CapturedIo>();
  private readonly window: ReorderWindow<Held>;

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
        this.counts.records++;
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
    switch (record.k) {
      case 'hello':
        this.anchor = { ts: record.ts, wallSeconds: Number(record.wall) };
        this.sink.target?.({ tgid: record.tgid, hostInode: record.hostnet === 0 ? null : record.hostnet });
        return;
      case 'bye':
      case 'drain':
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
        this.hold({ k: 'io', captured }, record.ts, record.tid, ref);
        return;
      }
      default:
        this.hold(record, record.ts, record.tid, ref);
    }
  }

  private hold(record: JoinedRecord, ts: number, tid: number, ref: TraceRef): void {
    this.window.push(ts, { record, ts, tid, ref });
  }

  private apply(held: Held, late: boolean): void {
    const { record, tid, ref } = held;
    if (record.k === 'io') this.openIo.delete(`${tid}:${held.ts}`);
    if (late) {
      this.counts.lateRecords++;
      this.sink.issue(
        { code: 'late-record', message: `arrived more than ${REORDER_WINDOW_SECONDS} s after later records had been applied; applied out of order`, column: 1, excerpt: `${record.k} of thread ${tid}` },
        ref,
      );
    }
    const { anchor } = this;
    const at = (stamp: number) => ({ tid, time: anchor ? anchor.wallSeconds + (stamp - anchor.ts) / NS : null, ref });
    for (const event of netEventsOf(record, at, this.socketAt)) {
      this.counts.events++;
      this.sink.event(event);
    }
  }
}

