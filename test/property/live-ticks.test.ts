import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { SessionRecord } from '../../src/sessions/index.js';
import { TracePipeline } from '../../src/trace-pipeline.js';
import { replayFixtures } from '../support/replay-fixtures.js';

/** `PID SECONDS.MICROS ...`: the line stamp of a `-f -ttt` trace. */
const STAMP = /^\d+ +(\d+\.\d+) /;

/** Fixtures recorded with -f -ttt in one file, whose stamps are trace time (seconds since 1970, not -r deltas). */
const fixtures = replayFixtures().filter((fixture) => {
  if (fixture.inputs.length !== 1) return false;
  const stamp = STAMP.exec(readLines(fixture.inputs[0]!)[0] ?? '');
  return stamp !== null && Number(stamp[1]) > 1e9;
});

function readLines(path: string): string[] {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('latin1').split('\n');
}

interface Run {
  sessions: SessionRecord[];
}

/**
 * Replays `lines`, calling advanceTo between lines as a live source does while the trace is quiet. A tick is
 * always before every later line's stamp (a call's event time is never before its line's stamp), which is
 * what the live source guarantees by ticking behind the wall clock.
 */
function replayWithTicks(lines: string[], emitOrder: 'start' | 'completion', tickAt: (index: number) => number | null): Run {
  const sessions: SessionRecord[] = [];
  const pipeline = new TracePipeline({ session: (record) => sessions.push(record) }, { emitOrder });
  lines.forEach((line, index) => {
    const tick = tickAt(index);
    if (tick !== null) pipeline.advanceTo(tick);
    pipeline.pushLine(line, 'trace', index + 1);
  });
  pipeline.end({ inputs: ['trace'], bytes: 0, notes: [] });
  return { sessions };
}

/** Earliest stamp at or after each line (suffix minimum). */
function earliestStampFrom(lines: string[]): number[] {
  const earliest = new Array<number>(lines.length + 1).fill(Infinity);
  for (let i = lines.length - 1; i >= 0; i--) {
    const stamp = STAMP.exec(lines[i]!);
    earliest[i] = Math.min(earliest[i + 1]!, stamp ? Number(stamp[1]) : Infinity);
  }
  return earliest;
}

const byId = (a: SessionRecord, b: SessionRecord) => a.id - b.id;

test('the fixtures for this property are found', () => {
  assert.ok(fixtures.length >= 5, fixtures.map((f) => f.name).join(', '));
  assert.ok(fixtures.some((f) => f.name.startsWith('drop')), 'a fixture where deadlines decide');
});

for (const fixture of fixtures) {
  test(`${fixture.name}: clock ticks between lines and completion order change no session`, () => {
    const lines = readLines(fixture.inputs[0]!);
    const earliest = earliestStampFrom(lines);
    const reference = replayWithTicks(lines, 'start', () => null).sessions;
    assert.ok(reference.length > 0);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer(), (every, seed) => {
        // A tick before every `every`-th line, at a pseudo-random point just short of the next stamp.
        let state = seed >>> 0;
        const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
        const run = replayWithTicks(lines, 'completion', (index) => {
          const next = earliest[index]!;
          if (index % every !== 0 || !Number.isFinite(next)) return null;
          return next - 1e-6 - random() * 3;
        });
        assert.deepEqual([...run.sessions].sort(byId), reference);
      }),
      { numRuns: 4 },
    );
  });
}

test('ticks far ahead of the trace finish sessions early, so the guarantee needs ticks behind it', () => {
  // The property above is not vacuous: a tick that runs ahead of the trace does change what a drop run reports.
  const drop = fixtures.find((f) => f.name === 'drop--ttt-T-yy')!;
  const lines = readLines(drop.inputs[0]!);
  const reference = replayWithTicks(lines, 'start', () => null).sessions;
  const ahead = replayWithTicks(lines, 'completion', (index) => {
    const stamp = STAMP.exec(lines[index]!);
    return stamp ? Number(stamp[1]) + 60 : null;
  }).sessions.sort(byId);
  assert.notDeepEqual(ahead, reference);
});
