// Untrusted text (DNS names, paths, excerpts of a trace) as content of a blessed element with `tags: true`.
// What blessed does with content (lib/widgets/element.js): _parseTags turns every `{…}` matching
// /^{(\/?)([\w\-,;!#]*)}/ into attributes (`{open}` and `{close}` into literal braces, `{escape}` starts raw
// text); afterwards, on the parsed text, _wrapContent and _align treat `{left}`, `{center}`, `{right}` at a
// line's start, `{/left}`… at its end and `{|}` anywhere as alignment. So: controls are escaped as in the
// plain table, every brace becomes `{open}`/`{close}`, and a `}` that would close an alignment marker once
// parsed is shown as `\x7d` instead.

import { formatCharEscape, UNSHOWABLE } from '../printable.js';
import { isZeroWidthMark, textColumns } from './column-width.js';

/** More marks than Vietnamese stacks on one letter only serve to draw over the rows around ("Zalgo"). */
const MAX_MARKS_PER_CHARACTER = 2;
/** Added where text was clipped; counted as 1 column, as everywhere in ns53. */
const ELLIPSIS = '…';

/** What blessed treats as alignment once tags are parsed: the text between `{` and `}`. */
const ALIGNMENT_BODIES: readonly string[] = ['|', 'left', 'center', 'right', '/left', '/center', '/right'];

/** One thing a cell shows, never split by clipping: a character with its marks, or an escape. */
interface Piece {
  /** What goes into the element's content. */
  markup: string;
  /** What blessed shows for it once tags are parsed. */
  shown: string;
}

/** Blessed's own escape for a brace: `{open}` and `{close}` are tags that show one brace each. */
function braceMarkup(brace: string): string {
  return brace === '{' ? '{open}' : '{close}';
}

/** An escape as formatCharEscape writes it; the braces of `\u{N}` escaped too, or blessed reads `{N}` as a tag. */
function escapePiece(char: string): Piece {
  const escape = formatCharEscape(char);
  return { markup: escape.replace(/[{}]/g, braceMarkup), shown: escape };
}

/**
 * Whether a `}` after `shownBefore` (what the cell shows before it) would close an alignment marker. With
 * no `{` in the cell the marker may have opened in the content before the cell, so any tail of a marker
 * body counts, the empty one included.
 */
function closesAlignmentMarker(shownBefore: string): boolean {
  const open = shownBefore.lastIndexOf('{');
  if (open >= 0) return ALIGNMENT_BODIES.includes(shownBefore.slice(open + 1));
  return ALIGNMENT_BODIES.some((body) => body.endsWith(shownBefore));
}

/**
 * Printable ASCII but the braces, and the few symbols ns53 draws with (→ … · ─ ●): each shown as itself in
 * one column, nothing to escape. Every one is a single UTF-16 unit, so the text's length is its width.
 */
const PLAIN_TEXT = /^[\x20-\x7a\x7c\x7e→…·─●]*$/;

/** Columns are counted once a piece is complete: a mark after it (VS16) can widen it. */
function pieces(text: string): (Piece & { columns: number })[] {
  const out: Piece[] = [];
  let shown = '';
  let base: Piece | null = null;
  let marks = 0;
  const push = (piece: Piece, canTakeMarks: boolean): void => {
    out.push(piece);
    shown += piece.shown;
    base = canTakeMarks ? piece : null;
    marks = 0;
  };
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code >= 0x20 && code < 0x7f && code !== 0x7b && code !== 0x7d) {
      // Printable ASCII, the bulk of every row: no class to test (a mark that follows is tested as it comes).
      push({ markup: char, shown: char }, true);
    } else if (isZeroWidthMark(char)) {
      if (base !== null && marks < MAX_MARKS_PER_CHARACTER) {
        const piece: Piece = base;
        piece.markup += char;
        piece.shown += char;
        shown += char;
        marks++;
      } else {
        push(escapePiece(char), false);
      }
    } else if (UNSHOWABLE.test(char)) {
      push(escapePiece(char), false);
    } else if (char === '}' && closesAlignmentMarker(shown)) {
      push(escapePiece(char), false);
    } else if (char === '{' || char === '}') {
      push({ markup: braceMarkup(char), shown: char }, true);
    } else {
      push({ markup: char, shown: char }, true);
    }
  }
  const counted = out as (Piece & { columns: number })[];
  for (const piece of counted) piece.columns = piece.shown.length === 1 && piece.shown < '\x7f' ? 1 : textColumns(piece.shown);
  return counted;
}

/** Untrusted text as blessed content: shows exactly the text's characters, escaped where they are unsafe. */
export function escapeCellText(text: string): string {
  if (PLAIN_TEXT.test(text)) return text;
  return pieces(text).map((piece) => piece.markup).join('');
}

/** How formatCellText fills its columns. */
export interface CellTextOptions {
  /** Pad with spaces to exactly `columns` (for table cells); by default the text is only clipped. */
  pad?: boolean;
}

/**
 * Untrusted text as blessed content at most `columns` wide: escaped as escapeCellText does, then clipped
 * between characters, never inside an escape or a wide character, with `…` in the last column.
 */
export function formatCellText(text: string, columns: number, options: CellTextOptions = {}): string {
  const limit = Math.max(0, Math.floor(columns));
  if (PLAIN_TEXT.test(text)) {
    // The common case, without a piece per character: same result, a tenth of the time (npm run bench:tui).
    const clipped = text.length <= limit ? text : limit > 0 ? `${text.slice(0, limit - 1)}${ELLIPSIS}` : '';
    return options.pad ? clipped.padEnd(limit) : clipped;
  }
  const all = pieces(text);
  let total = 0;
  for (const piece of all) total += piece.columns;
  let markup = '';
  let used = 0;
  if (total <= limit) {
    markup = all.map((piece) => piece.markup).join('');
    used = total;
  } else if (limit > 0) {
    for (const piece of all) {
      if (used + piece.columns > limit - 1) break;
      markup += piece.markup;
      used += piece.columns;
    }
    markup += ELLIPSIS;
    used += 1;
  }
  return options.pad ? markup + ' '.repeat(limit - used) : markup;
}
