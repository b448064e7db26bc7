import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionRecord } from '../../../src/sessions/record-schemas.js';
import { NO_FILTER } from '../../../src/sinks/tui/session-filter.js';
import { SessionStore } from '../../../src/sinks/tui/session-store.js';
import { SessionView } from '../../../src/sinks/tui/session-view.js';
import { applyKey, INITIAL_UI, type KeyContext, type KeyName, type UiState } from '../../../src/sinks/tui/ui-state.js';
import { loadTemplateSession } from '../../support/synthetic-sessions.js';

const template = loadTemplateSession();

function contextWith(count: number, overrides: Partial<KeyContext> = {}): KeyContext {
  const store = new SessionStore({ retention: 1000 });
  for (let id = 0; id < count; id++) store.append({ ...template, id } as SessionRecord);
  return { rows: new SessionView(store, NO_FILTER), listHeight: 10, detailHeight: 8, detailLines: 30, namespaces: ['host', 'sandbox aaa'], nextSeq: count, ...overrides };
}

function press(keys: KeyName[], context: KeyContext, state: UiState = INITIAL_UI): UiState {
  return keys.reduce((current, key) => applyKey(current, key, context), state);
}

test('moving: arrows and j/k by one, pages by a page less one, g/G to the ends; only the last row follows', () => {
  const context = contextWith(50);
  assert.equal(press(['k'], context).viewport.selectedSeq, 48);
  assert.equal(press(['k'], context).viewport.follow, false);
  assert.equal(press(['up', 'up', 'down'], context).viewport.selectedSeq, 48);
  assert.equal(press(['pageup'], context).viewport.selectedSeq, 40);
  assert.equal(press(['g'], context).viewport.selectedSeq, 0);
  assert.equal(press(['home', 'pagedown'], context).viewport.selectedSeq, 9);
  const back = press(['g', 'G'], context);
  assert.equal(back.viewport.selectedSeq, 49);
  assert.equal(back.viewport.follow, true, 'the newest row follows new sessions again');
  assert.equal(press(['k', 'end'], context).viewport.follow, true);
});

test('Enter opens the detail and focuses it; arrows then scroll it, within its lines; Tab switches; Esc closes', () => {
  const context = contextWith(5);
  let state = press(['k', 'enter'], context);
  assert.equal(state.detailOpen, true);
  assert.equal(state.focus, 'detail');
  const selected = state.viewport.selectedSeq;
  state = press(['j', 'j', 'pagedown'], context, state);
  assert.equal(state.viewport.selectedSeq, selected, 'the list stays');
  assert.equal(state.detailTop, 2 + 7);
  assert.equal(press(['G'], context, state).detailTop, 30 - 8, 'stops at the last page');
  assert.equal(press(['g'], context, state).detailTop, 0);
  state = press(['tab', 'k'], context, state);
  assert.equal(state.focus, 'list');
  assert.equal(state.viewport.selectedSeq, selected! - 1);
  assert.equal(state.detailTop, 0, 'a new selection shows its detail from the top');
  state = press(['escape'], context, state);
  assert.equal(state.detailOpen, false);
  assert.equal(press(['tab'], context).detailOpen, true, 'Tab opens a closed detail pane');
});

test('/ searches as you type; Enter keeps the search, Esc restores the one before; Esc later clears it', () => {
  const context = contextWith(5);
  let state = press(['/', 'w', 'e', 'b', 'x', 'backspace'], context);
  assert.equal(state.searchDraft, 'web');
  assert.equal(state.filter.text, 'web', 'the list follows the draft');
  assert.equal(press(['q'], context, state).quit, false, 'q is a letter while typing');
  state = press(['enter'], context, state);
  assert.equal(state.searchDraft, null);
  assert.equal(state.filter.text, 'web');
  const dropped = press(['/', 'x', 'escape'], context, state);
  assert.equal(dropped.filter.text, 'web', 'Esc while typing puts back the search from before');
  assert.equal(press(['escape'], context, state).filter.text, '');
  assert.equal(press(['/', 'C-c'], context).quit, true, 'Ctrl-C still quits');
});

test('f toggles failures only; a new filter starts from the newest row', () => {
  const context = contextWith(20);
  const state = press(['g', 'f'], context);
  assert.equal(state.filter.failuresOnly, true);
  assert.equal(state.viewport.follow, true);
  assert.equal(press(['f'], context, state).filter.failuresOnly, false);
});

test('c picks a namespace: the first line is every namespace, Enter applies, and the picker opens on the current one', () => {
  const context = contextWith(3);
  let state = press(['c'], context);
  assert.equal(state.overlay, 'containers');
  state = press(['down', 'down', 'down', 'enter'], context, state);
  assert.equal(state.filter.netns, 'sandbox aaa', 'stops at the last choice');
  assert.equal(state.overlay, null);
  assert.equal(press(['c'], context, state).pickerIndex, 2);
  assert.equal(press(['c', 'g', 'enter'], context, state).filter.netns, null);
  assert.equal(press(['c', 'escape'], context, state).overlay, null);
});

test('?, s and c open their overlay and close it again; keys for the list wait while one is open', () => {
  const context = contextWith(10);
  for (const [key, overlay] of [['?', 'help'], ['s', 'summary'], ['c', 'containers']] as const) {
    const open = press([key], context);
    assert.equal(open.overlay, overlay);
    assert.equal(press([key], context, open).overlay, null);
    assert.equal(press(['escape'], context, open).overlay, null);
  }
  const help = press(['?', 'k', 'f', 'enter'], context);
  assert.equal(help.viewport.selectedSeq, null);
  assert.equal(help.filter.failuresOnly, false);
  assert.equal(help.detailOpen, false);
  assert.equal(press(['s', '?'], context).overlay, 'help', 'one overlay replaces another');
});

test('p pauses at the next sequence number and resumes; q and Ctrl-C quit from anywhere', () => {
  const context = contextWith(7);
  const paused = press(['p'], context);
  assert.equal(paused.pausedAt, 7);
  assert.equal(press(['p'], context, paused).pausedAt, null);
  assert.equal(press(['q'], context).quit, true);
  assert.equal(press(['?', 'C-c'], context).quit, true);
  assert.deepEqual(press(['x', 'F5', 'left'], context), INITIAL_UI, 'other keys change nothing');
});
