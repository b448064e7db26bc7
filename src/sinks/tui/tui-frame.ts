import { formatCellText } from './cell-text.js';
import { textColumns } from './column-width.js';
import { formatDetailLines } from './detail-lines.js';
import { buildHeaderLines, describeFilter, formatCount } from './header-lines.js';
import { buildContainerPicker, buildHelpOverlay, buildSummaryOverlay, type OverlayContent } from './overlay-lines.js';
import { PausedRows } from './paused-rows.js';
import { buildSessionDetail } from './session-story.js';
import { formatListTitle, formatSessionRow, sessionTone } from './session-row.js';
import { DEFAULT_SCAN_PER_FRAME } from './session-view.js';
import { toned } from './tone.js';
import type { KeyContext, UiState } from './ui-state.js';
import { buildViewport, type RowSource } from './viewport.js';
import type { TuiModel } from './tui-model.js';

export interface ScreenSize {
  width: number;
  height: number;
}

/** Where things go on a screen: rows from the top. */
export interface Layout {
  listTitle: number;
  listTop: number;
  listRows: number;
  /** The detail pane's title row and lines; 0 lines when it is closed. */
  detailTitle: number;
  detailTop: number;
  detailRows: number;
  footer: number;
}

const HEADER_ROWS = 2;
/** With the detail pane open the list keeps this share of the room (and at least 3 rows). */
const LIST_SHARE = 0.35;

/** The rows of each region for a screen `height` tall. */
export function layoutOf(height: number, detailOpen: boolean): Layout {
  const rows = Math.max(HEADER_ROWS + 3, Math.floor(height));
  const main = rows - HEADER_ROWS - 2;
  const listRows = detailOpen ? Math.max(1, Math.min(main - 2, Math.max(3, Math.floor(main * LIST_SHARE)))) : main;
  const detailRows = detailOpen ? Math.max(0, main - listRows - 1) : 0;
  const listTop = HEADER_ROWS + 1;
  return { listTitle: HEADER_ROWS, listTop, listRows, detailTitle: listTop + listRows, detailTop: listTop + listRows + 1, detailRows, footer: rows - 1 };
}

/** One frame: exactly `height` lines of blessed markup, none wider than the screen, and the state to keep. */
export interface Frame {
  lines: string[];
  ui: UiState;
  /** What the next key needs (the rows in view, page sizes, the picker's choices). */
  keys: KeyContext;
  /** Sessions a new filter has still to test: another frame is wanted while any are left. */
  pending: number;
}

const FOOTER_HINTS = '?:help  ↑↓:move  Enter:detail  Tab:pane  /:search  f:failures  c:container  s:summary  p:pause  q:quit';

/** A title rule across the screen: `── Detail: session 12 ───`. */
function rule(title: string, width: number, focused: boolean): string {
  const text = `── ${title} `;
  const line = formatCellText(text, width) + '─'.repeat(Math.max(0, width - [...text].length));
  return toned(line, focused ? 'heading' : 'dim');
}

/** The footer: where the list is and its filter, then the search being typed, a scan's progress, the newest message, or the keys. */
function footerLine(model: TuiModel, ui: UiState, status: string, pending: number, width: number): string {
  const left = status === '' ? '' : `${toned(formatCellText(status, width), 'note')}  `;
  const room = Math.max(0, width - textColumns(status) - (status === '' ? 0 : 2));
  if (ui.searchDraft !== null) {
    const hint = '  Enter keep · Esc drop';
    const draft = formatCellText(ui.searchDraft, Math.max(1, room - 2 - (room > 40 ? hint.length : 0)));
    return `${left}${toned('/', 'heading')}${draft}{inverse} {/inverse}${room > 40 ? toned(hint, 'dim') : ''}`;
  }
  if (pending > 0) return left + toned(formatCellText(`searching… ${formatCount(pending)} older sessions left to test`, room), 'note');
  const message = model.messages.at(-1);
  if (message !== undefined) return left + formatCellText(`${message}   (${FOOTER_HINTS})`, room);
  return left + toned(formatCellText(FOOTER_HINTS, room), 'dim');
}

function placeOverlay(lines: string[], overlay: OverlayContent, layout: Layout, width: number): void {
  const top = layout.listTitle;
  const rows = layout.footer - top - 1;
  const first = overlay.focusLine === undefined ? 0 : Math.max(0, Math.min(overlay.focusLine - rows + 1, overlay.lines.length - rows));
  lines[top] = rule(overlay.title, width, true);
  for (let row = 0; row < rows; row++) lines[top + 1 + row] = overlay.lines[first + row] ?? '';
}

