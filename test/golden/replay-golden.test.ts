import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SessionRecordSchema, SummaryRecordSchema } from '../../src/sessions/record-schemas.js';
import { formatNdjsonLine } from '../../src/sinks/ndjson.js';
import { replayFixture, replayFixtures } from '../support/replay-fixtures.js';

/**
 * Golden tests: each fixture's trace replays to exactly its expected.ndjson. `UPDATE_GOLDEN=1 npm test`
 * rewrites them; a human reviews the diff before committing.
 */
const update = process.env.UPDATE_GOLDEN === '1';

for (const fixture of replayFixtures()) {
  test(`golden: ${fixture.name}`, async () => {
    const { sessions, summary } = await replayFixture(fixture);
    for (const session of sessions) SessionRecordSchema.parse(session);
    SummaryRecordSchema.parse(summary);
    const actual = [...sessions, summary].map(formatNdjsonLine).join('');
    const expectedPath = join(fixture.dir, 'expected.ndjson');
    if (update || !existsSync(expectedPath)) {
      assert.ok(update, `${expectedPath} is missing: run UPDATE_GOLDEN=1 npm test and review it`);
      writeFileSync(expectedPath, actual);
      return;
    }
    const expected = readFileSync(expectedPath, 'utf8');
    if (actual === expected) return;
    const actualLines = actual.split('\n');
    const expectedLines = expected.split('\n');
    const at = actualLines.findIndex((line, i) => line !== expectedLines[i]);
    assert.equal(actualLines[at], expectedLines[at], `first difference at line ${at + 1} of ${expectedPath}`);
    assert.equal(actualLines.length, expectedLines.length, 'number of lines');
  });
}
