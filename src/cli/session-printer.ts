import type { SessionRecord, SummaryRecord } from '../sessions/index.js';
import { formatNdjsonLine } from '../sinks/ndjson.js';
import { printable } from '../sinks/printable.js';
import { formatSessionRows, formatTableHeader, formatTableSummary } from '../sinks/table.js';
import type { CliIo } from './cli-io.js';

export const FORMATS = ['tui', 'table', 'ndjson'] as const;
export type Format = (typeof FORMATS)[number];
/** `--format` when none is given: the TUI on a terminal, the table through a pipe. */
export function defaultFormat(io: CliIo): Format {
  return io.stdoutIsTerminal ? 'tui' : 'table';
}

/** The formats SessionPrinter writes; the TUI is drawn by src/sinks/tui. */
export type PrintedFormat = Exclude<Format, 'tui'>;

/** Parse issues listed on stderr before pointing at the summary. */
const ISSUES_SHOWN = 3;

/** Prints sessions as they come, in the chosen format, and the summary at the end. */
export class SessionPrinter {
  private headerShown = false;

  constructor(
    private readonly format: PrintedFormat,
    private readonly io: CliIo,
  ) {}

  session(record: SessionRecord): void {
    if (this.format === 'ndjson') {
      this.io.stdout(formatNdjsonLine(record));
      return;
    }
    if (!this.headerShown) {
      this.io.stdout(`${formatTableHeader(record.time?.endsWith('Z') ?? false)}\n`);
      this.headerShown = true;
    }
    this.io.stdout(`${formatSessionRows(record).join('\n')}\n`);
  }

  /** The summary on stdout; notes and parse issues on stderr. */
  summary(summary: SummaryRecord): void {
    const { io } = this;
    if (this.format === 'ndjson') io.stdout(formatNdjsonLine(summary));
    else {
      if (!this.headerShown) io.stdout('no DNS sessions found\n');
      io.stdout(`\n${formatTableSummary(summary).join('\n')}\n`);
    }
    reportSummaryNotes(summary, io);
  }
}

/** On stderr: the summary's notes, lost events, and the first parse issues with where they are. */
export function reportSummaryNotes(summary: SummaryRecord, io: CliIo): void {
  for (const note of summary.notes) io.stderr(`ns53: note: ${note}\n`);
  if (summary.lostEvents) {
    io.stderr(
      `ns53: warning: bpftrace lost ${summary.lostEvents} event${summary.lostEvents === 1 ? '' : 's'}: its buffers overflowed while its reader was behind, so sessions from then may miss calls (an attempt without its reply shows as a timeout). A quieter moment or a shorter run helps.\n`,
    );
  }
  reportIssues(summary, io);
}

function reportIssues(summary: SummaryRecord, io: CliIo): void {
  const { total, byCode, first } = summary.parseIssues;
  if (total === 0) return;
  const codes = Object.entries(byCode).map(([code, count]) => `${code} ${count}`).join(', ');
  io.stderr(`ns53: ${total} line${total === 1 ? '' : 's'} could not be read (${codes}); they were skipped:\n`);
  for (const issue of first.slice(0, ISSUES_SHOWN)) {
    io.stderr(`  ${issue.file}:${issue.line}:${issue.column}: ${issue.code}: ${issue.message}\n    ${printable(issue.excerpt)}\n`);
  }
  if (total > ISSUES_SHOWN) io.stderr(`  … see "parseIssues" in the summary (--format ndjson) for more\n`);
}
