import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { KEY_BINDINGS } from '../../src/sinks/tui/key-bindings.js';
import { repoPath } from '../support/repo-root.js';

test("the README's key table is the TUI's help, key for key and word for word", () => {
  const readme = readFileSync(repoPath('README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('| keys | what they do |'));
  const rows = table
    .split('\n')
    .slice(2)
    .filter((line, index, lines) => line.startsWith('|') && lines.slice(0, index).every((l) => l.startsWith('|')))
    .map((line) => /^\| `(.+)` \| (.+) \|$/.exec(line)!.slice(1));
  assert.deepEqual(rows, KEY_BINDINGS.map(({ keys, does }) => [keys, does]));
});
