import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLiveStatus } from '../../src/sinks/live-status.js';

test('the live status line says what is traced, for how long, and what was found', () => {
  const line = formatLiveStatus({ pid: 812, comm: 'dockerd' }, 12.7, {
    lines: 34_567,
    sessions: 5,
    attempts: 7,
    outcomes: { answer: 5, refused: 2, timeout: 0 },
    parseIssues: 0,
    lostEvents: null,
  });
  assert.equal(line, 'tracing dockerd 812 for 12 s · 5 sessions, 7 attempts (answer 5, refused 2) · 34,567 lines · Ctrl-C detaches');
});

test('parse issues are counted when there are some, and a hostile comm cannot move the cursor', () => {
  const line = formatLiveStatus({ pid: 1, comm: 'x\x1b[2Jy' }, 1, { lines: 1, sessions: 1, attempts: 0, outcomes: {}, parseIssues: 3, lostEvents: null });
  assert.doesNotMatch(line, /\x1b/);
  assert.match(line, /1 session, 0 attempts · 1 line · 3 parse issues/);
});

test('events bpftrace lost are shown as soon as there are some', () => {
  const progress = { lines: 10, sessions: 2, attempts: 2, outcomes: { answer: 2 }, parseIssues: 0 };
  assert.doesNotMatch(formatLiveStatus({ pid: 1, comm: 'dockerd' }, 1, { ...progress, lostEvents: 0 }), /lost/);
  assert.match(formatLiveStatus({ pid: 1, comm: 'dockerd' }, 1, { ...progress, lostEvents: 1234 }), /10 lines · 1,234 events lost · Ctrl-C detaches$/);
});
