import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { textColumns } from '../../../src/sinks/tui/column-width.js';
import { wrapText } from '../../../src/sinks/tui/text-wrap.js';

test('wraps at spaces, indents continuation lines, cuts a word longer than a line', () => {
  assert.deepEqual(wrapText('source address 172.18.0.2:45204 is the container', 20, 2), ['source address', '  172.18.0.2:45204', '  is the container']);
  assert.deepEqual(wrapText('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
  assert.deepEqual(wrapText('', 10), ['']);
  assert.deepEqual(wrapText('中文中文中文', 5), ['中文', '中文', '中文'], 'wide characters count two columns');
});

test('property: no line is wider than the width, and the words come back in order', () => {
  const word = fc.stringMatching(/^[a-z中é]{1,12}$/);
  fc.assert(
    fc.property(fc.array(word, { maxLength: 30 }), fc.integer({ min: 4, max: 60 }), fc.integer({ min: 0, max: 8 }), (words, width, indent) => {
      const lines = wrapText(words.join(' '), width, indent);
      for (const line of lines) assert.ok(textColumns(line) <= width, `${JSON.stringify(line)} fits ${width}`);
      assert.equal(lines.join('').replace(/ /g, ''), words.join(''));
    }),
  );
});
