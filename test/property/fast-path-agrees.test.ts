import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LinePeek, parseStraceLine, peekLineBytes, peekSeconds } from '../../parsers/strace/index.js';
import { TracePipeline } from '../../src/trace-pipeline.js';
import { formatNdjsonLine } from '../../src/sinks/ndjson.js';
import { mayHoldBpftrace } from '../../src/sources/trace-format.js';
import { describeInput } from '../../src/sources/trace-input.js';
import { repoPath } from '../support/repo-root.js';
import { replayFixtures } from '../support/replay-fixtures.js';

/**
 * The replay skips most lines after a glance at their bytes (peekLineBytes). Wherever that glance answers,
 * the full reader must agree with it, and replaying through the byte path must give exactly what replaying
 * every line through the full reader gives.
 */
const SOURCES = [
  'fixtures/strace-corpus/strace-corpus.txt',
  'fixtures/strace-corpus/strace-corpus-synthetic.txt',
  'fixtures/replay/dev-forward-mixed/dev-forward-mixed.strace',
  'fixtures/replay/mixed--blog/trace.strace',
  'fixtures/replay/mixed--r/trace.strace',
  'fixtures/replay/mixed--y/trace.strace',
];

test('the byte glance agrees with the full reader on every line it answers for', () => {
  const peek = new LinePeek();
  let answered = 0;
  for (const source of SOURCES) {
    const bytes = readFileSync(repoPath(source));
    let start = 0;
    while (start < bytes.length) {
      let end = bytes.indexOf(10, start);
      if (end < 0) end = bytes.length;
      if (peekLineBytes(bytes, start, end, peek)) {
        answered++;
        const text = bytes.toString('latin1', start, end);
        const record = parseStraceLine(text);
        const where = `${source}: ${text.slice(0, 100)}`;
        assert.equal(record.kind, 'syscall', where);
        if (record.kind !== 'syscall') continue;
        assert.equal(bytes.toString('latin1', peek.nameStart, peek.nameEnd), record.name, where);
        assert.equal(peek.pid, record.pid, where);
        assert.equal(peek.clock, record.stamp?.clock ?? null, where);
        if (record.stamp) assert.ok(Math.abs(peekSeconds(bytes, peek) - record.stamp.seconds) < 1e-9, where);
        assert.equal(peek.resumed, record.phase === 'resumed', where);
        assert.equal(peek.unfinished, record.phase === 'unfinished' || text.endsWith(' <unfinished ...>'), where);
      }
      start = end + 1;
    }
  }
  assert.ok(answered > 20_000, `the glance answered for ${answered} lines`);
});

function replay(inputs: string[], viaBytes: boolean): string {
  let output = '';
  const pipeline = new TracePipeline({ session: (record) => (output += formatNdjsonLine(record)) });
  for (const input of inputs) {
    const bytes = readFileSync(repoPath(input));
    const name = input.split('/').at(-1)!;
    let start = 0;
    let line = 0;
    while (start < bytes.length) {
      let end = bytes.indexOf(10, start);
      if (end < 0) end = bytes.length;
      line++;
      if (viaBytes) pipeline.pushBytes(bytes, start, end, name, line);
      else pipeline.pushLine(bytes.toString('latin1', start, end), name, line);
      start = end + 1;
    }
  }
  const summary = pipeline.end({ inputs, bytes: 0, notes: [] });
  return output + formatNdjsonLine(summary);
}

// The byte glance is strace's; bpftrace records are JSON and always read in full.
const straceFixtures = replayFixtures().filter((f) => !f.inputs.some((i) => i.endsWith('.gz') || mayHoldBpftrace(describeInput(repoPath(i)))));

for (const fixture of straceFixtures.filter((f) => f.inputs.length === 1)) {
  test(`byte path and full reader give the same sessions: ${fixture.name}`, () => {
    assert.equal(replay(fixture.inputs, true), replay(fixture.inputs, false));
  });
}
