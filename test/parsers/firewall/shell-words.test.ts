import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitShellWords } from '../../../parsers/firewall/index.js';

const cases: Array<[string, string[]]> = [
  ['-A FORWARD -j DROP', ['-A', 'FORWARD', '-j', 'DROP']],
  ['  -A\tX  ', ['-A', 'X']],
  ['-m comment --comment "a b"', ['-m', 'comment', '--comment', 'a b']],
  ['--comment "say \\"hi\\" \\\\ ok"', ['--comment', 'say "hi" \\ ok']],
  ["--comment 'it is'", ['--comment', 'it is']],
  ['--comment "\\\'dapp_OpenSSH\\\'"', ['--comment', "\\'dapp_OpenSSH\\'"]],
  ['a"b c"d', ['ab cd']],
  ['""', ['']],
];
for (const [line, words] of cases) {
  test(`splitShellWords ${JSON.stringify(line)}`, () => {
    const result = splitShellWords(line);
    assert.ok(result.ok);
    assert.deepEqual(result.words.map((w) => w.value), words);
  });
}

test('splitShellWords: a quoted ! is a word, a bare one is negation', () => {
  const result = splitShellWords('! "!"');
  assert.deepEqual(result.words.map((w) => [w.value, w.quoted]), [['!', false], ['!', true]]);
});

test('splitShellWords: an unterminated quote says where it opened', () => {
  const result = splitShellWords('-m comment --comment "never closed');
  assert.equal(result.ok, false);
  assert.equal(result.ok === false && result.quoteAt, 21);
  assert.deepEqual(result.words.map((w) => w.value), ['-m', 'comment', '--comment']);
});
