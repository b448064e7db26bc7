import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { UNSHOWABLE } from '../../../src/sinks/printable.js';
import { escapeCellText, formatCellText } from '../../../src/sinks/tui/cell-text.js';
import { isZeroWidthMark, textColumns } from '../../../src/sinks/tui/column-width.js';
import { cellProblems, parseBlessedMarkup } from '../../support/blessed-markup.js';

const ESCAPES: readonly (readonly [string, string, string])[] = [
  ['CSI clear screen', 'a\x1b[2Jb', 'a\\x1b[2Jb'],
  ['OSC title ended by BEL', '\x1b]0;pwned\x07', '\\x1b]0;pwned\\x07'],
  ['backspace, NUL, DEL', 'x\x08\x00\x7f', 'x\\x08\\x00\\x7f'],
  ['tab, newline, carriage return (blessed would lay them out)', '\t\n\r', '\\x09\\x0a\\x0d'],
  ['C1: one-byte CSI, NEL', '\x9b2J\x85', '\\x9b2J\\x85'],
  ['Latin-1, CJK and fullwidth letters are shown', 'é中ｅ', 'é中ｅ'],
  ['bidi override', 'a\u202eb', 'a\\u{open}202e{close}b'],
  ['zero-width joiner and BOM', '\u200d\ufeff', '\\u{open}200d{close}\\u{open}feff{close}'],
  ['line separator', '\u2028', '\\u{open}2028{close}'],
  ['lone surrogates', '\ud800x\udfff', '\\u{open}d800{close}x\\u{open}dfff{close}'],
  ['private use and unassigned', '\ue000\u0378', '\\u{open}e000{close}\\u{open}378{close}'],
  ['blessed colour tags', '{red-fg}x{/red-fg}', '{open}red-fg{close}x{open}/red-fg{close}'],
  ['blessed escapes in the input show as typed', '{open}{escape}', '{open}open{close}{open}escape{close}'],
  ['a brace that closes no alignment marker', 'ab}{x}', 'ab{close}{open}x{close}'],
  ['{|} would split the line once parsed', '{|}', '{open}|\\x7d'],
  ['{center} would align the line once parsed', '{center}x{/right}', '{open}center\\x7dx{open}/right\\x7d'],
  ['a cell may finish a marker opened before it', 'center}', 'center\\x7d'],
  ['combining marks stay on their letter', 'cafe\u0301', 'cafe\u0301'],
  ['a mark with nothing to sit on', '\u0301x', '\\u{open}301{close}x'],
  ['a mark after an escape', '\x07\u0301', '\\x07\\u{open}301{close}'],
  ['a mark after an escaped brace', '}\u0301', '\\x7d\\u{open}301{close}'],
  ['more than two marks on one letter', 'e\u0301\u0302\u0303', 'e\u0301\u0302\\u{open}303{close}'],
];

for (const [why, text, expected] of ESCAPES) {
  test(`escapeCellText: ${why}`, () => {
    assert.equal(escapeCellText(text), expected);
    assert.deepEqual(cellProblems(expected, Infinity, textColumns), []);
  });
}

const WIDTHS: readonly (readonly [string, string, number])[] = [
  ['ASCII', 'abc', 3],
  ['CJK ideographs', '中文', 4],
  ['Hangul syllables and fullwidth letters', '한ｅ', 4],
  ['a combining mark', 'e\u0301', 1],
  ['an emoji', '\u{1f600}', 2],
  ['an ellipsis', '…', 1],
];

for (const [why, text, columns] of WIDTHS) {
  test(`textColumns: ${why}`, () => assert.equal(textColumns(text), columns));
}

const CLIPS: readonly (readonly [string, string, number, string])[] = [
  ['text that fits is left whole', 'abc', 3, 'abc'],
  ['a clip ends in an ellipsis', 'abcdef', 4, 'abc…'],
  ['nothing fits in 0 columns', 'abc', 0, ''],
  ['a wide character is not split: one column stays free', '中文字', 4, '中…'],
  ['an escape is not split', 'a\x1b[2J', 5, 'a…'],
  ['an escape that fits is whole', '\x1b[2J', 5, '\\x1b…'],
  ['a tag escape counts one column', '{red-fg}', 3, '{open}r…'],
  ['a mark stays with its letter', 'e\u0301e\u0301e\u0301', 2, 'e\u0301…'],
  ['text with emoji presentation takes two columns', '\u2764\ufe0fx', 2, '…'],
];

for (const [why, text, columns, expected] of CLIPS) {
  test(`formatCellText: ${why}`, () => {
    assert.equal(formatCellText(text, columns), expected);
    assert.deepEqual(cellProblems(expected, columns, textColumns), []);
  });
}

