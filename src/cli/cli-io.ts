/** Where the CLI writes, and how it learns the user wants to stop; injected so tests can run it in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  stdoutIsTerminal: boolean;
  /** Whether stderr is a terminal (a live status line is drawn there only then). */
  stderrIsTerminal?: boolean;
  /** The terminal's width, when stderr is one. */
  stderrColumns?: number;
  /**
   * Calls `onStop` with a reason when the user asks a live run to end (Ctrl-C, SIGTERM, SIGHUP, the output
   * pipe closing); returns a function that stops watching. Absent: nothing but --duration ends a live run.
   */
  watchStop?(onStop: (reason: string) => void): () => void;
  /** Stops reading standard input (the TUI was quit before a piped trace ended). */
  abandonInput?(): void;
}
