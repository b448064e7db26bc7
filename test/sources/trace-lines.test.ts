import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parseLinePrefix } from '../../parsers/strace/index.js';
import { Ns53Error } from '../../src/errors.js';
import { describeInput, isFollowForksSet } from '../../src/sources/trace-input.js';
import { feedTraceLines } from '../../src/sources/trace-lines.js';
import { repoPath } from '../support/repo-root.js';

async function collect(paths: string[]): Promise<{ lines: Array<[string, string, number, number | null]>; bytes: number; notes: string[] }> {
  const lines: Array<[string, string, number, number | null]> = [];
  const { bytes, notes } = await feedTraceLines(paths.map(describeInput), (buffer, start, end, file, line, pid) =>
    lines.push([buffer.toString('latin1', start, end), file, line, pid]),
  );
  return { lines, bytes, notes };
}

const scratch = mkdtempSync(join(tmpdir(), 'ns53-sources-'));

test('gzip input is detected by its magic bytes and read like plain text', async () => {
  const text = 'getpid() = 1\nclose(3) = 0\n';
  writeFileSync(join(scratch, 'plain.log'), text);
  writeFileSync(join(scratch, 'packed.log'), gzipSync(text));
  const plain = await collect([join(scratch, 'plain.log')]);
  const packed = await collect([join(scratch, 'packed.log')]);
  assert.deepEqual(packed.lines.map((l) => l[0]), plain.lines.map((l) => l[0]));
  assert.equal(packed.bytes, text.length);
});

test('a gzip file cut short keeps what decompressed, with a note', async () => {
  const text = Array.from({ length: 5000 }, (_, i) => `close(${i}) = 0`).join('\n');
  const packed = gzipSync(text);
  writeFileSync(join(scratch, 'cut.log.gz'), packed.subarray(0, Math.floor(packed.length * 0.6)));
  const { lines, notes } = await collect([join(scratch, 'cut.log.gz')]);
  assert.ok(lines.length > 100 && lines.length < 5000, `${lines.length} lines`);
  assert.match(notes.join('\n'), /cut\.log\.gz: the gzip data ends early/);
});

test('a missing file is an Ns53Error naming the file', async () => {
  await assert.rejects(collect([join(scratch, 'nope.strace')]), (error: unknown) => error instanceof Ns53Error && error.code === 'E_INPUT_NOT_FOUND' && /nope\.strace: no such file/.test(error.message));
});

test('several plain inputs are read one after another, numbered per file', async () => {
  writeFileSync(join(scratch, 'a.log'), 'getpid() = 1\ngetpid() = 1\n');
  writeFileSync(join(scratch, 'b.log'), 'getpid() = 2\n');
  const { lines } = await collect([join(scratch, 'a.log'), join(scratch, 'b.log')]);
  assert.deepEqual(lines.map(([, file, line]) => `${file}:${line}`), ['a.log:1', 'a.log:2', 'b.log:1']);
});

test('strace -ff files are recognised by their pid suffix and merged by return time', async () => {
  const dir = repoPath('fixtures/replay/mixed--ff');
  const files = readdirSync(dir).filter((f) => /^trace\.\d+$/.test(f)).map((f) => join(dir, f));
  assert.ok(isFollowForksSet(files.map(describeInput)));
  const { lines, notes } = await collect(files);
  assert.deepEqual(notes, []);
  const total = files.reduce((n, f) => n + readFileSync(f, 'latin1').split('\n').filter(Boolean).length, 0);
  assert.equal(lines.length, total, 'every line of every file');
  let previous = -Infinity;
  for (const [text, file, , pid] of lines) {
    assert.equal(pid, Number(file.split('.')[1]), 'pid from the suffix');
    const { stamp } = parseLinePrefix(text);
    const duration = / <(\d+\.\d+)>$/.exec(text);
    const key = stamp!.seconds + (duration ? Number(duration[1]) : 0);
    assert.ok(key >= previous, `out of order at ${file}: ${text.slice(0, 60)}`);
    previous = key;
  }
});

test('-ff files without absolute timestamps are replayed in order, with a note', async () => {
  writeFileSync(join(scratch, 'rel.100'), '     0.000100 getpid() = 100\n');
  writeFileSync(join(scratch, 'rel.101'), '     0.000100 getpid() = 100\n');
  const { lines, notes } = await collect([join(scratch, 'rel.100'), join(scratch, 'rel.101')]);
  assert.equal(lines.length, 2);
  assert.match(notes[0] ?? '', /no absolute timestamps/);
});

test('names with digits that are not an -ff set are not merged', () => {
  assert.equal(isFollowForksSet(['trace.1', 'other.2'].map(describeInput)), false);
  assert.equal(isFollowForksSet(['trace.1'].map(describeInput)), false);
  assert.equal(describeInput('x/trace.123.gz').pid, 123);
  assert.equal(describeInput('-').name, 'stdin');
});
