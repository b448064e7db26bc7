import { textColumns } from './column-width.js';

/**
 * Plain text broken into lines at most `width` columns wide, at spaces where it can be (a word longer than
 * a line is cut). Continuation lines start with `indent` spaces. The text is not escaped: callers escape
 * each line, so an escape is never cut in two.
 */
export function wrapText(text: string, width: number, indent = 0): string[] {
  const limit = Math.max(1, Math.floor(width));
  const pad = ' '.repeat(Math.min(indent, Math.max(0, limit - 10)));
  const lines: string[] = [];
  let line = '';
  let used = 0;
  const flush = (): void => {
    lines.push(line);
    line = pad;
    used = pad.length;
  };
  for (const word of text.split(' ')) {
    const columns = textColumns(word);
    const gap = used > pad.length || (lines.length === 0 && used > 0) ? 1 : 0;
    if (used + gap + columns <= limit) {
      line += (gap ? ' ' : '') + word;
      used += gap + columns;
      continue;
    }
    if (used > pad.length) flush();
    // A word wider than a line: cut it, character by character.
    for (const char of word) {
      const width = textColumns(char);
      if (used + width > limit && used > pad.length) flush();
      line += char;
      used += width;
    }
  }
  lines.push(line);
  return lines;
}
