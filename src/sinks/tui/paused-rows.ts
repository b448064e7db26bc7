import type { SessionRecord } from '../../sessions/record-schemas.js';
import type { RowSource } from './viewport.js';

/**
 * A view as it stood when the user pressed `p`: rows stored since (sequence numbers from `horizon` on) are
 * hidden until the pause ends. Sessions keep arriving and the store keeps its retention, so a paused list
 * can still lose its oldest rows; the header counts them.
 */
export class PausedRows implements RowSource {
  constructor(
    private readonly rows: RowSource,
    /** The first sequence number stored after the pause began. */
    readonly horizon: number,
  ) {}

  get count(): number {
    return this.rows.positionAtOrAfter(this.horizon);
  }

  seqAt(position: number): number | undefined {
    return position < this.count ? this.rows.seqAt(position) : undefined;
  }

  rowAt(position: number): SessionRecord | undefined {
    return position < this.count ? this.rows.rowAt(position) : undefined;
  }

  positionAtOrAfter(seq: number): number {
    return Math.min(this.count, this.rows.positionAtOrAfter(seq));
  }
}
