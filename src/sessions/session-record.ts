import type { DnsMessage } from '../../parsers/dns/index.js';
import { formatInetAddress } from '../../parsers/strace/index.js';
import type { TraceRef } from '../events/net-event.js';
import { labelNetns, type Netns } from '../state/index.js';
import { questionOf } from './dns-question.js';
import type { Attempt, Session } from './model.js';
import type { AttemptRecord, ContainerRecord, NetnsRecord, QueryRecord, SessionRecord } from './record-schemas.js';

/** How a record shows trace times and positions; set by whoever knows the trace's clock and file names. */
export interface RecordFormat {
  /** `2026-11-24T08:11:44.316318Z`, `08:11:44.316318`, `+12.345678`, or null without timestamps. */
  time(seconds: number | null): string | null;
  ref(ref: TraceRef): string;
  /** The container of a namespace met with source address `ip` (or null); absent when no containers are known. */
  container?(netns: Netns, ip: string | null): ContainerRecord | null;
}

/** Thread ids are 0 for lines that named no thread (a trace without -f); shown as null. */
function tidOf(tid: number): number | null {
  return tid === 0 ? null : tid;
}

/** Builds the NDJSON form of a namespace, with the container `format` knows for it (met with address `ip`). */
export function buildNetnsRecord(netns: Netns, format?: Pick<RecordFormat, 'container'>, ip: string | null = null): NetnsRecord {
  const container = netns.host ? null : (format?.container?.(netns, ip) ?? null);
  return { inode: netns.inode, path: netns.path, label: labelNetns(netns), host: netns.host, container };
}

function buildQueryRecord(message: DnsMessage | null): QueryRecord | null {
  return message && questionOf(message);
}

function buildAnswers(message: DnsMessage | null): AttemptRecord['answers'] {
  return (message?.answers ?? []).map(({ name, type, ttl, data }) => ({ name, type, ttl, data }));
}

function milliseconds(from: number | null, to: number | null): number | null {
  if (from === null || to === null) return null;
  return Math.round((to - from) * 1e6) / 1e3;
}

/** Builds the NDJSON form of an attempt. */
export function buildAttemptRecord(attempt: Attempt, format: RecordFormat): AttemptRecord {
  const source = attempt.socket.local;
  return {
    tid: tidOf(attempt.tid),
    netns: buildNetnsRecord(attempt.socket.netns, format, source?.ip ?? null),
    proto: attempt.proto,
    source: source && formatInetAddress(source),
    upstream: attempt.upstream && formatInetAddress(attempt.upstream),
    query: buildQueryRecord(attempt.query),
    outcome: attempt.outcome ?? 'pending',
    rcode: attempt.answer?.rcode ?? null,
    errno: attempt.errno,
    latencyMs: milliseconds(attempt.queryTime ?? attempt.startTime, attempt.endTime),
    answers: buildAnswers(attempt.answer),
    time: format.time(attempt.startTime ?? attempt.queryTime),
    ref: format.ref(attempt.socket.ref ?? attempt.trail[0]?.event.ref ?? attempt.endRef!),
  };
}

/** Builds the NDJSON form of a session; the verdict is computed by the caller (it may use other sessions). */
export function buildSessionRecord(session: Session, verdict: string, format: RecordFormat): SessionRecord {
  const { client, reply } = session;
  const clientNetns = client && client.socket.netns.origin !== 'unknown' ? buildNetnsRecord(client.socket.netns, format) : null;
  return {
    type: 'session',
    id: session.id,
    time: format.time(session.startTime),
    client: client && {
      address: client.address && formatInetAddress(client.address),
      proto: client.proto,
      netns: clientNetns,
      tid: tidOf(client.tid),
      ref: format.ref(client.ref),
    },
    query: buildQueryRecord(session.query),
    attempts: session.attempts.map((attempt) => buildAttemptRecord(attempt, format)),
    reply: reply && {
      rcode: reply.message.rcode,
      answers: buildAnswers(reply.message),
      truncated: reply.message.truncated,
      latencyMs: milliseconds(client?.time ?? null, reply.time),
      tid: tidOf(reply.tid),
      ref: format.ref(reply.ref),
    },
    verdict,
  };
}
