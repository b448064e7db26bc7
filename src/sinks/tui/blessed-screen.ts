// The one file that imports blessed. Everything it shows comes from buildFrame as lines of markup; here they
// are put on the terminal, and keys and resizes are handed back by name.

import type { Writable } from 'node:stream';
import blessed from 'blessed';
import type { KeyName } from './ui-state.js';

/** Keys blessed names that the TUI uses, by blessed's name. `return` is left out: blessed also sends `enter` for it. */
const NAMED_KEYS: ReadonlySet<string> = new Set(['up', 'down', 'pageup', 'pagedown', 'home', 'end', 'enter', 'tab', 'escape', 'backspace']);

/** A blessed key press as the TUI names it (see KeyName), or null for keys it ignores. */
export function keyNameOf(ch: string | undefined, key: { name?: string; ctrl?: boolean; meta?: boolean; full?: string } | undefined): KeyName | null {
  if (key?.ctrl) return key.name ? `C-${key.name}` : null;
  if (key?.meta) return null;
  if (key?.name && NAMED_KEYS.has(key.name)) return key.name;
  if (key?.name === 'return' || key?.name === 'linefeed') return null;
  if (ch !== undefined && [...ch].length === 1 && ch >= ' ' && ch !== '\x7f') return ch;
  return null;
}

export interface TerminalScreen {
  readonly width: number;
  readonly height: number;
  /** Puts a frame's lines on the terminal (blessed sends only what changed). */
  show(lines: readonly string[]): void;
  /** Gives the terminal back as it was. */
  destroy(): void;
}

export interface TerminalScreenEvents {
  key(name: KeyName): void;
  resize(): void;
}

/** Takes over the terminal (alternate screen, raw keys, hidden cursor) until destroy(); `output` is the terminal (a bench passes a sink). */
export function openTerminalScreen(events: TerminalScreenEvents, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stdout): TerminalScreen {
  // forceUnicode: wide characters are measured and drawn as UTF-8 whatever LANG says.
  // @types/blessed types a screen's input as Writable; blessed reads keys from it.
  const screen = blessed.screen({ input: input as unknown as Writable, output, smartCSR: true, fullUnicode: true, forceUnicode: true, warnings: false, title: 'ns53', autoPadding: false, dockBorders: false });
  const canvas = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: '100%', tags: true, wrap: false, scrollable: false });
  // Draw ─ · ● as the UTF-8 they are. Left to itself blessed swaps them for the terminal's line-drawing
  // charset (ACS) wherever terminfo declares one, and a copy or `tmux capture-pane` then shows q and ~.
  (screen as unknown as { tput: { brokenACS: boolean } }).tput.brokenACS = true;
  screen.program.hideCursor();
  screen.on('keypress', (ch: string | undefined, key: { name?: string; ctrl?: boolean; meta?: boolean; full?: string } | undefined) => {
    const name = keyNameOf(ch, key);
    if (name !== null) events.key(name);
  });
  screen.on('resize', () => events.resize());
  let destroyed = false;
  return {
    get width() {
      return screen.width as number;
    },
    get height() {
      return screen.height as number;
    },
    show(lines) {
      if (destroyed) return;
      canvas.setContent(lines.join('\n'));
      screen.render();
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      screen.destroy();
    },
  };
}
