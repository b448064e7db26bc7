import { formatInetAddress } from '../../../parsers/strace/index.js';
import type { NetEvent, NetEventType } from '../../events/net-event.js';
import type { Session, TrailEntry } from '../../sessions/model.js';
import type { AttemptRecord, ContainerRecord, NetnsRecord, SessionRecord } from '../../sessions/record-schemas.js';
import { buildNetnsRecord } from '../../sessions/session-record.js';
import { describeNetns } from '../../sessions/verdict.js';
import type { Netns } from '../../state/index.js';
import { formatDnsId, formatLatency, formatQuery, formatRecordCount } from './detail-text.js';
import { SUCCESS_RCODES, isFailedAttempt, isFailedSession } from './session-failure.js';
import { annotateStep, type StepContext } from './step-annotation.js';
import { explainOutcome } from './story-explanations.js';
import type { Tone } from './tone.js';

/**
 * One syscall of a session's story. Compact primitives only: the TUI keeps the steps of up to tens of
 * thousands of sessions, so no payload bytes and nothing that holds the session model alive.
 */
export interface StoryStep {
  time: number | null;
  tid: number;
  /** `file:line` of the line that carried the call's result. */
  ref: string;
  /** The call as traced: `recvmsg`, `setns`, `getsockname`… */
  syscall: string;
  kind: NetEventType;
  /** Index into the record's `attempts`; null for the client's side (its query and the reply). */
  attempt: number | null;
  /** The namespace the thread was in when it made the call (after it, for a setns). */
  netns: NetnsRecord;
  fd: number | null;
  /** `ip:port` the call names: the upstream of a connect, the bound address, a message's peer. */
  address: string | null;
  errno: string | null;
}

/**
 * One line of the detail pane, as plain (unescaped) text: the screen escapes it. Steps also carry their
 * offset from the session's first step, thread and trace line, for columns of their own.
 */
export interface DetailLine {
  text: string;
  tone: Tone;
  offsetMs?: number | null;
  tid?: number | null;
  ref?: string | null;
}

/** Orders events as they happened: by time, then (without timestamps, or at the same instant) by trace line. */
function compareTraceOrder(a: NetEvent, b: NetEvent): number {
  if (a.time !== null && b.time !== null && a.time !== b.time) return a.time - b.time;
  if (a.ref.file !== b.ref.file) return a.ref.file < b.ref.file ? -1 : 1;
  return a.ref.line - b.ref.line;
}

/** The `ip:port` an event names, if any. */
function addressOf(event: NetEvent): string | null {
  switch (event.type) {
    case 'connect':
      return event.address && formatInetAddress(event.address);
    case 'local-address':
    case 'peer-address':
      return formatInetAddress(event.address);
    case 'send':
    case 'receive':
    case 'accept':
      return event.peer && formatInetAddress(event.peer);
    default:
      return null;
  }
}

function buildStoryStep(entry: TrailEntry, attempt: number | null, netnsRecordOf: (netns: Netns) => NetnsRecord): StoryStep {
  const { event } = entry;
  const netns = netnsRecordOf(entry.netns);
  return {
    time: event.time,
    tid: event.tid,
    ref: `${event.ref.file}:${event.ref.line}`,
    syscall: event.syscall,
    kind: event.type,
    attempt,
    netns,
    fd: 'fd' in event ? event.fd : null,
    address: addressOf(event),
    errno: 'errno' in event ? event.errno : null,
  };
}

/**
 * The syscalls that make up a session, in the order they happened: the client's side and every attempt's,
 * each step once (an event several attempts share, such as the socket() of a reused socket, goes to the
 * first), tagged with its attempt. Call it once the session is finished: namespaces are named as far as the
 * whole trace knows them.
 */
export function storyStepsOf(session: Session, record: SessionRecord | null = null): StoryStep[] {
  const seen = new Set<NetEvent>();
  const tagged: { entry: TrailEntry; attempt: number | null }[] = [];
  const take = (trail: TrailEntry[], attempt: number | null): void => {
    for (const entry of trail) {
      if (seen.has(entry.event)) continue;
      seen.add(entry.event);
      tagged.push({ entry, attempt });
    }
  };
  session.attempts.forEach((attempt, index) => take(attempt.trail, index));
  take(session.trail, null);
  tagged.sort((a, b) => compareTraceOrder(a.entry.event, b.entry.event));
  // Steps in the same namespace share one record, named by the container the session's record gives it.
  const netnsRecords = new Map<Netns, NetnsRecord>();
  const containers = record === null ? new Map() : containersByLabel(record);
  const netnsRecordOf = (netns: Netns): NetnsRecord => {
    let built = netnsRecords.get(netns);
    if (!built) {
      built = buildNetnsRecord(netns);
      built.container = containers.get(built.label) ?? null;
      netnsRecords.set(netns, built);
    }
    return built;
  };
  return tagged.map(({ entry, attempt }) => buildStoryStep(entry, attempt, netnsRecordOf));
}

/** The containers a session's record names, by namespace label: the steps' namespaces are the same ones. */
function containersByLabel(record: SessionRecord): Map<string, ContainerRecord> {
  const byLabel = new Map<string, ContainerRecord>();
  for (const netns of [record.client?.netns, ...record.attempts.map((attempt) => attempt.netns)]) {
    if (netns?.container) byLabel.set(netns.label, netns.container);
  }
  return byLabel;
}

function heading(text: string): DetailLine {
  return { text, tone: 'heading' };
}

