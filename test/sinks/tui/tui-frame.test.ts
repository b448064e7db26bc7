import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replayTrace } from '../../../src/replay.js';
import { textColumns } from '../../../src/sinks/tui/column-width.js';
import { TONE_TAGS } from '../../../src/sinks/tui/tone.js';
import { buildFrame, layoutOf } from '../../../src/sinks/tui/tui-frame.js';
import { TuiModel } from '../../../src/sinks/tui/tui-model.js';
import { applyKey, INITIAL_UI, type KeyName, type UiState } from '../../../src/sinks/tui/ui-state.js';
import { parseBlessedMarkup } from '../../support/blessed-markup.js';
import { replayFixtures } from '../../support/replay-fixtures.js';
import { REPO_ROOT } from '../../support/repo-root.js';

/** The only tags a frame may hold: the tones' and the selection's. Anything else came from the data. */
const OUR_TAGS = new Set(['{inverse}', '{/inverse}', ...Object.values(TONE_TAGS).flatMap((tag) => (tag === null ? [] : [`{${tag}}`, `{/${tag}}`]))]);

async function modelOf(inputs: string[]): Promise<TuiModel> {
  process.chdir(REPO_ROOT);
  const model = new TuiModel({ description: `replay ${inputs.join(' ')}`, live: false });
  const summary = await replayTrace(inputs, { session: (record, session) => model.add(record, session) });
  model.parseIssues = summary.parseIssues.total;
  model.input = { kind: 'ended', detail: 'done' };
  return model;
}

/** What is wrong with a frame as blessed would show it on a width x height screen. */
function frameProblems(lines: string[], width: number, height: number): string[] {
  const problems: string[] = [];
  if (lines.length !== height) problems.push(`${lines.length} lines, not ${height}`);
  lines.forEach((line, row) => {
    const raw = /[\p{Cc}\p{Cf}\p{Cs}]/u.exec(line);
    if (raw) problems.push(`row ${row}: raw U+${raw[0].codePointAt(0)!.toString(16)}`);
    const parsed = parseBlessedMarkup(line);
    const foreign = parsed.tags.filter((tag) => !OUR_TAGS.has(tag));
    if (foreign.length > 0) problems.push(`row ${row}: tags ${foreign.join(' ')}`);
    if (parsed.alignmentMarker !== null) problems.push(`row ${row}: alignment marker ${parsed.alignmentMarker}`);
    if (textColumns(parsed.shown) > width) problems.push(`row ${row}: ${textColumns(parsed.shown)} columns: ${parsed.shown}`);
  });
  return problems;
}

/** Frames after each of these keys, from a fresh UI. */
const KEY_TOUR: KeyName[] = ['k', 'enter', 'j', 'G', 'tab', 'g', 'f', '?', '?', 's', 's', 'c', 'down', 'enter', 'p', '/', 'a', 'escape', 'q'];

function tour(model: TuiModel, width: number, height: number): { ui: UiState; problems: string[] } {
  let ui = INITIAL_UI;
  let frame = buildFrame(model, ui, { width, height });
  const problems: string[] = frameProblems(frame.lines, width, height);
  for (const key of KEY_TOUR) {
    ui = applyKey(frame.ui, key, frame.keys);
    frame = buildFrame(model, ui, { width, height });
    problems.push(...frameProblems(frame.lines, width, height).map((problem) => `after ${key}: ${problem}`));
  }
  return { ui, problems };
}

test('every fixture, at 80x24 and 160x45, through every key: frames fill the screen, fit it, and hold only our markup', async () => {
  for (const fixture of replayFixtures()) {
    const model = await modelOf(fixture.inputs);
    for (const [width, height] of [[80, 24], [160, 45], [40, 10]] as const) {
      const { problems } = tour(model, width, height);
      assert.deepEqual(problems, [], `${fixture.name} at ${width}x${height}`);
    }
  }
});

test('the hostile names are shown as text: escapes, tags and bidi controls never reach the terminal or the markup', async () => {
  const fixture = replayFixtures().find((candidate) => candidate.name === 'tui-hostile-names')!;
  const model = await modelOf(fixture.inputs);
  let frame = buildFrame(model, INITIAL_UI, { width: 200, height: 30 });
  const shown = frame.lines.map((line) => parseBlessedMarkup(line).shown).join('\n');
  assert.ok(shown.includes('{red-fg}x{/red-fg}'), 'a blessed tag in a name is shown, not applied');
  assert.ok(shown.includes('\\027[2J\\027[H.\\027[31m'), 'ANSI escapes in a name are shown escaped');
  frame = buildFrame(model, applyKey(frame.ui, 'enter', frame.keys), { width: 200, height: 30 });
  assert.deepEqual(frameProblems(frame.lines, 200, 30), []);
});

test('layout: the list and the detail share the room below the header; the footer is the last row', () => {
  assert.deepEqual(layoutOf(45, false), { listTitle: 2, listTop: 3, listRows: 41, detailTitle: 44, detailTop: 45, detailRows: 0, footer: 44 });
  const open = layoutOf(45, true);
  assert.equal(open.listRows + 1 + open.detailRows, 41);
  assert.equal(open.detailTop + open.detailRows, open.footer);
  assert.ok(open.listRows >= 3 && open.detailRows > open.listRows);
  const tiny = layoutOf(3, true);
  assert.ok(tiny.listRows >= 1 && tiny.footer >= tiny.detailTop + tiny.detailRows - 1);
});

test('a paused list keeps its rows while sessions keep coming; the header counts what waits', async () => {
  const fixture = replayFixtures().find((candidate) => candidate.name === 'mixed--ttt-T-yy')!;
  const model = await modelOf(fixture.inputs);
  const before = model.store.size;
  let frame = buildFrame(model, INITIAL_UI, { width: 160, height: 45 });
  frame = buildFrame(model, applyKey(frame.ui, 'p', frame.keys), { width: 160, height: 45 });
  const rowsBefore = frame.lines.slice(3, 3 + before);
  const again = model.store.get(0)!;
  model.add({ ...again, id: 999 }, null);
  frame = buildFrame(model, frame.ui, { width: 160, height: 45 });
  assert.deepEqual(frame.lines.slice(3, 3 + before), rowsBefore);
  assert.equal(frame.lines[3 + before], '', 'the new session is not listed');
  assert.match(parseBlessedMarkup(frame.lines[0]!).shown, /PAUSED \(1 new\)/);
  frame = buildFrame(model, applyKey(frame.ui, 'p', frame.keys), { width: 160, height: 45 });
  assert.notEqual(frame.lines[3 + before], '', 'resumed: listed');
});
