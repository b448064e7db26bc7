import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { BpftraceEventReader, REORDER_WINDOW_SECONDS } from '../../src/events/bpftrace-event-reader.js';
import type { SessionRecord } from '../../src/sessions/index.js';
import { traceMetaPath, initialNetnsOf, type TraceMeta } from '../../src/sources/trace-meta.js';
import { TracePipeline } from '../../src/trace-pipeline.js';
import { replayFixture, replayFixtures } from '../support/replay-fixtures.js';

/**
 * bpftrace prints into per-CPU buffers and its reader drains them in turn, so the order in which records
 * reach ns53 is one of many: each CPU's records come in the order that CPU printed them, but one CPU's may
 * arrive seconds after another's, and a thread's own records, printed on two CPUs, can swap. Whatever the
 * arrival order that keeps each CPU's own order, with delays up to the reorder window, and wherever the live
 * clock ticks, the sessions must be those of the saved file.
 */

/** As the bpftrace backend's live clock (bpftrace-tracer.ts). */
const LIVE_CLOCK_LAG_SECONDS = REORDER_WINDOW_SECONDS + 1;

const fixtures = replayFixtures().filter((fixture) => fixture.name.startsWith('live-bpftrace-'));

/** One line with where it sits in the file; a call's io, peer and more records travel together (one CPU). */
interface Unit {
  lines: { text: string; line: number }[];
  /** Seconds on the monotonic clock, or -Infinity for lines that are not syscall records. */
  seconds: number;
  /** The CPU that printed it (-1: none). */
  cpu: number;
}

/**
 * The file's lines as units. io and more records do not say their CPU (see ns53.bt); each is given a CPU it
 * can have been printed on: its thread's last, unless that CPU had already printed something later (the
 * thread moved), then another whose stream it fits. The arrival orders drawn below then stay ones a
 * per-CPU reader could produce.
 */
function unitsOf(text: string): Unit[] {
  const units: Unit[] = [];
  const threadCpu = new Map<number, number>();
  const cpuLatest = new Map<number, number>();
  const fits = (cpu: number, ts: number) => (cpuLatest.get(cpu) ?? -Infinity) <= ts;
  text.split('\n').forEach((line, index) => {
    if (line === '') return;
    const envelope = JSON.parse(line) as { type: string; data: unknown };
    const record = envelope.type === 'printf' ? (JSON.parse(String(envelope.data).replaceAll('\\x', '')) as { k: string; ts: number; cpu?: number; tid?: number }) : null;
    const entry = { text: line, line: index + 1 };
    const last = units.at(-1);
    if (record && (record.k === 'peer' || record.k === 'more') && last) {
      last.lines.push(entry);
      return;
    }
    let cpu = record?.cpu ?? -1;
    if (record?.tid !== undefined) {
      if (record.cpu === undefined) {
        const own = threadCpu.get(record.tid) ?? 0;
        cpu = fits(own, record.ts) ? own : ([...cpuLatest.keys()].find((other) => fits(other, record.ts)) ?? own);
      } else threadCpu.set(record.tid, record.cpu);
    }
    if (record && cpu >= 0) cpuLatest.set(cpu, Math.max(cpuLatest.get(cpu) ?? -Infinity, record.ts));
    units.push({ lines: [entry], seconds: record && record.k !== 'hello' ? record.ts / 1e9 : -Infinity, cpu });
  });
  return units;
}

/** The wall-clock seconds of a monotonic instant, by the file's hello record. */
function wallClockOf(units: Unit[]): (seconds: number) => number {
  const hello = units.flatMap((unit) => unit.lines).find(({ text }) => text.includes('\\"k\\":\\"hello\\"'))!;
  const record = JSON.parse(String((JSON.parse(hello.text) as { data: string }).data)) as { ts: number; wall: string };
  return (seconds) => Number(record.wall) + seconds - record.ts / 1e9;
}

/**
 * Replays units in the order they arrive. Before a unit marked in `ticks`, the clock is advanced as the live
 * source does, behind the moment of arrival by more than any delay here.
 */
