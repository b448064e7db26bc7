import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionRecord } from '../../../src/sessions/record-schemas.js';
import type { TerminalScreenEvents } from '../../../src/sinks/tui/blessed-screen.js';
import { MAX_FRAMES_PER_SECOND, TuiApp, type TuiIo } from '../../../src/sinks/tui/tui-app.js';
import { loadTemplateSession } from '../../support/synthetic-sessions.js';

/** A terminal and a clock under the test's control: timers fire only when the test advances time. */
class FakeTerminal implements TuiIo {
  time = 0;
  frames: (readonly string[])[] = [];
  events: TerminalScreenEvents | null = null;
  destroyed = false;
  width = 120;
  height = 30;
  private timers: { at: number; run: () => void }[] = [];

  openScreen(events: TerminalScreenEvents) {
    this.events = events;
    const terminal = this;
    return {
      get width() {
        return terminal.width;
      },
      get height() {
        return terminal.height;
      },
      show: (lines: readonly string[]) => void this.frames.push(lines),
      destroy: () => void (this.destroyed = true),
    };
  }
  now(): number {
    return this.time;
  }
  setTimer(run: () => void, ms: number): unknown {
    const timer = { at: this.time + ms, run };
    this.timers.push(timer);
    return timer;
  }
  clearTimer(timer: unknown): void {
    this.timers = this.timers.filter((t) => t !== timer);
  }
  /** Moves the clock on by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.run();
    }
    this.time = end;
  }
}

const template = loadTemplateSession();

test(`frames are throttled to ${MAX_FRAMES_PER_SECOND} a second however fast sessions come, and the last state is drawn`, () => {
  const terminal = new FakeTerminal();
  const app = new TuiApp(terminal, { description: 'test', live: true });
  app.open();
  for (let i = 0; i < 10_000; i++) {
    app.session({ ...template, id: i } as SessionRecord);
    terminal.advance(0.2);
  }
  terminal.advance(100);
  const seconds = terminal.time / 1000;
  assert.ok(terminal.frames.length <= Math.ceil(seconds * MAX_FRAMES_PER_SECOND) + 2, `${terminal.frames.length} frames in ${seconds} s`);
  assert.ok(terminal.frames.length >= Math.floor(seconds * MAX_FRAMES_PER_SECOND) - 2, 'and it keeps drawing while sessions come');
  assert.match(terminal.frames.at(-1)![1]!, /^sessions 10,000 /);
});

test('keys change the UI at the next frame; q gives the terminal back and resolves closed; a resize draws at once', async () => {
  const terminal = new FakeTerminal();
  const app = new TuiApp(terminal, { description: 'test', live: false });
  app.open();
  for (let i = 0; i < 5; i++) app.session({ ...template, id: i } as SessionRecord);
  terminal.advance(50);
  terminal.events!.key('?');
  terminal.advance(50);
  assert.ok(terminal.frames.at(-1)!.some((line) => line.includes('Keys')), 'help is drawn');
  terminal.height = 20;
  const before = terminal.frames.length;
  terminal.events!.resize();
  assert.equal(terminal.frames.length, before + 1);
  assert.equal(terminal.frames.at(-1)!.length, 20);
  terminal.events!.key('q');
  await app.closed;
  assert.equal(terminal.destroyed, true);
});
