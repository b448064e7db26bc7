import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AttemptRecord, SessionRecord } from '../../../src/sessions/record-schemas.js';
import { isFailedAttempt, isFailedSession } from '../../../src/sinks/tui/session-failure.js';
import { loadTemplateSession } from '../../support/synthetic-sessions.js';

const template = loadTemplateSession();
const attempt = (outcome: string, rcode: string | null): AttemptRecord => ({ ...template.attempts[0]!, outcome, rcode });
const session = (attempts: AttemptRecord[], reply: string | null, client = true): SessionRecord => ({
  ...template,
  attempts,
  client: client ? template.client : null,
  reply: reply === null ? null : { ...template.reply!, rcode: reply },
});

test('an attempt fails unless it was answered NOERROR or NXDOMAIN', () => {
  const cases: [string, string | null, boolean][] = [
    ['answer', 'NOERROR', false],
    ['answer', 'NXDOMAIN', false],
    ['answer', 'SERVFAIL', true],
    ['answer', 'REFUSED', true],
    ['answer', null, true],
    ['refused', null, true],
    ['timeout', null, true],
    ['pending', null, true],
    ['denied', null, true],
  ];
  for (const [outcome, rcode, failed] of cases) assert.equal(isFailedAttempt(attempt(outcome, rcode)), failed, `${outcome} ${rcode}`);
});

test('a session fails on any failed attempt, a bad reply, or no reply to a client', () => {
  const ok = attempt('answer', 'NOERROR');
  assert.equal(isFailedSession(session([ok], 'NOERROR')), false);
  assert.equal(isFailedSession(session([attempt('answer', 'NXDOMAIN')], 'NXDOMAIN')), false);
  assert.equal(isFailedSession(session([attempt('refused', null), ok], 'NOERROR')), true, 'a failover that then answered');
  assert.equal(isFailedSession(session([ok], 'SERVFAIL')), true);
  assert.equal(isFailedSession(session([ok], null)), true, 'the client got nothing');
  assert.equal(isFailedSession(session([], 'NOERROR')), false, 'answered without forwarding');
  assert.equal(isFailedSession(session([ok], null, false)), false, 'the client side is not in the trace');
});
