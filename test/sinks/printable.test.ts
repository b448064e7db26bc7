import assert from 'node:assert/strict';
import { test } from 'node:test';
import { printable } from '../../src/sinks/printable.js';
import { formatSessionRows } from '../../src/sinks/table.js';
import type { SessionRecord } from '../../src/sessions/index.js';

test('terminal escapes, control bytes and non-ASCII from a trace are shown as \\xNN', () => {
  assert.equal(printable('evil\x1b[2J\x07name\x00\xff'), 'evil\\x1b[2J\\x07name\\x00\\xff');
  assert.equal(printable('clipped…'), 'clipped…');
});

test('a character above U+00FF is one unambiguous \\u{N}, never a run of \\xNN that could be read two ways', () => {
  assert.equal(printable('\u4e2d.example'), '\\u{4e2d}.example');
  assert.notEqual(printable('\ue92d'), printable('\xe9' + '2d'));
  assert.equal(printable('\u{1f600}'), '\\u{1f600}');
  assert.equal(printable('\ud800x\udfff'), '\\u{d800}x\\u{dfff}');
});

test('a DNS name carrying an escape sequence cannot reach the terminal through the table', () => {
  const session: SessionRecord = {
    type: 'session',
    id: 1,
    time: null,
    client: null,
    query: { id: 1, name: 'x\x1b]0;pwned\x07.example', type: 'A', class: 'IN', truncated: false },
    attempts: [],
    reply: null,
    verdict: 'received but neither forwarded nor answered within the trace',
  };
  const rows = formatSessionRows(session).join('\n');
  assert.ok(!rows.includes('\x1b'), rows);
  assert.ok(!rows.includes('\x07'), rows);
});