function replayInOrder(arrivals: { unit: Unit; at: number }[], file: string, meta: TraceMeta, ticks: boolean[], wallClock: (seconds: number) => number): { sessions: SessionRecord[]; issues: number } {
  const sessions: SessionRecord[] = [];
  const pipeline = new TracePipeline({ session: (record) => sessions.push(record) }, { emitOrder: 'completion', bpftraceReader: BpftraceEventReader });
  pipeline.seed(initialNetnsOf(meta));
  arrivals.forEach(({ unit, at }, index) => {
    if (ticks[index] && Number.isFinite(at)) pipeline.advanceTo(wallClock(at) - LIVE_CLOCK_LAG_SECONDS);
    for (const { text, line } of unit.lines) pipeline.pushLine(text, file, line);
  });
  if (meta.clockAdvancedTo !== null) pipeline.advanceTo(meta.clockAdvancedTo);
  const summary = pipeline.end({ inputs: [file], bytes: 0, notes: [] });
  return { sessions, issues: summary.parseIssues.total };
}

/** Each unit reaches the reader `delay` after it was stamped, but never before what its CPU printed earlier. */
function arrive(units: Unit[], delays: number[]): { unit: Unit; at: number }[] {
  const cpuReady = new Map<number, number>();
  return units
    .map((unit, index) => {
      let at = unit.seconds + delays[index]!;
      if (unit.cpu >= 0) {
        at = Math.max(at, cpuReady.get(unit.cpu) ?? -Infinity);
        cpuReady.set(unit.cpu, at);
      }
      return { unit, at, index };
    })
    .sort((a, b) => a.at - b.at || a.index - b.index);
}

const byId = (a: SessionRecord, b: SessionRecord) => a.id - b.id;

test('the bpftrace fixtures for this property are found', () => {
  assert.ok(fixtures.length >= 7, fixtures.map((f) => f.name).join(', '));
});

for (const fixture of fixtures) {
  test(`${fixture.name}: any arrival order within the reorder window gives the same sessions`, async () => {
    const input = fixture.inputs[0]!;
    const file = input.split('/').at(-1)!;
    const meta = JSON.parse(readFileSync(traceMetaPath(input), 'utf8')) as TraceMeta;
    const reference = (await replayFixture(fixture)).sessions;
    assert.ok(reference.length > 0);
    const units = unitsOf(readFileSync(input, 'utf8'));
    const wallClock = wallClockOf(units);
    const n = units.length;
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: REORDER_WINDOW_SECONDS - 1.5, noNaN: true }), { minLength: n, maxLength: n }),
        fc.array(fc.boolean(), { minLength: n, maxLength: n }),
        (delays, ticks) => {
          const { sessions, issues } = replayInOrder(arrive(units, delays), file, meta, ticks, wallClock);
          assert.equal(issues, 0);
          assert.deepEqual([...sessions].sort(byId), [...reference].sort(byId));
        },
      ),
      { numRuns: Number(process.env.NS53_PROPERTY_RUNS ?? 50) },
    );
  });
}

test('the property is not vacuous: a record that breaks its CPU\'s order is reported late', () => {
  const fixture = fixtures.find((f) => f.name === 'live-bpftrace-reject')!;
  const input = fixture.inputs[0]!;
  const meta = JSON.parse(readFileSync(traceMetaPath(input), 'utf8')) as TraceMeta;
  const units = unitsOf(readFileSync(input, 'utf8'));
  // The first connect arrives 3 s late, behind later records of its own CPU: every CPU has passed it.
  const firstConnect = units.findIndex((unit) => unit.lines[0]!.text.includes('\\"k\\":\\"connect\\"'));
  const arrivals = units.map((unit, index) => ({ unit, at: unit.seconds + (index === firstConnect ? 3 : 0), index })).sort((a, b) => a.at - b.at || a.index - b.index);
  const { issues } = replayInOrder(arrivals, input.split('/').at(-1)!, meta, [], wallClockOf(units));
  assert.ok(issues > 0, 'a late-record issue');
});
