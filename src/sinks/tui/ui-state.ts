import { NO_FILTER, type SessionFilter } from './session-filter.js';
import { FOLLOW, moveSelection, type RowSource, type ViewportState } from './viewport.js';

/** What covers the list and the detail pane, if anything. */
export type Overlay = 'help' | 'summary' | 'containers';

/** Everything the user has chosen: with the sessions, all a frame needs. */
export interface UiState {
  viewport: ViewportState;
  filter: SessionFilter;
  /** The detail pane is shown under the list. */
  detailOpen: boolean;
  /** Which pane the arrows move. */
  focus: 'list' | 'detail';
  /** The first line of the detail pane shown. */
  detailTop: number;
  overlay: Overlay | null;
  /** The highlighted line of the container picker (0 = every namespace). */
  pickerIndex: number;
  /** The search being typed after `/`; null when not typing. */
  searchDraft: string | null;
  /** The search in force before `/`, restored by Esc. */
  searchBefore: string;
  /** Set by `p`: the first sequence number the paused list hides; null when not paused. */
  pausedAt: number | null;
  quit: boolean;
}

export const INITIAL_UI: UiState = {
  viewport: FOLLOW,
  filter: NO_FILTER,
  detailOpen: false,
  focus: 'list',
  detailTop: 0,
  overlay: null,
  pickerIndex: 0,
  searchDraft: null,
  searchBefore: '',
  pausedAt: null,
  quit: false,
};

/** What a key needs to know about the screen: the rows it moves through and how tall things are. */
export interface KeyContext {
  rows: RowSource;
  /** Rows in the list pane (a page). */
  listHeight: number;
  /** Lines in the detail pane (a page). */
  detailHeight: number;
  /** Lines of the detail of the selected session, to stop scrolling at its end. */
  detailLines: number;
  /** The namespace labels the picker offers, after "every namespace". */
  namespaces: readonly string[];
  /** The sequence number the next stored session gets (where a pause begins). */
  nextSeq: number;
}

/**
 * A key, as the screen names it: a printable character (`k`, `G`, `/`, `?`), or a named key (`up`, `down`,
 * `pageup`, `pagedown`, `home`, `end`, `enter`, `tab`, `escape`, `backspace`, `C-c`).
 */
export type KeyName = string;

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** The vertical move a key asks for, in rows (±Infinity for the ends), or null when it is not a move. */
function moveOf(key: KeyName, page: number): number | null {
  switch (key) {
    case 'up':
    case 'k':
      return -1;
    case 'down':
    case 'j':
      return 1;
    case 'pageup':
      return -Math.max(1, page - 1);
    case 'pagedown':
      return Math.max(1, page - 1);
    case 'g':
    case 'home':
      return -Infinity;
    case 'G':
    case 'end':
      return Infinity;
    default:
      return null;
  }
}

function withFilter(state: UiState, filter: Partial<SessionFilter>): UiState {
  // A new filter shows other rows: start from the newest, as a fresh list does.
  return { ...state, filter: { ...state.filter, ...filter }, viewport: FOLLOW, detailTop: 0 };
}

/** Typing after `/`: the filter follows the draft, Enter keeps it, Esc puts back the search from before. */
function typeSearch(state: UiState, draft: string, key: KeyName): UiState {
  if (key === 'enter') return { ...state, searchDraft: null };
  if (key === 'escape') return { ...withFilter(state, { text: state.searchBefore }), searchDraft: null };
  if (key === 'C-c') return { ...state, quit: true };
  let next = draft;
  if (key === 'backspace') next = draft.slice(0, -1);
  else if ([...key].length === 1 && key >= ' ') next = draft + key;
  else return state;
  return { ...withFilter(state, { text: next }), searchDraft: next };
}

function pickContainer(state: UiState, key: KeyName, context: KeyContext): UiState {
  const choices = context.namespaces.length + 1;
  const move = moveOf(key, context.listHeight);
  if (move !== null) return { ...state, pickerIndex: clamp(state.pickerIndex + (Number.isFinite(move) ? move : move > 0 ? choices : -choices), 0, choices - 1) };
  if (key === 'enter') {
    const netns = state.pickerIndex === 0 ? null : (context.namespaces[state.pickerIndex - 1] ?? null);
    return { ...withFilter(state, { netns }), overlay: null };
  }
  return state;
}

/** Opens or closes an overlay (a second press of its key closes it). */
function toggleOverlay(state: UiState, overlay: Overlay, context: KeyContext): UiState {
  if (state.overlay === overlay) return { ...state, overlay: null };
  const pickerIndex = overlay === 'containers' && state.filter.netns !== null ? context.namespaces.indexOf(state.filter.netns) + 1 : 0;
  return { ...state, overlay, pickerIndex };
}

/** The state after one key: a pure function, so every key is tested without a terminal. */
export function applyKey(state: UiState, key: KeyName, context: KeyContext): UiState {
  if (state.searchDraft !== null) return typeSearch(state, state.searchDraft, key);
  if (key === 'q' || key === 'C-c') return { ...state, quit: true };
  if (key === 'escape') {
    if (state.overlay !== null) return { ...state, overlay: null };
    if (state.detailOpen) return { ...state, detailOpen: false, focus: 'list' };
    return state.filter.text === '' ? state : withFilter(state, { text: '' });
  }
  if (key === '?') return toggleOverlay(state, 'help', context);
  if (key === 's') return toggleOverlay(state, 'summary', context);
  if (key === 'c') return toggleOverlay(state, 'containers', context);
  if (state.overlay === 'containers') return pickContainer(state, key, context);
  if (state.overlay !== null) return state;
  switch (key) {
    case '/':
      return { ...state, searchDraft: state.filter.text, searchBefore: state.filter.text };
    case 'f':
      return withFilter(state, { failuresOnly: !state.filter.failuresOnly });
    case 'p':
      return { ...state, pausedAt: state.pausedAt === null ? context.nextSeq : null };
    case 'enter':
      return { ...state, detailOpen: true, focus: 'detail', detailTop: 0 };
    case 'tab':
      return state.detailOpen ? { ...state, focus: state.focus === 'list' ? 'detail' : 'list' } : { ...state, detailOpen: true, focus: 'detail', detailTop: 0 };
    default:
      break;
  }
  if (state.focus === 'detail' && state.detailOpen) {
    const move = moveOf(key, context.detailHeight);
    if (move === null) return state;
    const last = Math.max(0, context.detailLines - context.detailHeight);
    return { ...state, detailTop: clamp(Number.isFinite(move) ? state.detailTop + move : move > 0 ? last : 0, 0, last) };
  }
  const move = moveOf(key, context.listHeight);
  if (move === null) return state;
  const viewport = moveSelection(context.rows, state.viewport, move);
  return viewport.selectedSeq === state.viewport.selectedSeq ? { ...state, viewport } : { ...state, viewport, detailTop: 0 };
}
