import type { AttemptRecord, SessionRecord } from '../../sessions/record-schemas.js';

/** The rcodes that mean the path and the server work: NXDOMAIN is an answer ("no such name"), not a fault. */
export const SUCCESS_RCODES: ReadonlySet<string> = new Set(['NOERROR', 'NXDOMAIN']);

/**
 * An attempt failed unless the upstream answered NOERROR or NXDOMAIN. Every other outcome counts, `pending`
 * too (no answer by the end of the trace is nothing to call fine), and so do answers like SERVFAIL or REFUSED.
 */
export function isFailedAttempt(attempt: AttemptRecord): boolean {
  return attempt.outcome !== 'answer' || !SUCCESS_RCODES.has(attempt.rcode ?? '');
}

/**
 * What the `f` filter keeps: a session with any failed attempt (even when a failover then answered: the
 * first server's firewall problem is what one hunts for), a reply to the client other than NOERROR/NXDOMAIN,
 * or a client query that got no reply at all.
 */
export function isFailedSession(record: SessionRecord): boolean {
  if (record.attempts.some(isFailedAttempt)) return true;
  if (record.reply !== null) return !SUCCESS_RCODES.has(record.reply.rcode);
  return record.client !== null;
}
