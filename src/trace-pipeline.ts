import type { ParseIssue } from '../parsers/strace/index.js';
import type { TraceRef } from './events/net-event.js';
import { StraceEventReader } from './events/strace-event-reader.js';
import {
  SessionCorrelator,
  SessionTally,
  buildSessionRecord,
  buildVerdict,
  type CorrelatorOptions,
  type RecordFormat,
  type SessionRecord,
  type SummaryRecord,
} from './sessions/index.js';
import { NetState, type InitialNetns } from './state/index.js';
import { formatTraceTime } from './trace-time-format.js';

/** What the pipeline reports to its caller as it goes. */
export interface SessionListener {
  session(record: SessionRecord): void;
}

/** Facts about the input that only the source knows, for the summary. */
export interface InputFacts {
  inputs: string[];
  bytes: number;
  notes: string[];
}

/**
 * The whole core, with no IO: strace lines in; sessions (NDJSON records with verdicts) out; a summary at the
 * end. Sources feed it (a saved log, or strace attached live); sinks print what it emits.
 */
export class TracePipeline {
  private readonly state = new NetState();
  private readonly tally = new SessionTally();
  private readonly reader: StraceEventReader;
  private readonly correlator: SessionCorrelator;
  private readonly format: RecordFormat;

  constructor(listener: SessionListener, options: Partial<CorrelatorOptions> = {}) {
    this.format = {
      time: (seconds) => formatTraceTime(seconds, this.reader.clock.kind),
      ref: (ref) => `${ref.file}:${ref.line}`,
    };
    this.correlator = new SessionCorrelator((session) => {
      const record = buildSessionRecord(session, '', this.format);
      this.tally.witness(record);
      record.verdict = buildVerdict(record, this.tally);
      this.tally.addSession(record);
      listener.session(record);
    }, options);
    this.reader = new StraceEventReader(
      {
        event: (event) => this.correlator.push(this.state.apply(event)),
        issue: (issue: ParseIssue, ref: TraceRef) => this.tally.addIssue({ ...issue, file: ref.file, line: ref.line }),
      },
      this.state,
    );
  }

  /** Takes one physical line of `file`; `pid` names the thread for `strace -ff` files. */
  pushLine(text: string, file: string, line: number, pid: number | null = null): void {
    this.reader.pushLine(text, file, line, pid);
  }

  /** Takes one physical line as bytes[start, end): the fast way in, for lines straight from a file. */
  pushBytes(bytes: Buffer, start: number, end: number, file: string, line: number, pid: number | null = null): void {
    this.reader.pushBytes(bytes, start, end, file, line, pid);
  }

  /** Starts from the namespaces a live tracer read from /proc as the trace began. */
  seed(initial: InitialNetns): void {
    this.state.seed(initial);
  }

  /** Counts so far, for a live status line. */
  progress(): { lines: number; sessions: number; attempts: number; outcomes: Readonly<Record<string, number>>; parseIssues: number } {
    const { tally } = this;
    return { lines: this.reader.counts.lines, sessions: tally.sessions, attempts: tally.attempts, outcomes: tally.outcomes, parseIssues: tally.issueTotal };
  }

  /** Says that the trace holds nothing more up to `seconds` (trace time): see SessionCorrelator.advanceTo. */
  advanceTo(seconds: number): void {
    this.correlator.advanceTo(seconds);
  }

  /** Ends the input: the remaining sessions come out, and the summary is returned. */
  end(facts: InputFacts): SummaryRecord {
    this.reader.end();
    this.correlator.end();
    const { tally, reader } = this;
    return {
      type: 'summary',
      inputs: facts.inputs,
      lines: reader.counts.lines,
      bytes: facts.bytes,
      clock: reader.clock.kind,
      parseIssues: { total: tally.issueTotal, byCode: tally.issuesByCode, first: tally.issues },
      unfinishedCalls: reader.counts.unfinishedAtEnd,
      sessions: tally.sessions,
      attempts: tally.attempts,
      outcomes: tally.outcomes,
      rcodes: tally.rcodes,
      namespaces: tally.namespaces,
      notes: facts.notes,
    };
  }
}
