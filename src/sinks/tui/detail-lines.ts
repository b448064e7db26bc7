import { showable } from '../printable.js';
import { formatCellText } from './cell-text.js';
import { textColumns } from './column-width.js';
import type { DetailLine } from './session-story.js';
import { wrapText } from './text-wrap.js';
import { toned } from './tone.js';

const OFFSET_WIDTH = 12;
const TID_WIDTH = 11;
/** Text narrower than this is not worth wrapping beside a prefix; the prefix is dropped instead. */
const MIN_TEXT_COLUMNS = 20;

/** `+0.412 ms`, `+1.503 s`. */
function formatOffset(ms: number): string {
  return ms >= 1000 ? `+${(ms / 1000).toFixed(3)} s` : `+${ms.toFixed(3)} ms`;
}

/** The columns before a syscall step's words: its offset from the session's first step, and its thread. */
function stepPrefix(line: DetailLine): string {
  if (line.offsetMs === undefined && line.tid === undefined) return '';
  const offset = line.offsetMs == null ? '' : formatOffset(line.offsetMs);
  const tid = line.tid == null ? '' : `tid ${line.tid}`;
  return `${offset.padStart(OFFSET_WIDTH - 1)} ${tid.padEnd(TID_WIDTH - 1)} `;
}

/**
 * The detail pane's lines as markup, wrapped to `width`: a syscall step gets its offset and thread in two
 * columns before its words (continuation lines are indented under them) and its trace position (file:line)
 * after the first line, when there is room.
 */
export function formatDetailLines(lines: readonly DetailLine[], width: number): string[] {
  const out: string[] = [];
  for (const line of lines) {
    let prefix = stepPrefix(line);
    if (width - prefix.length < MIN_TEXT_COLUMNS) prefix = '';
    const wrapped = wrapText(showable(line.text), width - prefix.length, 2);
    wrapped.forEach((text, index) => {
      const lead = index === 0 ? prefix : ' '.repeat(prefix.length);
      let markup = toned(formatCellText(lead + text, width), line.tone);
      const room = width - prefix.length - textColumns(text) - 2;
      if (index === 0 && line.ref && room >= Math.min(12, line.ref.length)) markup += `  ${toned(formatCellText(line.ref, room), 'dim')}`;
      out.push(markup);
    });
  }
  return out;
}
