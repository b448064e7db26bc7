import type { Session } from '../../sessions/model.js';
import { OUTCOMES, type Outcome } from '../../sessions/outcome.js';
import type { SessionRecord } from '../../sessions/record-schemas.js';
import { storyStepsOf } from './session-story.js';
import type { SessionFilter } from './session-filter.js';
import { SessionStore } from './session-store.js';
import { SessionView } from './session-view.js';
import { DEFAULT_STORY_RETENTION, StoryStore } from './story-store.js';
import { SummaryStats } from './summary-stats.js';

/** Where the sessions come from, for the header. */
export interface TuiSource {
  /** `replay trace.strace`, `bpftrace → dockerd (PID 1234)`. */
  description: string;
  live: boolean;
}

/** Counts over every session seen, evicted ones included: the header's numbers. */
export interface SeenCounts {
  sessions: number;
  attempts: number;
  outcomes: Record<Outcome, number>;
}

/** The state of the input: a live tracer still attaching, input coming, or ended (the replay is done, the tracer detached). */
export type InputState = { kind: 'attaching' } | { kind: 'running' } | { kind: 'ended'; detail: string };

export interface TuiModelOptions {
  retention?: number;
  storyRetention?: number;
}

/**
 * The TUI's data, apart from anything the user chose: the retained sessions and their stories, the summary
 * tallies, what was seen in all, and what the source reports (parse issues, lost events, messages).
 */
export class TuiModel {
  readonly store: SessionStore;
  readonly stories: StoryStore;
  readonly stats = new SummaryStats();
  readonly seen: SeenCounts = { sessions: 0, attempts: 0, outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number> };
  parseIssues = 0;
  /** bpftrace only; null for strace. */
  lostEvents: number | null = null;
  input: InputState;
  /** Things ns53 said while the TUI was up (notes, warnings), newest last. */
  readonly messages: string[] = [];
  private view: SessionView;

  constructor(
    readonly source: TuiSource,
    options: TuiModelOptions = {},
  ) {
    this.input = source.live ? { kind: 'attaching' } : { kind: 'running' };
    this.store = new SessionStore({ ...(options.retention === undefined ? {} : { retention: options.retention }), observers: [this.stats] });
    this.stories = new StoryStore(Math.min(this.store.retention, options.storyRetention ?? DEFAULT_STORY_RETENTION));
    this.view = new SessionView(this.store, { failuresOnly: false, text: '', netns: null });
  }

  /** Takes a finished session (and its model, for the story). */
  add(record: SessionRecord, session: Session | null): void {
    const seq = this.store.append(record);
    if (session !== null) this.stories.put(seq, storyStepsOf(session, record));
    this.seen.sessions++;
    this.seen.attempts += record.attempts.length;
    for (const attempt of record.attempts) this.seen.outcomes[attempt.outcome as Outcome]++;
  }

  /** The view for `filter`: the current one while the filter is the same, else a new one (scanned frame by frame). */
  viewOf(filter: SessionFilter): SessionView {
    const current = this.view.filter;
    if (current.failuresOnly !== filter.failuresOnly || current.text !== filter.text || current.netns !== filter.netns) this.view = new SessionView(this.store, filter);
    return this.view;
  }

  /** Keeps a message for the footer (the newest shows). */
  say(message: string): void {
    this.messages.push(message);
  }
}
