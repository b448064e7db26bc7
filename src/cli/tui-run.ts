import { Ns53Error } from '../errors.js';
import type { SummaryRecord } from '../sessions/index.js';
import { formatTableSummary } from '../sinks/table.js';
import type { CliIo } from './cli-io.js';
import { reportSummaryNotes } from './session-printer.js';

/** What the TUI needs from the CLI's options. */
export interface TuiRunOptions {
  /** Sessions kept for the list (the oldest go first). */
  retention?: number;
  /** The trace comes on standard input, so keys are read from /dev/tty. */
  traceOnStdin: boolean;
}

/**
 * The TUI for one command: it opens on the terminal, and while it is up ns53's own messages (notes, warnings)
 * go to its footer and are printed on stderr once it closes, with the summary, so nothing said is lost.
 */
export async function openTui(io: CliIo, description: string, live: boolean, options: TuiRunOptions) {
  // Loaded only here: blessed costs start-up time that the table and NDJSON outputs should not pay.
  const { TuiApp } = await import('../sinks/tui/tui-app.js');
  const { terminalTuiIo } = await import('../sinks/tui/terminal-io.js');
  // Keys come from /dev/tty when standard input is the trace or not a terminal (`ns53 replay f < /dev/null`).
  const keysFromTty = options.traceOnStdin || process.stdin.isTTY !== true;
  let terminal: ReturnType<typeof terminalTuiIo>;
  try {
    terminal = terminalTuiIo(keysFromTty);
  } catch (error) {
    throw new Ns53Error('E_USAGE', `the TUI reads keys from the terminal, and there is none to read (${(error as Error).message}); use --format table or --format ndjson`);
  }
  const app = new TuiApp(terminal, { description, live }, options.retention === undefined ? {} : { retention: options.retention });
  const said: string[] = [];
  let open = true;
  const tuiIo: CliIo = {
    ...io,
    stdoutIsTerminal: false,
    stderrIsTerminal: false,
    stderr(text) {
      if (!open) return io.stderr(text);
      said.push(text);
      for (const line of text.split('\n')) if (line.trim() !== '') app.say(line.replace(/^ns53: /, ''));
    },
  };
  app.open();
  void app.closed.then(() => {
    open = false;
  });
  return {
    app,
    /** A CliIo whose stderr goes to the TUI while it is open. */
    io: tuiIo,
    /** Waits for the user to quit, then prints what was said and the summary on stderr. */
    async finish(summary: SummaryRecord | null): Promise<void> {
      await app.closed;
      open = false;
      for (const text of said) io.stderr(text);
      if (summary) {
        // The table's closing lines without its notes (reportSummaryNotes says them, with the parse issues).
        io.stderr(`${formatTableSummary({ ...summary, notes: [] }).join('\n')}\n`);
        reportSummaryNotes(summary, io);
      }
    },
  };
}
