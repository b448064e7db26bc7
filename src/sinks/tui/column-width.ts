// How many terminal columns a character takes, by the rules of wcwidth and the string-width package:
// East Asian Wide and Fullwidth characters and emoji shown as emoji take 2, combining marks 0, the rest 1.
// Where terminals disagree the table errs wide: a clip that leaves a column free is harmless, one that
// overflows pushes the rest of the row out of its box.

/**
 * East Asian Width W and F (Unicode EastAsianWidth.txt), merged into blocks; emoji come from
 * \p{Emoji_Presentation} instead. Unassigned code points inside a block never reach this table (they are
 * escaped), so a block can be wider than its assigned part; a few Ambiguous ones counted 2 only err wide.
 */
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], // Hangul Jamo initial consonants
  [0x2329, 0x232a], // angle brackets
  [0x2e80, 0x303e], // CJK radicals, Kangxi radicals, ideographic description, CJK symbols and punctuation
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, Kanbun, CJK strokes, enclosed
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xa960, 0xa97f], // Hangul Jamo extended A
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small form variants
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6], // fullwidth signs
  [0x16fe0, 0x16fff], // ideographic symbols
  [0x17000, 0x18d8f], // Tangut, Khitan
  [0x1aff0, 0x1b2ff], // Kana supplement and extensions, Nushu
  [0x1f200, 0x1f2ff], // enclosed ideographic supplement
  [0x20000, 0x2fffd], // CJK extensions B–F, compatibility supplement
  [0x30000, 0x3fffd], // CJK extensions G–H
];

const EMOJI_PRESENTATION = /\p{Emoji_Presentation}/u;
/** Nonspacing and enclosing marks draw on the character before them; spacing marks (Mc) count 1. */
const ZERO_WIDTH_MARK = /[\p{Mn}\p{Me}]/u;

/** Whether the character is a combining mark that takes no column of its own. */
export function isZeroWidthMark(char: string): boolean {
  return ZERO_WIDTH_MARK.test(char);
}

/** Columns taken by one character (a whole code point) that is neither a control nor a mark: 1 or 2. */
export function charColumns(char: string): 1 | 2 {
  if (EMOJI_PRESENTATION.test(char)) return 2;
  const codePoint = char.codePointAt(0)!;
  let low = 0;
  let high = WIDE_RANGES.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [first, last] = WIDE_RANGES[middle]!;
    if (codePoint < first) high = middle - 1;
    else if (codePoint > last) low = middle + 1;
    else return 2;
  }
  return 1;
}

/** VARIATION SELECTOR-16 asks for emoji presentation, which terminals draw 2 columns wide (❤ then ❤️). */
const EMOJI_VARIATION = '\ufe0f';

/** Columns taken by text already free of controls and escapes (what a cell shows once blessed parsed it). */
export function textColumns(text: string): number {
  let columns = 0;
  let last = 0;
  for (const char of text) {
    if (char === EMOJI_VARIATION && last === 1) {
      columns += 1;
      last = 2;
    } else if (!isZeroWidthMark(char)) {
      last = charColumns(char);
      columns += last;
    }
  }
  return columns;
}