/** The message where the list would be when it has no rows. */
function emptyListMessage(model: TuiModel, ui: UiState, pending: number): string {
  if (pending > 0) return 'searching…';
  if (ui.filter.failuresOnly || ui.filter.text !== '' || ui.filter.netns !== null) return `no session matches (${describeFilter(ui.filter)}); Esc clears the search, f and c toggle the others`;
  return model.input.kind === 'ended' ? 'no DNS sessions in this input' : 'waiting for DNS sessions…';
}

/**
 * Builds the frame for the model and the user's choices: the header, the visible rows only (virtualised:
 * nothing else is formatted), the detail of the selected session, an overlay, and the footer. It scans part
 * of a new filter's older sessions, so a filter over a million sessions spreads over frames.
 */
export function buildFrame(model: TuiModel, ui: UiState, size: ScreenSize): Frame {
  const width = Math.max(20, Math.floor(size.width));
  const layout = layoutOf(size.height, ui.detailOpen);
  const view = model.viewOf(ui.filter);
  view.scan(DEFAULT_SCAN_PER_FRAME);
  const pending = view.pending;
  const rows: RowSource = ui.pausedAt === null ? view : new PausedRows(view, ui.pausedAt);
  const viewport = buildViewport(rows, ui.viewport, layout.listRows);
  const next: UiState = { ...ui, viewport: viewport.state };
  const lines = new Array<string>(layout.footer + 1).fill('');
  [lines[0], lines[1]] = buildHeaderLines(model, ui.pausedAt, width);

  const filter = describeFilter(ui.filter);
  const position = viewport.count === 0 ? '' : ` ${formatCount(viewport.selected + 1)}/${formatCount(viewport.count)}`;
  lines[layout.listTitle] = toned(formatListTitle(width - 1), 'heading');
  viewport.rows.forEach((row, index) => {
    const markup = formatSessionRow(row.record, width - 1);
    const selected = viewport.top + index === viewport.selected;
    const coloured = toned(markup, sessionTone(row.record));
    lines[layout.listTop + index] = selected ? `{inverse}${coloured}{/inverse}` : coloured;
  });
  if (viewport.count === 0) lines[layout.listTop] = toned(formatCellText(emptyListMessage(model, ui, pending), width), 'dim');

  let detailLines = 0;
  if (ui.detailOpen) {
    const selected = viewport.rows[viewport.selected - viewport.top];
    const detail = selected ? formatDetailLines(buildSessionDetail(selected.record, model.stories.get(selected.seq)), width) : [toned('no session selected', 'dim')];
    detailLines = detail.length;
    const top = Math.max(0, Math.min(ui.detailTop, detail.length - layout.detailRows));
    next.detailTop = top;
    const span = detail.length > layout.detailRows ? ` · lines ${top + 1}–${Math.min(detail.length, top + layout.detailRows)} of ${detail.length}` : '';
    const title = selected ? `Session ${selected.record.id}${span}${ui.focus === 'detail' ? ' · ↑↓ scroll, Tab back to the list' : ' · Tab to scroll'}` : 'Detail';
    lines[layout.detailTitle] = rule(title, width, ui.focus === 'detail');
    for (let row = 0; row < layout.detailRows; row++) lines[layout.detailTop + row] = detail[top + row] ?? '';
  }
  // The list's position and filter ride on the footer's left when there is no overlay.
  const namespaces = model.stats.byNamespace();
  if (ui.overlay === 'help') placeOverlay(lines, buildHelpOverlay(width), layout, width);
  else if (ui.overlay === 'summary') placeOverlay(lines, buildSummaryOverlay(model.stats, width), layout, width);
  else if (ui.overlay === 'containers') placeOverlay(lines, buildContainerPicker(namespaces, ui.filter.netns, ui.pickerIndex, width), layout, width);
  const status = `${filter ? `[${filter}]` : ''}${position}`;
  lines[layout.footer] = footerLine(model, ui, textColumns(status) > width / 2 ? '' : status, pending, width);
  return {
    lines,
    ui: next,
    pending,
    keys: { rows, listHeight: layout.listRows, detailHeight: layout.detailRows, detailLines, namespaces: namespaces.map((group) => group.key), nextSeq: model.store.nextSeq },
  };
}
