import type { SummaryRecord } from '../sessions/index.js';
import { PcapSink } from '../sinks/pcap/pcap-sink.js';
import type { SessionListener } from '../trace-pipeline.js';
import type { CliIo } from './cli-io.js';
import { packageVersion } from './package-version.js';

/** What each clock makes of the packets' dates, said once on stderr. */
const CLOCK_NOTES: Readonly<Record<string, string>> = {
  'time-of-day': 'the trace has times of day (-t/-tt) but no date: the packets are dated 1970-01-01 at those times (UTC)',
  relative: 'the trace has relative times (-r): the packets are dated from 1970-01-01 00:00:00 UTC, counting from its first line',
  none: "the trace has no timestamps: each packet is dated by its syscall's line number in microseconds after 1970-01-01 00:00:00 UTC, which keeps trace order",
};

/**
 * `--pcap FILE` for replay and attach alike: the file is opened before any tracing (an unwritable path
 * stops the run at once), its sink listens next to the printer or the TUI, and `finish` closes it and
 * says on stderr what was written.
 */
export class PcapOutput {
  private constructor(private readonly sink: PcapSink) {}

  /** Opens `path`, or returns null when --pcap was not given; throws E_OUTPUT_UNWRITABLE. */
  static open(path: string | undefined): PcapOutput | null {
    return path === undefined ? null : new PcapOutput(PcapSink.open(path, `ns53 ${packageVersion()}`));
  }

  /** `inner`, with every session also written to the file. */
  listen(inner: SessionListener): SessionListener {
    return {
      session: (record, session) => {
        inner.session(record, session);
        this.sink.session(record, session);
      },
    };
  }

  /** Writes what is left, closes the file and reports; throws E_OUTPUT_UNWRITABLE if a write failed. */
  finish(summary: SummaryRecord | null, io: CliIo): void {
    const tally = this.sink.close();
    const plural = (n: number, noun: string): string => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
    io.stderr(`ns53: wrote ${plural(tally.packets, 'packet')} (${plural(tally.sessions, 'session')}) to ${tally.path}\n`);
    const clockNote = summary && tally.packets > 0 ? CLOCK_NOTES[summary.clock ?? 'none'] : undefined;
    if (clockNote) io.stderr(`ns53: note: ${clockNote}\n`);
    if (tally.placeholders > 0) {
      io.stderr(`ns53: note: ${plural(tally.placeholders, 'packet')} in which 0.0.0.0 or :: stands for an address the trace did not show (each packet's comment says which)\n`);
    }
    if (tally.late > 0) {
      io.stderr(`ns53: note: ${plural(tally.late, 'packet')} of sessions longer than a minute came out of time order (reordercap sorts them)\n`);
    }
  }
}
