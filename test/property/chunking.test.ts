import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { TracePipeline } from '../../src/trace-pipeline.js';
import { formatNdjsonLine } from '../../src/sinks/ndjson.js';
import { LineSplitter } from '../../src/sources/line-splitter.js';
import { repoPath } from '../support/repo-root.js';

const trace = readFileSync(repoPath('fixtures/replay/dev-forward-mixed/dev-forward-mixed.strace'));

/** Splits `bytes` at the given cut points and replays the chunks; returns the lines and the NDJSON output. */
function replayChunks(bytes: Buffer, cuts: number[]): { lines: string[]; output: string } {
  const lines: string[] = [];
  let output = '';
  const pipeline = new TracePipeline({ session: (record) => (output += formatNdjsonLine(record)) });
  const splitter = new LineSplitter((buffer, start, end) => {
    lines.push(buffer.toString('latin1', start, end));
    pipeline.pushBytes(buffer, start, end, 'trace', lines.length);
  });
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    splitter.push(bytes.subarray(start, cut));
    start = cut;
  }
  splitter.push(bytes.subarray(start));
  splitter.end();
  output += formatNdjsonLine(pipeline.end({ inputs: ['trace'], bytes: bytes.length, notes: [] }));
  return { lines, output };
}

const whole = replayChunks(trace, []);

test('any chunking of the input gives the same lines and the same sessions', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 0, max: trace.length }), { maxLength: 200 }), (cuts) => {
      const chunked = replayChunks(trace, cuts);
      assert.equal(chunked.lines.length, whole.lines.length);
      assert.deepEqual(chunked.lines, whole.lines);
      assert.equal(chunked.output, whole.output);
    }),
    { numRuns: 25 },
  );
});

test('one-byte chunks and a missing final newline lose nothing', () => {
  const small = Buffer.from('getpid() = 1\nread(3, "x", 1) = 1\nlast line without newline');
  const cuts = Array.from({ length: small.length - 1 }, (_, i) => i + 1);
  assert.deepEqual(replayChunks(small, cuts).lines, ['getpid() = 1', 'read(3, "x", 1) = 1', 'last line without newline']);
});

test('bytes outside ASCII survive as one character each (latin1), even split mid-sequence', () => {
  const bytes = Buffer.from([0x61, 0xc3, 0xa9, 0x0a, 0xff, 0x00, 0x0a]);
  const { lines } = replayChunks(bytes, [2]);
  assert.deepEqual(lines, ['a\xc3\xa9', '\xff\x00']);
});
