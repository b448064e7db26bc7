import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionRecord } from '../../../src/sessions/record-schemas.js';
import { NO_FILTER } from '../../../src/sinks/tui/session-filter.js';
import { SessionStore } from '../../../src/sinks/tui/session-store.js';
import { SessionView } from '../../../src/sinks/tui/session-view.js';
import { FOLLOW, buildViewport, moveSelection } from '../../../src/sinks/tui/viewport.js';
import { loadTemplateSession } from '../../support/synthetic-sessions.js';

const template = loadTemplateSession();

function fill(store: SessionStore, from: number, to: number): void {
  for (let id = from; id < to; id++) store.append({ ...template, id } as SessionRecord);
}

const ids = (viewport: ReturnType<typeof buildViewport>): number[] => viewport.rows.map((row) => row.record.id);

test('following, the newest rows fill the window and the last is selected; only the visible rows are built', () => {
  const store = new SessionStore({ retention: 1000 });
  const view = new SessionView(store, NO_FILTER);
  assert.deepEqual(buildViewport(view, FOLLOW, 5), { rows: [], top: 0, selected: -1, count: 0, state: FOLLOW });
  fill(store, 0, 3);
  let viewport = buildViewport(view, FOLLOW, 5);
  assert.deepEqual(ids(viewport), [0, 1, 2]);
  fill(store, 3, 100);
  viewport = buildViewport(view, viewport.state, 5);
  assert.deepEqual(ids(viewport), [95, 96, 97, 98, 99]);
  assert.equal(viewport.selected, 99);
  assert.equal(viewport.top, 95);
});

test('scrolling up stops following; new rows then leave the window where it is; the end resumes it', () => {
  const store = new SessionStore({ retention: 1000 });
  const view = new SessionView(store, NO_FILTER);
  fill(store, 0, 100);
  let state = buildViewport(view, FOLLOW, 5).state;
  state = moveSelection(view, state, -1);
  assert.equal(state.follow, false);
  let viewport = buildViewport(view, state, 5);
  assert.equal(viewport.selected, 98);
  fill(store, 100, 120);
  viewport = buildViewport(view, viewport.state, 5);
  assert.deepEqual(ids(viewport), [95, 96, 97, 98, 99]);
  assert.equal(viewport.selected, 98);
  state = moveSelection(view, viewport.state, -10);
  viewport = buildViewport(view, state, 5);
  assert.equal(viewport.selected, 88);
  assert.equal(viewport.top, 88, 'the window scrolls to keep the selection visible');
  state = moveSelection(view, viewport.state, Infinity);
  assert.equal(state.follow, true);
  fill(store, 120, 130);
  viewport = buildViewport(view, state, 5);
  assert.deepEqual(ids(viewport), [125, 126, 127, 128, 129]);
});

test('eviction keeps the selected session selected, and moves to the next one when it is evicted', () => {
  const store = new SessionStore({ retention: 50 });
  const view = new SessionView(store, NO_FILTER);
  fill(store, 0, 50);
  let state = moveSelection(view, buildViewport(view, FOLLOW, 10).state, -Infinity);
  let viewport = buildViewport(view, state, 10);
  assert.equal(viewport.rows[0]!.record.id, 0);
  state = moveSelection(view, viewport.state, 5);
  fill(store, 50, 53);
  viewport = buildViewport(view, state, 10);
  assert.equal(view.rowAt(viewport.selected)!.id, 5);
  assert.equal(viewport.rows[0]!.record.id, 3);
  fill(store, 53, 60);
  viewport = buildViewport(view, viewport.state, 10);
  assert.equal(view.rowAt(viewport.selected)!.id, 10);
  assert.equal(viewport.selected, 0);
});
