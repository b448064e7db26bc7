import { outcomeOfErrno } from '../../sessions/outcome.js';
import type { AttemptRecord, NetnsRecord, SessionRecord } from '../../sessions/record-schemas.js';
import { describeNetns } from '../../sessions/verdict.js';
import { formatLatency, formatQuery, formatRecordCount } from './detail-text.js';
import { SUCCESS_RCODES } from './session-failure.js';
import type { StoryStep } from './session-story.js';
import type { Tone } from './tone.js';
import { explainErrno, explainSourceAddress } from './story-explanations.js';

/** What the sentence about one step draws on besides the step itself. */
export interface StepContext {
  record: SessionRecord;
  /** The step's attempt; null for the client's side. */
  attempt: AttemptRecord | null;
  /** How many sends of the same attempt (or client side) came before this step. */
  sendIndex: number;
  /** The attempt's steps include its getsockname; bpftrace has none (its connect record carries the address). */
  sourceSeen: boolean;
}

/** A step in plain words, and how it should look. */
export interface StepAnnotation {
  text: string;
  tone: Tone;
}

/** The calls that can release a socket: the step that ends an attempt that timed out is one of them. */
const RELEASES: Readonly<Partial<Record<StoryStep['kind'], string>>> = {
  close: 'closes the socket',
  'close-range': 'closes a range of fds, the socket among them',
  dup: "puts another file on the socket's fd number, which closes the socket",
  'fd-open': "opens a file on the socket's fd number, which closes the socket",
  'thread-exit': "the process's last thread exits, which closes the socket",
};

function sameNetns(a: NetnsRecord, b: NetnsRecord): boolean {
  return a.label === b.label && a.inode === b.inode;
}

/** `connects it to upstream 10.77.0.2:53`, with the bound source address when no getsockname step shows it. */
function connectSentence(step: StoryStep, context: StepContext): string {
  const { attempt } = context;
  const to = `connects it to ${attempt ? 'upstream ' : ''}${step.address ?? 'an address the trace did not show'}`;
  if (!attempt?.source || context.sourceSeen) return to;
  return `${to}; the kernel binds source address ${attempt.source} — ${explainSourceAddress(attempt.netns)}`;
}

/** A send on an upstream socket: the query (again, for a retry on the same socket), from the socket's namespace. */
function sendQuerySentence(step: StoryStep, attempt: AttemptRecord, sendIndex: number): string {
  const what = attempt.query ? `the query (${formatQuery(attempt.query)})` : 'a query';
  const to = attempt.upstream ? ` to ${attempt.upstream}` : '';
  const sentence = `sends ${what}${to}${sendIndex > 0 ? ' again' : ''}`;
  if (sameNetns(step.netns, attempt.netns)) return sentence;
  // dockerd moves the thread back to its own namespace right after socket(); the socket stays where it was made.
  const thread = step.netns.host ? 'the host namespace' : describeNetns(step.netns);
  return `${sentence}; by now the thread is in ${thread}, but the packet leaves from the socket's namespace, the one it was made in`;
}

/** The answer read from an upstream socket (no errno). */
function readAnswer(attempt: AttemptRecord): StepAnnotation {
  if (attempt.outcome !== 'answer') return { text: 'reads a reply', tone: 'plain' };
  const rcode = attempt.rcode ?? 'an answer';
  return { text: `reads the answer: ${rcode}, ${formatRecordCount(attempt.answers.length)}`, tone: SUCCESS_RCODES.has(rcode) ? 'good' : 'bad' };
}

/** The client's side: its query arriving on the listener, the reply going back. */
function clientSentence(step: StoryStep, record: SessionRecord): StepAnnotation | null {
  const from = step.address ?? record.client?.address ?? 'an unknown address';
  if (step.kind === 'receive') {
    const query = record.query ? ` (${formatQuery(record.query)})` : '';
    return { text: `the client's query arrives from ${from}${query}`, tone: 'plain' };
  }
  if (step.kind === 'send') {
    if (!record.reply) return { text: `sends to the client at ${from}`, tone: 'plain' };
    const { rcode, answers } = record.reply;
    return { text: `the reply goes back to ${from}: ${rcode}, ${formatRecordCount(answers.length)}`, tone: SUCCESS_RCODES.has(rcode) ? 'good' : 'bad' };
  }
  if (step.kind === 'accept') return { text: `accepts the client's TCP connection from ${from}`, tone: 'plain' };
  return null;
}

/** What the call did, before any errno is explained. */
function describeStep(step: StoryStep, context: StepContext): StepAnnotation {
  const { attempt } = context;
  const plain = (text: string): StepAnnotation => ({ text, tone: 'plain' });
  if (attempt === null) {
    const client = clientSentence(step, context.record);
    if (client) return client;
  }
  switch (step.kind) {
    case 'netns-enter':
      return plain(`thread ${step.tid} enters ${describeNetns(step.netns)}`);
    case 'netns-unshare':
      return plain(`thread ${step.tid} moves to a new network namespace of its own`);
    case 'socket':
      return plain(`opens a ${attempt ? attempt.proto.toUpperCase() : 'network'} socket${step.fd === null ? '' : ` (fd ${step.fd})`} in ${describeNetns(step.netns)}`);
    case 'connect':
      return plain(connectSentence(step, context));
    case 'local-address':
      return plain(`source address ${step.address ?? '?'} — ${explainSourceAddress(attempt?.netns ?? step.netns)}`);
    case 'peer-address':
      return plain(`peer address ${step.address ?? '?'}: the upstream the socket is connected to`);
    case 'socket-error':
      return plain(step.errno === null ? 'SO_ERROR is 0: the TCP connection to the upstream is up' : 'asks how the TCP connection ended');
    case 'send':
      return plain(attempt ? sendQuerySentence(step, attempt, context.sendIndex) : 'sends');
    case 'receive':
      return attempt ? readAnswer(attempt) : plain('reads');
    default: {
      const release = RELEASES[step.kind];
      if (release === undefined) return plain(step.kind);
      if (attempt?.outcome !== 'timeout') return plain(release);
      const after = attempt.latencyMs === null ? '' : ` ${formatLatency(attempt.latencyMs)} after the query`;
      return { text: `${release}${after} with no answer: a timeout (the query or its answer was dropped on the way)`, tone: 'bad' };
    }
  }
}

/**
 * A step in plain words, led by its syscall: `setns: thread 3692 enters container namespace sandbox
 * 6d527838845f (net:[4026532326])`, `read → ECONNREFUSED: an ICMP port unreachable came back; …`. An errno
 * that settles an attempt is `bad`; one that only says "not yet" (EAGAIN, EINPROGRESS) is `dim`.
 */
export function annotateStep(step: StoryStep, context: StepContext): StepAnnotation {
  const described = describeStep(step, context);
  if (step.errno === null) return { text: `${step.syscall}: ${described.text}`, tone: described.tone };
  const explanation = explainErrno(step.errno, context.attempt?.proto ?? 'udp');
  const failure = `${step.errno}${explanation === null ? '' : `: ${explanation}`}`;
  const tone = outcomeOfErrno(step.errno) === null ? 'dim' : 'bad';
  // A failed read has nothing to say but its errno; a failed connect or send still says what it tried.
  if (step.kind === 'receive') return { text: `${step.syscall} → ${failure}`, tone };
  return { text: `${step.syscall}: ${described.text} → ${failure}`, tone };
}
