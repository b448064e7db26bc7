import type { StoryStep } from './session-story.js';

/** How many sessions keep their syscall story unless told otherwise: a few hundred bytes each. */
export const DEFAULT_STORY_RETENTION = 20_000;

/**
 * The syscall steps of the newest sessions, by the SessionStore's sequence numbers. Stories weigh more than
 * the sessions themselves, so fewer are kept; the detail pane of an older session says its story is gone.
 */
export class StoryStore {
  private readonly stories: (readonly StoryStep[])[] = [];
  private next = 0;

  constructor(readonly retention = DEFAULT_STORY_RETENTION) {
    if (!Number.isInteger(retention) || retention < 1) throw new RangeError(`story retention must be a positive integer, not ${retention}`);
  }

  /** Keeps the story of the session stored under `seq`; sequence numbers come in order, each once. */
  put(seq: number, steps: readonly StoryStep[]): void {
    this.stories[seq % this.retention] = steps;
    this.next = seq + 1;
  }

  /** The story of the session `seq`, or null when it was not kept. */
  get(seq: number): readonly StoryStep[] | null {
    if (!Number.isInteger(seq) || seq < this.next - this.retention || seq >= this.next) return null;
    return this.stories[seq % this.retention] ?? null;
  }
}
