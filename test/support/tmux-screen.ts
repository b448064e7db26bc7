import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { readdirSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { constants } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/*
 * A terminal for end-to-end tests: a command runs in a detached tmux session on a private server, and the test
 * types keys into it and reads back what is on the screen.
 *
 * What tmux 3.3a (Debian 12, built with libutempter) does here, measured when this was written:
 * - `new-session -d` returns in 40-60 ms, once the pane's process is forked, not once it has drawn: a capture
 *   right after start may be blank (node took ~90 ms to print its first line). Wait with waitFor, never
 *   capture once and assert.
 * - The server leaves its socket file behind when it exits (kill-server or last session gone), so kill() unlinks
 *   it and start() removes stale sockets of this prefix that earlier crashed runs left.
 * - `set -g window-size manual` before the first session crashes the server ("server exited unexpectedly");
 *   after new-session it is fine.
 * - Output of a command that ends within milliseconds of starting can be lost in part or whole (a printf: its
 *   first line, or everything, in 2 runs of 5). Programs that stay up, as a TUI does, are not affected.
 * - `default-terminal` decides the pane's TERM (a TERM in the environment or in `new-session -e` is overridden).
 * - `remain-on-exit on` keeps a dead pane, but prints "Pane is dead (status N, <date>)" on its last line, which
 *   scrolls the screen up one line; `remain-on-exit-format ''` keeps the screen as the command left it.
 * - The pane can be dead (#{pane_dead} = 1, its pty closed) with #{pane_dead_status} empty and the process a
 *   zombie that is never reaped: libutempter's own SIGCHLD handler swallows tmux's (tmux/tmux#311); 7 of 20
 *   key-echo runs ending on "q". Any later child of the server makes tmux reap it (one `run-shell true` was
 *   always enough), so exitStatus() runs that when it happens. (tmux/tmux#4841 is the shorter race between the
 *   pty closing and the reaping, fixed upstream.)
 * - Keys arrive as tmux's own sequences whatever TERM says: Up \e[A, PageDown \e[6~, Home \e[1~, F1 \eOP,
 *   Tab \t, Enter \r, C-c \x03 (a signal only if the program has not set raw mode). Keys sent in one send-keys
 *   can arrive in one read.
 * - capture-pane -p: one line per screen row (always `rows` lines); trailing spaces are trimmed (-N would keep
 *   them); a wide character (中) is one character in the text but two columns on screen, with no padding, so
 *   string length is not column width; -e adds SGR sequences, as the difference from the previous cell (red
 *   then reset comes back as \e[31mred\e[39m, not \e[0m).
 */

/** The name of every private server this module starts; stale sockets are recognised by it. */
const SOCKET_PREFIX = 'ns53-tmux-screen-';
const POLL_MS = 50;
let serial = 0;

/** Screens not yet killed, killed on exit should a test crash before its after() runs. */
const live = new Set<TmuxScreen>();
process.on('exit', () => live.forEach((screen) => screen.killNow()));

/** What the pane's command ended with: an exit code, or the signal that ended it. */
export interface PaneExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TmuxScreenOptions {
  /** Screen size; 160x45 unless given. */
  cols?: number;
  rows?: number;
  /** Added to (or, with undefined, removed from) the test's environment; TERM becomes the pane's TERM. */
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** What to wait for: text on the screen, a pattern over the lines joined by \n, or a test of the lines. */
export type ScreenExpectation = string | RegExp | ((lines: string[]) => boolean);

/** The directory tmux puts `-L` sockets in (tmux.c: $TMUX_TMPDIR or /tmp, then tmux-UID). */
function socketDirectory(): string {
  const base = process.env['TMUX_TMPDIR']?.startsWith('/') ? process.env['TMUX_TMPDIR'] : '/tmp';
  return join(base, `tmux-${process.getuid?.() ?? 0}`);
}

/** Whether a server answers on this socket. */
function serverAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Removes sockets of this module's prefix whose server is gone (left by runs that crashed or were killed). */
async function removeStaleSockets(): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(socketDirectory());
  } catch {
    return;
  }
  for (const name of names.filter((n) => n.startsWith(SOCKET_PREFIX))) {
    const path = join(socketDirectory(), name);
    if (!(await serverAnswers(path))) unlinkQuietly(path);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/** tmux ends a command at an argument ending in ";" (cmd-parse.c) unless it ends in "\\;", which it turns into ";". */
function escapeSemicolon(arg: string): string {
  return arg.endsWith(';') ? `${arg.slice(0, -1)}\\;` : arg;
}

function signalName(number: number): NodeJS.Signals | null {
  const entry = Object.entries(constants.signals).find(([, n]) => n === number);
  return (entry?.[0] as NodeJS.Signals | undefined) ?? null;
}

function describeExpectation(expectation: ScreenExpectation): string {
  return typeof expectation === 'function' ? 'the screen to satisfy a test' : `${String(expectation)} on the screen`;
}

function matches(expectation: ScreenExpectation, lines: string[]): boolean {
  if (typeof expectation === 'function') return expectation(lines);
  const text = lines.join('\n');
  return typeof expectation === 'string' ? text.includes(expectation) : expectation.test(text);
}

/** A screen dump for failure messages: numbered rows, up to the last non-empty one. */
export function formatScreen(lines: string[]): string {
  let last = lines.length;
  while (last > 0 && lines[last - 1] === '') last--;
  return lines
    .slice(0, last)
    .map((line, i) => `${String(i + 1).padStart(2)}│${line}`)
    .join('\n');
}

/**
 * A command running in its own tmux server (`tmux -L ns53-tmux-screen-…`), never the user's. Start it with
 * TmuxScreen.start and end it with kill() in after(): kill() is safe to call twice or after a failed start.
 */
export class TmuxScreen {
  /** `tmux -L` name of this screen's private server. */
  readonly socketName: string;
  readonly socketPath: string;
  private readonly env: NodeJS.ProcessEnv;
  /** The pane's id (%0) and the PID of the command in it. */
  private pane = '';
  panePid = 0;

  private constructor(env: NodeJS.ProcessEnv) {
    this.socketName = `${SOCKET_PREFIX}${process.pid}-${++serial}`;
    this.socketPath = join(socketDirectory(), this.socketName);
    this.env = env;
  }

  /**
   * Starts `command` (argv; tmux runs a single element through sh -c) in a new detached session. Resolves once the
   * process exists, which is before it has drawn anything.
   */
  static async start(command: string[], options: TmuxScreenOptions = {}): Promise<TmuxScreen> {
    await removeStaleSockets();
    const { cols = 160, rows = 45, cwd = process.cwd() } = options;
    const env: NodeJS.ProcessEnv = { ...process.env, LANG: 'C.UTF-8', TERM: 'xterm-256color' };
    // Inside the user's tmux these would point the pane at the user's server.
    delete env['TMUX'];
    delete env['TMUX_PANE'];
    delete env['LC_ALL'];
    for (const [name, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
    const screen = new TmuxScreen(env);
    live.add(screen);
    // One command list, so the options are set before the pane's command can exit. The server starts with this
    // environment and gives it to the pane (plus TMUX, TMUX_PANE, and TERM from default-terminal).
    let created: string;
    try {
      // prettier-ignore
      created = await screen.tmux([
        '-f', '/dev/null', 'start-server',
        ';', 'set-option', '-g', 'remain-on-exit', 'on',
        ';', 'set-option', '-g', 'remain-on-exit-format', '',
        ';', 'set-option', '-g', 'default-terminal', env['TERM'] ?? 'xterm-256color',
        ';', 'new-session', '-d', '-x', String(cols), '-y', String(rows), '-c', cwd, '-P', '-F', '#{pane_id} #{pane_pid}', '--', ...command.map(escapeSemicolon),
        // So that someone attaching to debug (tmux -L NAME attach) does not resize the screen under the test.
        ';', 'set-option', '-g', 'window-size', 'manual',
      ]);
    } catch (error) {
      await screen.kill();
      throw error;
    }
    const [pane, pid] = created.trim().split(' ');
    screen.pane = pane!;
    screen.panePid = Number(pid);
    return screen;
  }

  /** Runs a tmux command against this server; rejects with tmux's stderr if it fails. */
  private tmux(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile('tmux', ['-L', this.socketName, ...args], { env: this.env, encoding: 'utf8' }, (error, stdout, stderr) => {
        if (error) reject(new Error(`tmux ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      });
    });
  }

  /** Sends tmux key names (Enter, Tab, Up, PageDown, C-c, M-x, F1…); a string tmux does not know is typed as text. */
  async sendKeys(...keys: string[]): Promise<void> {
    await this.tmux(['send-keys', '-t', this.pane, '--', ...keys]);
  }

  /** Types text literally (send-keys -l): "Enter" is five letters here. */
  async sendText(text: string): Promise<void> {
    await this.tmux(['send-keys', '-t', this.pane, '-l', '--', text]);
  }

  /** The visible screen, one string per row; `escapes` keeps colours and attributes as SGR sequences. */
  async capture(options: { escapes?: boolean } = {}): Promise<string[]> {
    return (await this.captureWithState(options)).lines;
  }

  /** The screen and whether the pane has died, in one tmux call. */
  private async captureWithState(options: { escapes?: boolean }): Promise<{ lines: string[]; dead: boolean }> {
    const flags = options.escapes ? ['-p', '-e'] : ['-p'];
    const out = await this.tmux(['capture-pane', ...flags, '-t', this.pane, ';', 'display-message', '-p', '-t', this.pane, '#{pane_dead}']);
    const lines = out.split('\n');
    lines.pop(); // after the final newline
    const dead = lines.pop() === '1';
    return { lines, dead };
  }

  /**
   * Polls the screen every 50 ms until the expectation holds and returns that screen. Fails with the last screen
   * after `timeoutMs`, or at once if the command has exited without the screen ever matching.
   */
  async waitFor(expectation: ScreenExpectation, timeoutMs = 10_000, options: { escapes?: boolean } = {}): Promise<string[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const { lines, dead } = await this.captureWithState(options);
      if (matches(expectation, lines)) return lines;
      if (dead) {
        const exit = await this.exitStatus();
        assert.fail(`the command ended (${JSON.stringify(exit)}) without ${describeExpectation(expectation)}; last screen:\n${formatScreen(lines)}`);
      }
      if (Date.now() > until) assert.fail(`timed out after ${timeoutMs} ms waiting for ${describeExpectation(expectation)}; last screen:\n${formatScreen(lines)}`);
      await sleep(POLL_MS);
    }
  }

  /** Resizes the screen; the command gets SIGWINCH. */
  async resize(cols: number, rows: number): Promise<void> {
    await this.tmux(['resize-window', '-t', this.pane, '-x', String(cols), '-y', String(rows)]);
  }

  /** The pane's title, as the program set it (OSC 0/2); a test that nothing else set it. */
  async title(): Promise<string> {
    return (await this.tmux(['display-message', '-p', '-t', this.pane, '#{pane_title}'])).trimEnd();
  }

  /** The screen's size as tmux has it. */
  async size(): Promise<{ cols: number; rows: number }> {
    const [cols, rows] = (await this.tmux(['display-message', '-p', '-t', this.pane, '#{pane_width} #{pane_height}'])).trim().split(' ').map(Number);
    return { cols: cols!, rows: rows! };
  }

  /** How the command ended, or null while it runs. */
  async exitStatus(): Promise<PaneExit | null> {
    const format = '#{pane_dead} #{pane_dead_status} #{pane_dead_signal}';
    for (let pokes = 0; ; pokes++) {
      const [dead, status, signal] = (await this.tmux(['display-message', '-p', '-t', this.pane, format])).trimEnd().split(' ');
      if (dead !== '1') return null;
      if (status) return { code: Number(status), signal: null };
      if (signal) return { code: null, signal: signalName(Number(signal)) };
      if (pokes === 20) assert.fail(`the pane is dead but tmux has not reported how its command (PID ${this.panePid}) ended`);
      // Dead but not reaped (see the top of this file): run-shell forks a child and waits for it, and its SIGCHLD
      // makes tmux reap every child that has ended. A few tries cover the short race (the pty closes first).
      if (pokes > 0) await sleep(POLL_MS);
      await this.tmux(['run-shell', 'true']);
    }
  }

  /** Waits for the command to end and returns how it ended; fails with the screen after `timeoutMs`. */
  async waitForExit(timeoutMs = 10_000): Promise<PaneExit> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const exit = await this.exitStatus();
      if (exit) return exit;
      if (Date.now() > until) assert.fail(`the command did not end within ${timeoutMs} ms; last screen:\n${formatScreen(await this.capture())}`);
      await sleep(POLL_MS);
    }
  }

  /**
   * Ends this private server (tmux hangs up the pane's command) and removes its socket. Never throws: made for
   * after(), where the server may already be gone.
   */
  async kill(): Promise<void> {
    if (!live.delete(this)) return;
    await this.tmux(['kill-server']).catch(() => undefined);
    unlinkQuietly(this.socketPath);
  }

  /** kill(), synchronously, for the exit handler. */
  killNow(): void {
    live.delete(this);
    spawnSync('tmux', ['-L', this.socketName, 'kill-server'], { env: this.env, stdio: 'ignore' });
    unlinkQuietly(this.socketPath);
  }
}
