import { openSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { openTerminalScreen } from './blessed-screen.js';
import type { TuiIo } from './tui-app.js';

/**
 * The real terminal and clock for the TUI. Keys come from standard input, or from /dev/tty when standard
 * input carries the trace (`strace … | ns53 replay -`); throws when there is no terminal to read keys from.
 */
export function terminalTuiIo(keysFromTty: boolean): TuiIo {
  const input = keysFromTty ? new ReadStream(openSync('/dev/tty', 'r')) : process.stdin;
  return {
    openScreen: (events) => openTerminalScreen(events, input),
    now: () => performance.now(),
    setTimer: (run, ms) => setTimeout(run, ms),
    clearTimer: (timer) => clearTimeout(timer as NodeJS.Timeout),
  };
}
