// What one TUI frame costs with 1,000,000 sessions retained: a filter change (a new view and its first
// scan), a 45-row viewport, the summary per namespace and per upstream; and the store's memory.
//
//   npm run bench:tui        (builds, then runs this with --expose-gc)
//   node --expose-gc dist/test/bench/tui-frame.js [--sessions 1000000] [--frames 600] [--seed 1]
//
// Sessions are built from a real one (fixtures/replay/dev-forward-mixed) with varied names, namespaces,
// upstreams, outcomes and latencies, and real verdicts (test/support/synthetic-sessions.ts). Prints median
// and p99 per operation and PASS/FAIL against the 16 ms frame budget; exit status 1 when the views disagree
// with a count done the slow way (a correctness failure), 0 otherwise.

import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import { openTerminalScreen } from '../../src/sinks/tui/blessed-screen.js';
import { isFailedSession } from '../../src/sinks/tui/session-failure.js';
import { NO_FILTER, type SessionFilter } from '../../src/sinks/tui/session-filter.js';
import { DEFAULT_SCAN_PER_FRAME, SessionView } from '../../src/sinks/tui/session-view.js';
import { buildFrame } from '../../src/sinks/tui/tui-frame.js';
import { TuiModel } from '../../src/sinks/tui/tui-model.js';
import { INITIAL_UI, type UiState } from '../../src/sinks/tui/ui-state.js';
import { FOLLOW, buildViewport, moveSelection } from '../../src/sinks/tui/viewport.js';
import { buildSyntheticSession, loadTemplateSession, loadTemplateStory } from '../support/synthetic-sessions.js';
import { SeededRandom } from './seeded-random.js';

const FRAME_BUDGET_MS = 16;
const WINDOW_ROWS = 45;

const { values } = parseArgs({ options: { sessions: { type: 'string', default: '1000000' }, frames: { type: 'string', default: '600' }, seed: { type: 'string', default: '1' } } });
const SESSIONS = Number(values.sessions);
const FRAMES = Number(values.frames);
const random = new SeededRandom(Number(values.seed));

const gc = (globalThis as { gc?: () => void }).gc;
function heapMb(): number {
  gc?.();
  return process.memoryUsage().heapUsed / 1e6;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Times `run` `times` times (after a few untimed runs unless `warmup` is false: a run that changes state); returns the sorted durations in ms. */
function time(times: number, run: (index: number) => void, warmup = true): number[] {
  if (warmup) for (let i = 0; i < Math.min(5, times); i++) run(i); // JIT compilation is not a frame cost
  const durations: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    run(i);
    durations.push(performance.now() - start);
  }
  return durations.sort((a, b) => a - b);
}

const rows: string[][] = [];
function report(name: string, durations: number[], budget: number | null): void {
  const median = quantile(durations, 0.5);
  const p99 = quantile(durations, 0.99);
  const verdict = budget === null ? '' : p99 < budget ? `PASS (< ${budget} ms)` : `FAIL (≥ ${budget} ms)`;
  rows.push([name, String(durations.length), median.toFixed(3), p99.toFixed(3), verdict]);
}

const template = loadTemplateSession();
const label = template.attempts[0]!.netns.label;
const heapBefore = heapMb();
const records = [];
const buildStart = performance.now();
for (let i = 0; i < SESSIONS; i++) records.push(buildSyntheticSession(template, i + 1, random));
const buildSeconds = (performance.now() - buildStart) / 1000;
const heapRecords = heapMb();

// The TUI's own model, as `ns53 replay` fills it; its store and summary are what the operations below use.
const model = new TuiModel({ description: 'bench', live: true }, { retention: SESSIONS });
const { store, stats } = model;
const fillStart = performance.now();
for (const record of records) model.add(record, null);
const fillSeconds = (performance.now() - fillStart) / 1000;
records.length = 0;
const heapStore = heapMb();

// The filters a user switches between: each key alone, and together.
const FILTERS: SessionFilter[] = [
  { ...NO_FILTER, failuresOnly: true },
  { ...NO_FILTER, text: 'host42' },
  { ...NO_FILTER, text: 'REFUSED' },
  { ...NO_FILTER, text: 'zz-no-match' },
  { ...NO_FILTER, netns: label },
  { failuresOnly: true, text: '10.77.0.3', netns: label },
  NO_FILTER,
];

// One frame's share of a filter change: the new view and its first scan (the rest is spread over frames).
report('filter change (new view + 1 scan)', time(FRAMES, (i) => new SessionView(store, FILTERS[i % FILTERS.length]!).scan()), FRAME_BUDGET_MS);

// The whole of a filter change, frame after frame, until every retained session has been tested.
let correct = true;
const views = FILTERS.map((filter) => new SessionView(store, filter));
const completion = time(views.length, (i) => {
  while (!views[i]!.complete) views[i]!.scan();
}, false);
report(`filter complete (${Math.ceil(SESSIONS / DEFAULT_SCAN_PER_FRAME)} scans)`, completion, null);
const failures = views[0]!;
let expectedFailures = 0;
for (let seq = store.firstSeq; seq < store.nextSeq; seq++) if (isFailedSession(store.get(seq)!)) expectedFailures++;
if (failures.count !== expectedFailures) correct = false;