test('formatCellText pads to exactly the columns asked for, wide characters counted', () => {
  assert.equal(formatCellText('ab', 4, { pad: true }), 'ab  ');
  assert.equal(formatCellText('中文字', 4, { pad: true }), '中… ');
  assert.equal(textColumns(parseBlessedMarkup(formatCellText('{x}\x07', 9, { pad: true })).shown), 9);
});

test('the checker catches what it is there to catch', () => {
  assert.notDeepEqual(cellProblems('a\x1b[31m', 80, textColumns), []);
  assert.notDeepEqual(cellProblems('{red-fg}x', 80, textColumns), []);
  assert.notDeepEqual(cellProblems('{escape}x{/escape}', 80, textColumns), []);
  assert.notDeepEqual(cellProblems('{open}|{close}', 80, textColumns), []);
  assert.notDeepEqual(cellProblems('中文', 3, textColumns), []);
  assert.deepEqual(cellProblems('{open}red-fg{close}', 8, textColumns), []);
});

/** Any code point, lone surrogates included, mixed with the pieces the rules are about. */
const hostileChar = fc.oneof(
  fc.integer({ min: 0, max: 0x10ffff }).map((codePoint) => String.fromCodePoint(codePoint)),
  fc.integer({ min: 0, max: 0x9f }).map((code) => String.fromCharCode(code)),
  fc.constantFrom('{', '}', '|', '/', 'left', 'center', 'escape', 'open', '\x1b[2J', '\u0301', '\ufe0f', '中', '\u{1f600}', '…', '\\x1b'),
);
const hostileText = fc.array(hostileChar, { maxLength: 40 }).map((parts) => parts.join(''));

test('property: any text, clipped to any width, is a safe cell no wider than asked', () => {
  fc.assert(
    fc.property(hostileText, fc.integer({ min: 0, max: 80 }), fc.boolean(), (text, columns, pad) => {
      const markup = formatCellText(text, columns, { pad });
      assert.deepEqual(cellProblems(markup, columns, textColumns), []);
      if (pad) assert.equal(textColumns(parseBlessedMarkup(markup).shown), columns);
    }),
    { numRuns: 3000 },
  );
});

test('property: text with nothing to escape is shown exactly as it is', () => {
  const plain = hostileText.filter((text) => ![...text].some((c) => UNSHOWABLE.test(c) || isZeroWidthMark(c) || c === '}'));
  fc.assert(fc.property(plain, (text) => assert.equal(parseBlessedMarkup(escapeCellText(text)).shown, text)));
});

test('property: a clipped cell is the whole cell cut between escapes, never inside one', () => {
  const token = /\\x[0-9a-f]{2}|\\u\{[0-9a-f]+\}|\{open\}|\{close\}|[\s\S]/gu;
  const noBackslash = hostileText.filter((text) => !text.includes('\\'));
  fc.assert(
    fc.property(noBackslash, fc.integer({ min: 1, max: 80 }), (text, columns) => {
      const whole = escapeCellText(text);
      const clipped = formatCellText(text, columns);
      if (clipped === whole) return;
      assert.ok(clipped.endsWith('…'));
      const kept = clipped.slice(0, -1);
      assert.ok(whole.startsWith(kept));
      const boundaries = new Set([0, ...[...whole.matchAll(token)].map((m) => m.index + m[0].length)]);
      assert.ok(boundaries.has(kept.length), `cut at ${kept.length} of ${JSON.stringify(whole)}`);
    }),
    { numRuns: 2000 },
  );
});

test('property: plain text (ASCII but braces, and → … · ─ ●) takes the quick way: shown as itself, clipped with … in the last column', () => {
  const plainChar = fc.constantFrom(...'abcXYZ019 .:-_[]|~→…·─●'.split(''));
  fc.assert(
    fc.property(fc.array(plainChar, { maxLength: 40 }), fc.integer({ min: 0, max: 50 }), fc.boolean(), (chars, columns, pad) => {
      const text = chars.join('');
      const cell = formatCellText(text, columns, { pad });
      assert.deepEqual(cellProblems(cell, columns, textColumns), []);
      const shown = parseBlessedMarkup(cell).shown;
      const expected = text.length <= columns ? text : columns > 0 ? `${text.slice(0, columns - 1)}…` : '';
      assert.equal(shown, pad ? expected.padEnd(columns) : expected);
      // The same as the general way: a brace after the text takes that way, and shows the text before it alike.
      if (text.length + 1 <= columns) assert.equal(parseBlessedMarkup(formatCellText(`${text}{`, columns)).shown, `${text}{`);
    }),
    { numRuns: 2000 },
  );
});
