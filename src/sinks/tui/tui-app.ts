import type { Session } from '../../sessions/model.js';
import type { SessionRecord, SummaryRecord } from '../../sessions/record-schemas.js';
import type { TerminalScreen, TerminalScreenEvents } from './blessed-screen.js';
import { buildFrame, type Frame } from './tui-frame.js';
import { TuiModel, type TuiModelOptions, type TuiSource } from './tui-model.js';
import { applyKey, INITIAL_UI, type KeyName, type UiState } from './ui-state.js';

/** At most this many frames a second, however fast sessions come. */
export const MAX_FRAMES_PER_SECOND = 30;
const FRAME_INTERVAL_MS = 1000 / MAX_FRAMES_PER_SECOND;

/** How the app reaches the terminal and the clock: the real ones in ns53, fakes in tests. */
export interface TuiIo {
  openScreen(events: TerminalScreenEvents): TerminalScreen;
  now(): number;
  setTimer(run: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
}

/** The progress a live source reports, as far as the header shows it. */
export interface TuiProgress {
  parseIssues: number;
  lostEvents: number | null;
}

/**
 * The TUI: sessions in (from a replay or a live tracer), frames out, keys to the UI state. Frames are
 * throttled to MAX_FRAMES_PER_SECOND: a change asks for one, which is drawn at the next slot. `closed`
 * resolves when the user quits (q, Ctrl-C) or close() is called.
 */
export class TuiApp {
  readonly model: TuiModel;
  readonly closed: Promise<void>;
  private ui: UiState = INITIAL_UI;
  private frame: Frame | null = null;
  private screen: TerminalScreen | null = null;
  private timer: unknown = null;
  private lastFrameAt = -Infinity;
  private resolveClosed!: () => void;
  /** Frames drawn, for tests and the bench. */
  framesDrawn = 0;

  constructor(
    private readonly io: TuiIo,
    source: TuiSource,
    options: TuiModelOptions = {},
  ) {
    this.model = new TuiModel(source, options);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** Takes over the terminal and draws the first frame. */
  open(): void {
    this.screen = this.io.openScreen({ key: (name) => this.onKey(name), resize: () => this.draw() });
    this.draw();
  }

  /** A finished session from the pipeline. */
  session(record: SessionRecord, session: Session | null = null): void {
    this.model.add(record, session);
    this.requestFrame();
  }

  progress(progress: TuiProgress): void {
    this.model.parseIssues = progress.parseIssues;
    this.model.lostEvents = progress.lostEvents;
    this.requestFrame();
  }

  /** The live tracer is attached: sessions are now being traced. */
  attached(): void {
    this.model.input = { kind: 'running' };
    this.requestFrame();
  }

  /** The input ended (replay done, tracer detached): the summary's counts, and how it ended in words. */
  end(summary: SummaryRecord, detail: string): void {
    this.model.parseIssues = summary.parseIssues.total;
    this.model.lostEvents = summary.lostEvents ?? null;
    this.model.input = { kind: 'ended', detail };
    this.requestFrame();
  }

  /** Something ns53 says (a note, a warning): shown in the footer. */
  say(message: string): void {
    this.model.say(message);
    this.requestFrame();
  }

  /** Gives the terminal back and resolves `closed`. */
  close(): void {
    if (this.timer !== null) this.io.clearTimer(this.timer);
    this.timer = null;
    this.screen?.destroy();
    this.screen = null;
    this.resolveClosed();
  }

  /** The state the user has chosen (for tests). */
  get state(): UiState {
    return this.ui;
  }

  private onKey(name: KeyName): void {
    if (!this.frame) return;
    this.ui = applyKey(this.ui, name, this.frame.keys);
    if (this.ui.quit) {
      this.close();
      return;
    }
    this.requestFrame();
  }

  private requestFrame(): void {
    if (this.screen === null || this.timer !== null) return;
    const wait = Math.max(0, this.lastFrameAt + FRAME_INTERVAL_MS - this.io.now());
    this.timer = this.io.setTimer(() => {
      this.timer = null;
      this.draw();
    }, wait);
  }

  private draw(): void {
    const { screen } = this;
    if (screen === null) return;
    this.lastFrameAt = this.io.now();
    this.frame = buildFrame(this.model, this.ui, { width: screen.width, height: screen.height });
    this.ui = this.frame.ui;
    screen.show(this.frame.lines);
    this.framesDrawn++;
    // A filter over many sessions is tested a slice per frame: keep drawing until it is done.
    if (this.frame.pending > 0) this.requestFrame();
  }
}