// The visible rows, anywhere in a complete view (scrolled) and at the end (following).
const positions = Array.from({ length: FRAMES }, () => random.int(0, failures.count - 1));
report(`viewport ${WINDOW_ROWS} rows, scrolled`, time(FRAMES, (i) => {
  const state = moveSelection(failures, { follow: false, selectedSeq: failures.seqAt(positions[i]!)!, topSeq: null }, 0);
  if (buildViewport(failures, state, WINDOW_ROWS).rows.length !== WINDOW_ROWS) correct = false;
}), FRAME_BUDGET_MS);
report(`viewport ${WINDOW_ROWS} rows, following`, time(FRAMES, (i) => buildViewport(views[i % views.length]!, FOLLOW, WINDOW_ROWS)), FRAME_BUDGET_MS);

report('summary (per namespace + per upstream)', time(FRAMES, () => {
  stats.byNamespace();
  stats.byUpstream();
}), FRAME_BUDGET_MS);

// A worst frame: a filter change, its viewport and the summary, all in one.
report('frame: filter change + viewport + summary', time(FRAMES, (i) => {
  const view = new SessionView(store, FILTERS[i % FILTERS.length]!);
  view.scan();
  buildViewport(view, FOLLOW, WINDOW_ROWS);
  stats.byNamespace();
  stats.byUpstream();
}), FRAME_BUDGET_MS);

// Live mode: appends (each evicts one) with every view above open and catching up once per batch.
const live = Array.from({ length: 10_000 }, (_, i) => buildSyntheticSession(template, SESSIONS + i + 1, random));
const batches = time(10, (batch) => {
  for (const record of live.slice(batch * 1000, batch * 1000 + 1000)) store.append(record);
  for (const view of views) void view.count;
}, false);
report('1,000 appends + 7 views catch up', batches, null);

// Whole frames as the screen gets them (buildFrame: header, the visible rows formatted and escaped, the
// detail pane with a real session's syscall story, overlays, footer) at 160x45, the terminal size.
const story = await loadTemplateStory();
for (let seq = Math.max(store.firstSeq, store.nextSeq - model.stories.retention); seq < store.nextSeq; seq++) model.stories.put(seq, story);
const SIZE = { width: 160, height: 45 };
const middle = store.firstSeq + Math.floor(store.size / 2);
const frameStates: [string, (i: number) => UiState][] = [
  ['whole frame: following the newest', () => INITIAL_UI],
  ['whole frame: scrolled, detail open (story kept)', (i) => ({ ...INITIAL_UI, detailOpen: true, viewport: { follow: false, selectedSeq: store.nextSeq - 1 - (i % 1000), topSeq: null } })],
  ['whole frame: scrolled to the middle, detail open', (i) => ({ ...INITIAL_UI, detailOpen: true, viewport: { follow: false, selectedSeq: middle + i, topSeq: null } })],
  ['whole frame: filter change (first scan)', (i) => ({ ...INITIAL_UI, filter: FILTERS[i % FILTERS.length]! })],
  ['whole frame: summary overlay', () => ({ ...INITIAL_UI, overlay: 'summary' })],
];
for (const [name, stateOf] of frameStates) {
  report(name, time(FRAMES, (i) => {
    const frame = buildFrame(model, stateOf(i), SIZE);
    if (frame.lines.length !== SIZE.height) correct = false;
  }), FRAME_BUDGET_MS);
}

// The same frames through blessed to a 160x45 terminal that discards what it is sent: what the screen adds
// (parsing the markup, diffing against the last frame, writing the changes).
const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: SIZE.width, rows: SIZE.height }) as unknown as NodeJS.WriteStream;
(terminal as unknown as PassThrough).resume();
const keys = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => keys }) as unknown as NodeJS.ReadStream;
const screen = openTerminalScreen({ key: () => undefined, resize: () => undefined }, keys, terminal);
for (const [name, stateOf] of frameStates) {
  report(`${name} + blessed render`, time(FRAMES, (i) => screen.show(buildFrame(model, stateOf(i), SIZE).lines)), FRAME_BUDGET_MS);
}
screen.destroy();

const widths = [0, 1, 2, 3, 4].map((c) => Math.max(...[['operation', 'runs', 'median ms', 'p99 ms', ''], ...rows].map((r) => r[c]!.length)));
for (const row of [['operation', 'runs', 'median ms', 'p99 ms', ''], ...rows]) {
  console.log(row.map((cell, c) => (c === 0 || c === 4 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
}
console.log(`\n${SESSIONS.toLocaleString('en')} sessions (built in ${buildSeconds.toFixed(1)} s, stored in ${fillSeconds.toFixed(1)} s; scan ${DEFAULT_SCAN_PER_FRAME.toLocaleString('en')} per frame)`);
console.log(`heap: records ${(heapRecords - heapBefore).toFixed(0)} MB; store's own (keys, flags, id map, summary) ${(heapStore - heapRecords).toFixed(0)} MB; views ${(heapMb() - heapStore).toFixed(0)} MB; rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB${gc ? '' : ' (no --expose-gc: heap figures include garbage)'}`);
console.log(`evicted during the live run: ${store.evicted.sessions.toLocaleString('en')} sessions, ${store.evicted.attempts.toLocaleString('en')} attempts`);
if (!correct) {
  console.log('FAIL: a view disagrees with the slow count');
  process.exitCode = 1;
}