/** The answer records of an attempt or a reply, one a line, as `name type TTL ttl data`. */
function answerLines(answers: AttemptRecord['answers']): DetailLine[] {
  return answers.map(({ name, type, ttl, data }) => ({ text: `  ${name} ${type} TTL ${ttl} ${data}`, tone: 'plain' }));
}

/** The question, the client and when. */
function headerLines(record: SessionRecord): DetailLine[] {
  const { query, client } = record;
  const lines: DetailLine[] = [heading(query ? `${query.name ?? '?'}${query.truncated ? '…' : ''} ${query.type ?? '?'} (id ${formatDnsId(query.id)})` : 'no query seen')];
  if (client) {
    const where = client.netns
      ? `on a listener in ${describeNetns(client.netns)}`
      : 'on a listener opened before the trace began (its namespace is not in the trace)';
    lines.push({ text: `client ${client.address ?? 'at an unknown address'} over ${client.proto.toUpperCase()}, ${where}`, tone: 'plain' });
  } else {
    lines.push({ text: 'client: not in the trace (its query came before the trace began)', tone: 'dim' });
  }
  lines.push(record.time === null ? { text: 'no timestamps in the trace', tone: 'dim' } : { text: `at ${record.time}`, tone: 'plain' });
  return lines;
}

/** Per attempt, what its step sentences need to know about the attempt's other steps. */
function stepContexts(record: SessionRecord, steps: readonly StoryStep[]): StepContext[] {
  const sends = new Map<number | null, number>();
  const sourceSeen = new Set(steps.filter((step) => step.kind === 'local-address').map((step) => step.attempt));
  return steps.map((step) => {
    const sendIndex = sends.get(step.attempt) ?? 0;
    if (step.kind === 'send') sends.set(step.attempt, sendIndex + 1);
    const attempt = step.attempt === null ? null : record.attempts[step.attempt] ?? null;
    return { record, attempt, sendIndex, sourceSeen: sourceSeen.has(step.attempt) };
  });
}

/** One line a step: its offset from the first step, thread, plain-words sentence and trace line. */
function syscallLines(record: SessionRecord, steps: readonly StoryStep[] | null): DetailLine[] {
  if (steps === null) return [{ text: 'the syscalls of this session were not kept', tone: 'dim' }];
  if (steps.length === 0) return [heading('Syscalls'), { text: 'none of its syscalls are in the trace', tone: 'dim' }];
  const start = steps.find((step) => step.time !== null)?.time ?? null;
  const contexts = stepContexts(record, steps);
  return [
    heading('Syscalls'),
    ...steps.map((step, i): DetailLine => {
      const offsetMs = start === null || step.time === null ? null : Math.round((step.time - start) * 1e6) / 1e3;
      return { ...annotateStep(step, contexts[i]!), offsetMs, tid: step.tid, ref: step.ref };
    }),
  ];
}

function attemptLines(attempt: AttemptRecord, index: number, count: number): DetailLine[] {
  const lines: DetailLine[] = [
    heading(`Attempt ${index + 1} of ${count}: ${attempt.source ?? 'unknown source'} → ${attempt.upstream ?? 'unknown upstream'} over ${attempt.proto.toUpperCase()}`),
    { text: `from ${describeNetns(attempt.netns)}${attempt.tid === null ? '' : `, thread ${attempt.tid}`}`, tone: 'plain' },
  ];
  if (attempt.query) lines.push({ text: `query ${formatQuery(attempt.query)}`, tone: 'plain' });
  const errno = attempt.errno === null ? '' : ` (${attempt.errno})`;
  const latency = attempt.latencyMs === null ? '' : ` ${attempt.outcome === 'answer' ? 'in' : 'after'} ${formatLatency(attempt.latencyMs)}`;
  const answered = attempt.outcome === 'answer' ? `, ${formatRecordCount(attempt.answers.length)}` : '';
  const tone = attempt.outcome === 'pending' ? 'warn' : isFailedAttempt(attempt) ? 'bad' : 'good';
  lines.push({ text: `${explainOutcome(attempt.outcome, attempt.rcode)}${errno}${latency}${answered}`, tone }, ...answerLines(attempt.answers));
  return lines;
}

function replyLines(record: SessionRecord): DetailLine[] {
  const { reply, client } = record;
  const lines = [heading('Reply to the client')];
  if (reply) {
    const latency = reply.latencyMs === null ? '' : ` in ${formatLatency(reply.latencyMs)}`;
    const truncated = reply.truncated ? ' (the trace shows only part of it)' : '';
    lines.push({ text: `${reply.rcode}${latency}, ${formatRecordCount(reply.answers.length)}${truncated}`, tone: SUCCESS_RCODES.has(reply.rcode) ? 'good' : 'bad' });
    lines.push(...answerLines(reply.answers));
  } else if (client) {
    lines.push({ text: 'no reply reached the client (it will time out and retry)', tone: 'bad' });
  } else {
    lines.push({ text: 'the client side is not in the trace', tone: 'dim' });
  }
  return lines;
}

/**
 * The detail pane of a session: the question, client and time; its syscalls in plain words (or one dim line
 * when `steps` were not kept); each attempt with its outcome and answers; the client's reply; the verdict,
 * always last.
 */
export function buildSessionDetail(record: SessionRecord, steps: readonly StoryStep[] | null): DetailLine[] {
  return [
    ...headerLines(record),
    ...syscallLines(record, steps),
    ...record.attempts.flatMap((attempt, index) => attemptLines(attempt, index, record.attempts.length)),
    ...replyLines(record),
    heading('Verdict'),
    { text: record.verdict, tone: isFailedSession(record) ? 'bad' : 'good' },
  ];
}
