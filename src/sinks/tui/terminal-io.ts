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
    openScreen(events) {
      const screen = openTerminalScreen(events, input);
      if (!keysFromTty) return screen;
      // The /dev/tty stream is ours: close it with the screen, or it keeps ns53 running after q.
      return {
        get width() {
          return screen.width;
        },
        get height() {
          return screen.height;
        },
        show: (lines) => screen.show(lines),
        destroy() {
          screen.destroy();
          input.destroy();
        },
      };
    },
    now: () => performance.now(),
    setTimer: (run, ms) => setTimeout(run, ms),
    clearTimer: (timer) => clearTimeout(timer as NodeJS.Timeout),
  };
}
