import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ns53Error } from '../../src/errors.js';
import { readTraceMeta } from '../../src/sources/trace-meta-schema.js';
import { hasTraceMeta, initialNetnsOf, netnsForMeta, traceMetaPath, writeTraceMeta, type TraceMeta } from '../../src/sources/trace-meta.js';

const META: TraceMeta = {
  format: 'ns53-trace-meta',
  version: 1,
  backend: 'strace',
  command: 'strace -f -p 812',
  tracerVersion: 'strace 6.1',
  target: { pid: 812, comm: 'dockerd' },
  netns: netnsForMeta({ pid: 812, hostInode: 4026531840, threads: new Map([[812, 4026531840], [901, 4026532326]]) }),
  kernel: '6.1.0',
  startedAt: '2026-11-24T10:00:00.000Z',
  endedAt: null,
  clockAdvancedTo: 1795500000.5,
};

test('a meta file round-trips, and gives back the namespaces the pipeline starts from', () => {
  const trace = join(mkdtempSync(join(tmpdir(), 'ns53-meta-')), 'trace.strace');
  assert.equal(hasTraceMeta(trace), false);
  writeTraceMeta(trace, META);
  assert.equal(hasTraceMeta(trace), true);
  const meta = readTraceMeta(trace);
  assert.deepEqual(meta, META);
  const initial = initialNetnsOf(meta);
  assert.equal(initial.pid, 812);
  assert.equal(initial.hostInode, 4026531840);
  assert.deepEqual([...initial.threads], [[812, 4026531840], [901, 4026532326]]);
});

test('a meta file that is not JSON, or does not fit, is an error naming the file and the field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ns53-meta-'));
  const broken = join(dir, 'a.strace');
  writeFileSync(traceMetaPath(broken), '{"format":');
  assert.throws(() => readTraceMeta(broken), (error: Ns53Error) => error.code === 'E_INPUT_CORRUPT' && error.message.includes('a.strace.meta.json: not JSON'));
  const wrong = join(dir, 'b.strace');
  writeFileSync(traceMetaPath(wrong), JSON.stringify({ ...META, netns: { hostInode: 'x', threads: {} } }));
  assert.throws(() => readTraceMeta(wrong), (error: Ns53Error) => /b\.strace\.meta\.json: netns\.hostInode: /.test(error.message));
});

test('standard input has no meta file', () => {
  assert.equal(hasTraceMeta('-'), false);
});
