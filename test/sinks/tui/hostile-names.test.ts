import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SessionRecord } from '../../../src/sessions/index.js';
import { escapeCellText, formatCellText } from '../../../src/sinks/tui/cell-text.js';
import { textColumns } from '../../../src/sinks/tui/column-width.js';
import { cellProblems, parseBlessedMarkup } from '../../support/blessed-markup.js';
import { buildHostileNamesTrace, HOSTILE_QUERIES } from '../../support/hostile-names-trace.js';
import { replayFixture, replayFixtures } from '../../support/replay-fixtures.js';

const fixture = replayFixtures().find((candidate) => candidate.name === 'tui-hostile-names')!;
const tracePath = join(fixture.dir, 'trace.strace');

test('the hostile-names trace is what test/support/hostile-names-trace.ts builds (UPDATE_GOLDEN=1 rewrites it)', () => {
  const built = buildHostileNamesTrace();
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(tracePath, built);
  assert.equal(readFileSync(tracePath, 'utf8'), built);
});

/** Every string a session record holds: names, CNAME targets, addresses, labels, verdicts. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

async function replayedSessions(): Promise<SessionRecord[]> {
  const { sessions, summary } = await replayFixture(fixture);
  assert.equal(summary.parseIssues.total, 0);
  assert.equal(sessions.length, HOSTILE_QUERIES.length);
  return sessions;
}

test('every text of every replayed hostile session is a safe cell at every width from 1 to 80', async () => {
  const texts = [...new Set((await replayedSessions()).flatMap(stringsOf))];
  for (const text of texts) {
    assert.deepEqual(cellProblems(escapeCellText(text), Infinity, textColumns), [], text);
    for (let columns = 1; columns <= 80; columns++) {
      const cell = formatCellText(text, columns);
      assert.deepEqual(cellProblems(cell, columns, textColumns), [], `${JSON.stringify(text)} in ${columns} columns`);
    }
  }
});

test('blessed shows the replayed names as the DNS presentation form, tags as typed, alignment markers broken', async () => {
  const names = (await replayedSessions()).map((session) => session.query?.name ?? '');
  const shown = names.map((name) => parseBlessedMarkup(escapeCellText(name)).shown);
  const expected = names.map((name) => name.replace(/\{(\||\/?(?:left|center|right))\}/g, '{$1\\x7d'));
  assert.deepEqual(shown, expected);
  assert.ok(shown[3]!.startsWith('{red-fg}x{/red-fg}.{bold}.{/}.{escape}.{open}.{|\\x7d.{center\\x7d.'), shown[3]);
  const longest = names[names.length - 1]!;
  assert.ok(longest.length > 255, `the 255-octet name shows as ${longest.length} characters`);
});

test('the raw bytes of the hostile names, read as UTF-8 or as Latin-1, are safe cells too', () => {
  for (const query of HOSTILE_QUERIES) {
    const bytes = query.labels.map((label) => Buffer.from(typeof label === 'string' ? Buffer.from(label, 'utf8') : label));
    for (const encoding of ['utf8', 'latin1'] as const) {
      const text = bytes.map((label) => label.toString(encoding)).join('.');
      for (let columns = 1; columns <= 80; columns++) {
        assert.deepEqual(cellProblems(formatCellText(text, columns), columns, textColumns), [], `${query.why} (${encoding}), ${columns} columns`);
      }
    }
  }
});
