import type { SessionRecord } from '../../sessions/record-schemas.js';

/** What the list is drawn from: a SessionView, or one seen through a pause (see PausedRows). */
export interface RowSource {
  readonly count: number;
  seqAt(position: number): number | undefined;
  rowAt(position: number): SessionRecord | undefined;
  positionAtOrAfter(seq: number): number;
}

/**
 * Where the list is, named by sequence numbers rather than positions: eviction and a filter's backward
 * scan shift positions under the user, sequence numbers stay put.
 */
export interface ViewportState {
  /** Live mode: the selection sits on the newest row and moves with it. */
  follow: boolean;
  /** The selected row's sequence number; null for none yet. */
  selectedSeq: number | null;
  /** The top row's sequence number; null to put the newest rows at the bottom. */
  topSeq: number | null;
}

/** A new list follows the newest row. */
export const FOLLOW: ViewportState = { follow: true, selectedSeq: null, topSeq: null };

export interface ViewportRow {
  seq: number;
  record: SessionRecord;
}

/** What one frame draws: only the visible rows, and where they are. */
export interface Viewport {
  rows: ViewportRow[];
  /** Position of rows[0] in the view. */
  top: number;
  /** Position of the selected row; -1 when the view is empty. */
  selected: number;
  count: number;
  /** The state to keep for the next frame. */
  state: ViewportState;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** The selected position: the last row when following, else the selected row or the one after where it was. */
function selectedPosition(view: RowSource, state: ViewportState, count: number): number {
  if (state.follow || state.selectedSeq === null) return count - 1;
  return clamp(view.positionAtOrAfter(state.selectedSeq), 0, count - 1);
}

/**
 * Builds the rows one frame shows (`height` of them at most, nothing else is touched) and the scroll offset
 * that keeps the selection visible; when following, the newest row is selected at the bottom.
 */
export function buildViewport(view: RowSource, state: ViewportState, height: number): Viewport {
  const count = view.count;
  const rowsHigh = Math.max(1, Math.floor(height));
  if (count === 0) return { rows: [], top: 0, selected: -1, count, state };
  const selected = selectedPosition(view, state, count);
  let top = state.follow || state.topSeq === null ? count - rowsHigh : view.positionAtOrAfter(state.topSeq);
  top = clamp(top, selected - rowsHigh + 1, selected);
  top = clamp(top, 0, Math.max(0, count - rowsHigh));
  const rows: ViewportRow[] = [];
  for (let position = top; position < Math.min(count, top + rowsHigh); position++) {
    const seq = view.seqAt(position)!;
    rows.push({ seq, record: view.rowAt(position)! });
  }
  const next = { follow: state.follow, selectedSeq: view.seqAt(selected)!, topSeq: view.seqAt(top)! };
  return { rows, top, selected, count, state: next };
}

/**
 * Moves the selection by `delta` rows (negative is up; ±Infinity for home/end). Landing on the last row
 * turns following on, anywhere else turns it off: scrolling up stops live mode, going to the end resumes it.
 */
export function moveSelection(view: RowSource, state: ViewportState, delta: number): ViewportState {
  const count = view.count;
  if (count === 0) return state;
  const from = selectedPosition(view, state, count);
  const to = clamp(from + delta, 0, count - 1);
  return { follow: to === count - 1, selectedSeq: view.seqAt(to)!, topSeq: state.topSeq };
}
