import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { OUTCOMES } from './expected-manifest.js';
import { generateDockerdLog, manifestPathOf } from './generate-dockerd-log.js';
import { quoteBytes } from './strace-quote.js';

const dir = mkdtempSync(join(tmpdir(), 'ns53-gen-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// About 1 MB, with lookups far denser than the default so a small log still holds a few dozen sessions.
const OPTIONS = { mb: 1, seed: 7, linesPerLookup: 250 };
const first = generateDockerdLog({ ...OPTIONS, outFile: join(dir, 'a.strace') });
const second = generateDockerdLog({ ...OPTIONS, outFile: join(dir, 'b.strace') });
const log = readFileSync(join(dir, 'a.strace'));

describe('generate-dockerd-log', () => {
  it('writes byte-identical logs and manifests for the same seed', () => {
    assert.ok(log.equals(readFileSync(join(dir, 'b.strace'))), 'the two logs differ');
    assert.equal(readFileSync(manifestPathOf(join(dir, 'a.strace')), 'utf8'), readFileSync(manifestPathOf(join(dir, 'b.strace')), 'utf8'));
    assert.deepEqual(first, second);
  });

  it('writes a different log for another seed', () => {
    const other = generateDockerdLog({ ...OPTIONS, seed: 8, outFile: join(dir, 'c.strace') });
    assert.notEqual(other.file.bytes, first.file.bytes);
  });

  it('describes the file it wrote', () => {
    assert.equal(first.file.bytes, statSync(join(dir, 'a.strace')).size);
    assert.equal(first.file.lines, log.filter((byte) => byte === 10).length);
    assert.ok(first.file.bytes >= 1e6 && first.file.bytes < 1.5e6, `size ${first.file.bytes}`);
    const kinds = first.lineKinds;
    assert.equal(kinds.complete + kinds.unfinished + kinds.resumed + kinds.signal + kinds.detached, first.file.lines);
  });

  it('keeps its counts consistent', () => {
    const m = first;
    assert.ok(m.sessions >= 10, `only ${m.sessions} sessions`);
    assert.equal(OUTCOMES.reduce((sum, o) => sum + m.outcomes[o], 0), m.attempts);
    assert.equal(Object.values(m.rcodes).reduce((a, b) => a + b, 0), m.outcomes.answer);
    // Every forwarded query makes exactly one attempt (one upstream); container names make none.
    assert.equal(m.sessions, m.attempts + m.localAnswers);
    // A reply goes back for every answer and every local answer, never after ECONNREFUSED or a timeout.
    assert.equal(m.replies, m.outcomes.answer + m.localAnswers);
    assert.equal(m.namespaces.container, m.attempts);
    assert.equal(m.outcomes.pending, 0);
  });

  it('writes lines in strace -f -ttt -T -yy shape, in time order, with every resumed call unfinished first', () => {
    const open = new Map<string, string>();
    let last = 0;
    const lines = log.toString('latin1').split('\n');
    assert.equal(lines.pop(), '');
    for (const [index, line] of lines.entries()) {
      const match = /^(\d+) +(\d{10}\.\d{6}) (.*)$/.exec(line);
      assert.ok(match, `line ${index + 1}: ${line.slice(0, 120)}`);
      const [, tid, stamp, body] = match as unknown as [string, string, string, string];
      assert.ok(line.startsWith(`${tid.padEnd(5)} ${stamp} `), `line ${index + 1}: the pid column is not %-5u`);
      const time = Number(stamp);
      assert.ok(time >= last, `line ${index + 1} goes back in time`);
      last = time;
      const resumed = /^<\.\.\. (\w+) resumed>/.exec(body);
      if (resumed) {
        assert.equal(open.get(tid), resumed[1], `line ${index + 1}: resumes a call that is not open on ${tid}`);
        open.delete(tid);
      } else if (body.endsWith(' <unfinished ...>')) {
        assert.ok(!open.has(tid), `line ${index + 1}: ${tid} already has an open call`);
        open.set(tid, /^(\w+)\(/.exec(body)![1]!);
      } else if (!body.startsWith('--- ')) {
        assert.match(body, /^\w+\(.*\) = .+ <\d+\.\d{6}>$|<detached \.\.\.>$/, `line ${index + 1}`);
      }
    }
  });
});

describe('quoteBytes', () => {
  it('escapes as strace does: shortest octal unless a digit 0-7 follows', () => {
    assert.equal(quoteBytes([0x8d, 0x6c, 0x81, 0x80, 0, 1]), '"\\215l\\201\\200\\0\\1"');
    assert.equal(quoteBytes([0, 0x31, 1, 0x38, 0x0c, 0x22, 0x5c, 0x09, 0x7f]), '"\\0001\\18\\f\\"\\\\\\t\\177"');
    assert.equal(quoteBytes([0x41, 0x42, 0x43], 2), '"AB"...');
  });
});
