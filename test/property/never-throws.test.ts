import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseArgs, parseStraceLine, parseSyscallBody } from '../../parsers/strace/index.js';
import { TracePipeline } from '../../src/trace-pipeline.js';
import { repoPath } from '../support/repo-root.js';

const realLines = readFileSync(repoPath('fixtures/replay/dev-forward-mixed/dev-forward-mixed.strace'), 'latin1')
  .split('\n')
  .filter((line) => /setns|socket|connect|getsockname|recvmsg|sendmsg|read\(|write\(|close|openat|resumed/.test(line))
  .slice(0, 400);

/** A line from a real trace with random damage: cut, spliced, characters inserted or removed. */
const mutatedLine = fc
  .tuple(fc.constantFrom(...realLines), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 6, unit: 'binary' })), { maxLength: 4 }))
  .map(([line, edits]) => {
    let text = line;
    for (const [at, remove, insert] of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + insert + text.slice(i + remove);
    }
    return text;
  });

/** Characters strace lines are made of, to reach deep into the grammar more often than random text would. */
const straceish = fc.string({ unit: fc.constantFrom(...'0123456789 ()[]{}<>"\\,=.:-+?|/_abcdefxyzAFIN_ENSOCK \t\x00\xff'), maxLength: 200 });

function readEverything(line: string): void {
  const record = parseStraceLine(line);
  if (record.kind === 'syscall') {
    const body = parseSyscallBody(record.text.slice(record.bodyStart));
    if (!('code' in body)) parseArgs(body.args);
  }
}

test('random lines never throw', () => {
  fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), straceish), (line) => readEverything(line)), { numRuns: 3000 });
});

test('mutated real lines never throw, alone or through the whole pipeline', () => {
  fc.assert(
    fc.property(fc.array(mutatedLine, { minLength: 1, maxLength: 60 }), (lines) => {
      const pipeline = new TracePipeline({ session: () => undefined });
      lines.forEach((line, i) => {
        readEverything(line);
        pipeline.pushLine(line, 'fuzz', i + 1);
      });
      const summary = pipeline.end({ inputs: ['fuzz'], bytes: 0, notes: [] });
      assert.equal(summary.lines, lines.length);
    }),
    { numRuns: 300 },
  );
});

test('a 10 MB line is read in time proportional to its length', () => {
  const huge = `write(3<UDP:[1]>, "${'\\377'.repeat(2_500_000)}", 2500000) = 2500000`;
  const started = process.hrtime.bigint();
  readEverything(huge);
  const pipeline = new TracePipeline({ session: () => undefined });
  pipeline.pushLine(huge, 'huge', 1);
  pipeline.end({ inputs: ['huge'], bytes: huge.length, notes: [] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  assert.ok(seconds < 5, `took ${seconds} s`);
});
