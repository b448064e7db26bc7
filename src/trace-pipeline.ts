import type { ParseIssue } from '../parsers/strace/index.js';
import type { ContainerDirectory } from './containers/container-directory.js';
import type { BpftraceEventReader, BpftraceTarget } from './events/bpftrace-event-reader.js';
import type { TraceRef } from './events/net-event.js';
import { StraceEventReader, type EventReaderSink } from './events/strace-event-reader.js';
import {
  SessionCorrelator,
  SessionTally,
  buildSessionRecord,
  buildVerdict,
  type CorrelatorOptions,
  type RecordFormat,
  type Session,
  type SessionRecord,
  type SummaryRecord,
} from './sessions/index.js';
import { NetState, type InitialNetns } from './state/index.js';
import { formatTraceTime } from './trace-time-format.js';

/** What the pipeline reports to its caller as it goes. */
export interface SessionListener {
  /** `session` is the model behind the record, with its syscall trail, for views that tell the story (the TUI). */
  session(record: SessionRecord, session: Session): void;
}

/**
 * The bpftrace reader, handed in by callers that may meet bpftrace records: it brings zod, which a plain
 * strace replay does not load (it costs a tenth of a second of start-up).
 */
export type BpftraceReaderClass = typeof BpftraceEventReader;

export interface PipelineOptions extends CorrelatorOptions {
  bpftraceReader: BpftraceReaderClass | null;
  /** The containers to name namespaces by (NDJSON `container`); null when none are known. */
  containers: ContainerDirectory | null;
}

/** Facts about the input that only the source knows, for the summary. */
export interface InputFacts {
  inputs: string[];
  bytes: number;
  notes: string[];
}

/**
 * The whole core, with no IO: trace lines in; sessions (NDJSON records with verdicts) out; a summary at the
 * end. The first line says which tracer wrote the trace: strace's text, or the JSON lines of
 * `bpftrace -f json` running parsers/bpftrace/ns53.bt. Sources feed it (a saved log, or a tracer attached
 * live); sinks print what it emits.
 */
export class TracePipeline {
  private readonly state = new NetState();
  private readonly tally = new SessionTally();
  private readonly reader: StraceEventReader;
  private bpftrace: BpftraceEventReader | null = null;
  /** Which tracer wrote the input; decided by its first non-blank line. */
  private tracer: 'strace' | 'bpftrace' | null = null;
  private readonly bpftraceReader: BpftraceReaderClass | null;
  private readonly sink: EventReaderSink;
  private readonly correlator: SessionCorrelator;
  private readonly format: RecordFormat;

  constructor(listener: SessionListener, options: Partial<PipelineOptions> = {}) {
    const { bpftraceReader = null, containers = null, ...correlatorOptions } = options;
    this.bpftraceReader = bpftraceReader;
    this.format = {
      time: (seconds) => formatTraceTime(seconds, this.clockKind()),
      ref: (ref) => `${ref.file}:${ref.line}`,
      ...(containers ? { container: (netns, ip) => containers.resolve(netns, ip) } : {}),
    };
    this.correlator = new SessionCorrelator((session) => {
      const record = buildSessionRecord(session, '', this.format);
      this.tally.witness(record);
      record.verdict = buildVerdict(record, this.tally);
      this.tally.addSession(record);
      listener.session(record, session);
    }, correlatorOptions);
    this.sink = {
      event: (event) => this.correlator.push(this.state.apply(event)),
      issue: (issue: ParseIssue, ref: TraceRef) => this.tally.addIssue({ ...issue, file: ref.file, line: ref.line }),
    };
    this.reader = new StraceEventReader(this.sink, this.state);
  }

  /** Takes one physical line of `file`; `pid` names the thread for `strace -ff` files. */
  pushLine(text: string, file: string, line: number, pid: number | null = null): void {
    if (this.tracer !== 'strace' && this.readsBpftrace(text)) this.bpftrace!.pushLine(text, file, line);
    else this.reader.pushLine(text, file, line, pid);
  }

  /** Takes one physical line as bytes[start, end): the fast way in, for lines straight from a file. */
  pushBytes(bytes: Buffer, start: number, end: number, file: string, line: number, pid: number | null = null): void {
    if (this.tracer === 'strace') this.reader.pushBytes(bytes, start, end, file, line, pid);
    else this.pushLine(bytes.toString('utf8', start, end), file, line, pid);
  }

  /** Whether the input is bpftrace's (deciding it on the first non-blank line). */
  private readsBpftrace(text: string): boolean {
    if (this.tracer === null) {
      const first = text.trimStart();
      if (first === '') return false;
      this.tracer = first.startsWith('{"type"') ? 'bpftrace' : 'strace';
      if (this.tracer === 'bpftrace') this.bpftrace = this.startBpftrace();
    }
    return this.tracer === 'bpftrace';
  }

  private startBpftrace(): BpftraceEventReader {
    if (this.bpftraceReader === null) throw new Error('TracePipeline: bpftrace records, but no bpftrace reader was given');
    const sink = { ...this.sink, target: ({ tgid, hostInode }: BpftraceTarget) => this.state.seed({ pid: tgid, hostInode, threads: new Map() }) };
    return new this.bpftraceReader(sink, (tid, fd) => this.state.socketOf(tid, fd));
  }

  private clockKind(): 'epoch' | 'time-of-day' | 'relative' | null {
    return this.bpftrace ? this.bpftrace.clockKind : this.reader.clock.kind;
  }

  private lines(): number {
    return this.bpftrace ? this.bpftrace.counts.lines : this.reader.counts.lines;
  }

  /** Starts from the namespaces a live tracer read from /proc as the trace began. */
  seed(initial: InitialNetns): void {
    this.state.seed(initial);
  }

  /** Counts so far, for a live status line. */
  progress(): { lines: number; sessions: number; attempts: number; outcomes: Readonly<Record<string, number>>; parseIssues: number; lostEvents: number | null } {
    const { tally } = this;
    const lostEvents = this.bpftrace ? this.bpftrace.counts.lostEvents : null;
    return { lines: this.lines(), sessions: tally.sessions, attempts: tally.attempts, outcomes: tally.outcomes, parseIssues: tally.issueTotal, lostEvents };
  }

  /** Says that the trace holds nothing more up to `seconds` (trace time): see SessionCorrelator.advanceTo. */
  advanceTo(seconds: number): void {
    this.bpftrace?.advanceTo(seconds);
    this.correlator.advanceTo(seconds);
  }

  /** Ends the input: the remaining sessions come out, and the summary is returned. */
  end(facts: InputFacts): SummaryRecord {
    this.reader.end();
    this.bpftrace?.end();
    this.correlator.end();
    const { tally, reader, bpftrace } = this;
    return {
      type: 'summary',
      inputs: facts.inputs,
      lines: this.lines(),
      bytes: facts.bytes,
      clock: this.clockKind(),
      parseIssues: { total: tally.issueTotal, byCode: tally.issuesByCode, first: tally.issues },
      unfinishedCalls: reader.counts.unfinishedAtEnd,
      sessions: tally.sessions,
      attempts: tally.attempts,
      outcomes: tally.outcomes,
      rcodes: tally.rcodes,
      namespaces: tally.namespaces,
      notes: facts.notes,
      ...(bpftrace ? { lostEvents: bpftrace.counts.lostEvents } : {}),
    };
  }
}
