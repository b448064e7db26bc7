import { decodeDnsMessage, looksLikeDnsMessage, type DnsMessage } from '../../parsers/dns/index.js';
import type { InetAddress } from '../../parsers/strace/index.js';
import type { NetEvent, Payload } from '../events/net-event.js';
import type { ResolvedEvent, SocketState } from '../state/index.js';
import { questionOf, sameQuestion } from './dns-question.js';
import type { Attempt, Session, TrailEntry } from './model.js';
import { outcomeOfErrno, type Outcome } from './outcome.js';
import { DeadlineQueue } from './deadline-queue.js';
import { TcpDnsStream } from './tcp-dns-stream.js';

/** Trace-time limits that decide when a session can no longer change. */
export interface CorrelatorOptions {
  /**
   * Seconds with no activity after which a session with every attempt settled but no reply is done. Longer
   * than dockerd's 4 s wait for a forwarding slot, so a late first attempt still joins its session.
   */
  settleSeconds: number;
  /** Seconds with no activity after which a session is closed even with attempts still waiting. */
  abandonSeconds: number;
  /** Most sessions kept open at once; beyond it the oldest is closed (bounded memory without timestamps). */
  maxOpenSessions: number;
  /**
   * `start`: sessions come out in the order they began (a replay's stable order). `completion`: each comes out
   * as soon as it is finished (live, where a slow session must not hold back the ones after it).
   */
  emitOrder: 'start' | 'completion';
}

export const DEFAULT_CORRELATOR_OPTIONS: CorrelatorOptions = { settleSeconds: 5, abandonSeconds: 60, maxOpenSessions: 20_000, emitOrder: 'start' };

/** Rcodes after which dockerd tries the next upstream (it relays the others). */
const FAILOVER_RCODES = new Set(['SERVFAIL', 'REFUSED']);

/**
 * Rebuilds DNS forwarding sessions from resolved events: a query received from a client, the upstream
 * attempts made for it (matched by process, DNS id and question, never by thread: Go moves goroutines
 * between threads), and the reply sent back. Time is the trace's.
 *
 * A session is finished the moment it is complete (reply sent, every attempt settled), or when its deadline
 * passes: `settleSeconds` after its last activity once every attempt is settled, `abandonSeconds` otherwise.
 * Deadlines expire before any later event is applied, so the result does not depend on how often the clock
 * is looked at: a live run that also advances the clock while the trace is quiet (`advanceTo`) finishes the
 * same sessions as a replay of its saved trace.
 */
export class SessionCorrelator {
  private readonly options: CorrelatorOptions;
  private now: number | null = null;
  private nextSessionId = 1;
  private nextAttemptId = 1;
  /** Sessions not yet emitted, in the order they began. */
  private readonly queue: Session[] = [];
  private queueHead = 0;
  /** Sessions by deadline (with stale entries; see DeadlineQueue). */
  private readonly deadlines = new DeadlineQueue<Session>();
  /** Finished sessions waiting to be emitted, in `completion` order. */
  private readonly ready: Session[] = [];
  /** Unfinished sessions by `process:dnsId`. */
  private readonly byKey = new Map<string, Session[]>();
  private readonly attemptsBySocket = new Map<number, Attempt[]>();
  private readonly socketTrails = new Map<number, TrailEntry[]>();
  private readonly streams = new Map<string, TcpDnsStream>();
  private readonly lastNetnsEntry = new Map<number, TrailEntry>();

  constructor(
    private readonly emit: (session: Session) => void,
    options: Partial<CorrelatorOptions> = {},
  ) {
    this.options = { ...DEFAULT_CORRELATOR_OPTIONS, ...options };
  }

  /** Takes the next event, in trace order. */
  push(resolved: ResolvedEvent): void {
    const { event } = resolved;
    if (event.time !== null && (this.now === null || event.time > this.now)) {
      this.now = event.time;
      this.expireBefore(event.time, false);
    }
    switch (event.type) {
      case 'netns-enter':
      case 'netns-unshare':
        this.lastNetnsEntry.set(event.tid, this.trailEntry(resolved));
        break;
      case 'thread-exit':
        this.lastNetnsEntry.delete(event.tid);
        break;
      case 'socket':
        if (resolved.socket && resolved.socket.family !== 'other') {
          const entered = this.lastNetnsEntry.get(event.tid);
          this.socketTrails.set(resolved.socket.id, entered ? [entered, this.trailEntry(resolved)] : [this.trailEntry(resolved)]);
        }
        break;
      case 'connect':
        this.onConnect(resolved, event);
        break;
      case 'local-address':
      case 'peer-address':
        this.noteOnSocket(resolved);
        break;
      case 'socket-error':
        this.noteOnSocket(resolved);
        if (resolved.socket && event.errno !== null) this.settleErrno(resolved.socket, event.errno, resolved, false);
        break;
      case 'send':
        this.onSend(resolved, event);
        break;
      case 'receive':
        this.onReceive(resolved, event);
        break;
      default:
        break;
    }
    for (const socket of resolved.released) this.onReleased(socket, resolved);
    this.closeOverflow();
    this.flush();
  }

  /**
   * Says that the trace holds nothing more up to `seconds` (a live source's clock while the traced process is
   * quiet): sessions whose deadline is at or before it are finished and come out.
   */
  advanceTo(seconds: number): void {
    this.expireBefore(seconds, true);
    this.flush();
  }

  /** At end of input: everything still waiting is `pending`, and every session comes out. */
  end(): void {
    for (let i = this.queueHead; i < this.queue.length; i++) {
      const session = this.queue[i]!;
      if (!session.finished) this.finish(session);
    }
    this.flush();
  }

  private trailEntry(resolved: ResolvedEvent): TrailEntry {
    return { event: resolved.event, netns: resolved.netns };
  }

  private noteOnSocket(resolved: ResolvedEvent): void {
    if (!resolved.socket) return;
    const entry = this.trailEntry(resolved);
    const attempts = this.attemptsBySocket.get(resolved.socket.id);
    if (attempts) for (const attempt of attempts) this.addToTrail(attempt, entry);
    else this.socketTrails.get(resolved.socket.id)?.push(entry);
  }

  private onConnect(resolved: ResolvedEvent, event: Extract<NetEvent, { type: 'connect' }>): void {
    const socket = resolved.socket;
    if (!socket || event.address === null) return;
    const known = this.attemptsBySocket.has(socket.id);
    if (event.address.port !== 53 && !known) {
      this.socketTrails.get(socket.id)?.push(this.trailEntry(resolved));
      return;
    }
    const attempt = this.openAttempt(socket) ?? this.newAttempt(socket, resolved);
    attempt.upstream = event.address;
    attempt.startTime ??= event.time;
    this.addToTrail(attempt, this.trailEntry(resolved));
    if (event.errno !== null) this.settleErrno(socket, event.errno, resolved, false);
  }

  private onSend(resolved: ResolvedEvent, event: Extract<NetEvent, { type: 'send' }>): void {
    const socket = resolved.socket;
    if (!socket) return;
    for (const message of this.readMessages(socket, 'out', event.payload)) {
      if (message.qr) {
        this.onReply(message, resolved, event.peer ?? socket.remote);
        continue;
      }
      // A query sent again on the same socket (after EAGAIN, or a retransmission) belongs to the same attempt.
      const question = questionOf(message);
      const attempt =
        this.openAttempt(socket, (a) => a.query === null || sameQuestion(questionOf(a.query), question)) ??
        this.newAttempt(socket, resolved);
      this.addToTrail(attempt, this.trailEntry(resolved));
      if (attempt.query !== null) continue;
      attempt.query = message;
      attempt.queryTime = event.time;
      attempt.startTime ??= event.time;
      attempt.upstream ??= event.peer ?? socket.remote;
      this.link(attempt, message, resolved);
    }
    if (event.errno !== null) this.settleErrno(socket, event.errno, resolved, true);
  }

  private onReceive(resolved: ResolvedEvent, event: Extract<NetEvent, { type: 'receive' }>): void {
    const socket = resolved.socket;
    if (!socket) return;
    if (event.errno !== null) {
      this.settleErrno(socket, event.errno, resolved, true);
      return;
    }
    for (const message of this.readMessages(socket, 'in', event.payload)) {
      if (!message.qr) {
        this.openSession(message, resolved, event.peer ?? socket.remote);
        continue;
      }
      const question = questionOf(message);
      const waiting = this.attemptsBySocket.get(socket.id)?.find(
        (a) => a.outcome === null && a.query !== null && sameQuestion(questionOf(a.query), question),
      );
      if (waiting) {
        this.addToTrail(waiting, this.trailEntry(resolved));
        this.settle(waiting, 'answer', { errno: null, answer: message }, resolved);
      } else if (!this.attemptsBySocket.has(socket.id) && socket.remote?.port === 53) {
        // The answer to a query sent before the trace began.
        const attempt = this.newAttempt(socket, resolved);
        attempt.upstream = socket.remote;
        this.addToTrail(attempt, this.trailEntry(resolved));
        this.link(attempt, message, resolved);
        this.settle(attempt, 'answer', { errno: null, answer: message }, resolved);
      }
      // Otherwise a reply with a stale id: dockerd reads on until the id matches, and so do we.
    }
  }

  /** DNS messages in a payload: TCP streams are reassembled per socket and direction; UDP is one message. */
  private readMessages(socket: SocketState, direction: 'in' | 'out', payload: Payload | null): DnsMessage[] {
    if (!payload || payload.bytes.length === 0) return [];
    if (socket.protocol === 'tcp') {
      const key = `${socket.id}:${direction}`;
      let stream = this.streams.get(key);
      if (!stream) this.streams.set(key, (stream = new TcpDnsStream()));
      return stream.push(payload).filter((message) => message.malformed === null);
    }
    if (!looksLikeDnsMessage(payload.bytes)) return [];
    const message = decodeDnsMessage(payload.bytes);
    if (!message) return [];
    if (payload.truncated) message.truncated = true;
    return [message];
  }

  private newAttempt(socket: SocketState, resolved: ResolvedEvent): Attempt {
    const attempt: Attempt = {
      id: this.nextAttemptId++,
      socket,
      tid: socket.createdBy ?? resolved.event.tid,
      proto: socket.protocol === 'tcp' ? 'tcp' : 'udp',
      upstream: null,
      query: null,
      queryTime: null,
      startTime: null,
      outcome: null,
      answer: null,
      errno: null,
      endTime: null,
      endRef: null,
      session: null,
      trail: [...(this.socketTrails.get(socket.id) ?? [])],
    };
    let attempts = this.attemptsBySocket.get(socket.id);
    if (!attempts) this.attemptsBySocket.set(socket.id, (attempts = []));
    attempts.push(attempt);
    return attempt;
  }

  /** The socket's newest attempt that has no outcome yet (and passes `filter`). */
  private openAttempt(socket: SocketState, filter: (a: Attempt) => boolean = () => true): Attempt | null {
    const attempts = this.attemptsBySocket.get(socket.id);
    if (!attempts) return null;
    for (let i = attempts.length - 1; i >= 0; i--) {
      const attempt = attempts[i]!;
      if (attempt.outcome === null && filter(attempt)) return attempt;
    }
    return null;
  }

  private addToTrail(attempt: Attempt, entry: TrailEntry): void {
    if (attempt.trail.at(-1) !== entry) attempt.trail.push(entry);
  }

  /**
   * An errno on an upstream socket. Receive errors settle the attempt waiting longest for an answer; an
   * error on connect or send settles the newest attempt. EAGAIN and friends settle nothing.
   */
  private settleErrno(socket: SocketState, errno: string, resolved: ResolvedEvent, needsQuery: boolean): void {
    const outcome = outcomeOfErrno(errno);
    if (outcome === null) return;
    const attempts = this.attemptsBySocket.get(socket.id);
    const attempt = needsQuery
      ? attempts?.find((a) => a.outcome === null && a.query !== null) ?? this.openAttempt(socket)
      : this.openAttempt(socket);
    if (!attempt) return;
    this.addToTrail(attempt, this.trailEntry(resolved));
    this.settle(attempt, outcome, { errno, answer: null }, resolved);
  }

  private settle(attempt: Attempt, outcome: Outcome, details: { errno: string | null; answer: DnsMessage | null }, resolved: ResolvedEvent): void {
    if (attempt.outcome !== null) return;
    attempt.outcome = outcome;
    attempt.errno = details.errno;
    attempt.answer = details.answer;
    attempt.endTime = resolved.event.time;
    attempt.endRef = resolved.event.ref;
    if (!attempt.session) this.adoptOrphan(attempt, resolved);
    this.touch(attempt.session!);
  }

  /** A socket lost its last fd: attempts that sent a query and heard nothing timed out; the rest never were. */
  private onReleased(socket: SocketState, resolved: ResolvedEvent): void {
    const attempts = this.attemptsBySocket.get(socket.id);
    this.attemptsBySocket.delete(socket.id);
    this.socketTrails.delete(socket.id);
    this.streams.delete(`${socket.id}:in`);
    this.streams.delete(`${socket.id}:out`);
    if (!attempts) return;
    for (const attempt of attempts) {
      if (attempt.outcome !== null) continue;
      if (attempt.query === null) {
        this.forget(attempt);
        continue;
      }
      this.addToTrail(attempt, this.trailEntry(resolved));
      this.settle(attempt, 'timeout', { errno: null, answer: null }, resolved);
    }
  }

  /** Drops an attempt that turned out to be no attempt (a socket that connected to :53 and sent nothing). */
  private forget(attempt: Attempt): void {
    const session = attempt.session;
    if (!session) return;
    session.attempts = session.attempts.filter((a) => a !== attempt);
    this.schedule(session);
  }

  private openSession(query: DnsMessage, resolved: ResolvedEvent, peer: InetAddress | null): void {
    const socket = resolved.socket!;
    const { event } = resolved;
    const session = this.newSession(resolved, query);
    session.client = { address: peer, proto: socket.protocol === 'tcp' ? 'tcp' : 'udp', socket, tid: event.tid, time: event.time, ref: event.ref };
    session.trail.push(this.trailEntry(resolved));
  }

  private newSession(resolved: ResolvedEvent, query: DnsMessage | null): Session {
    const question = query ? questionOf(query) : null;
    const session: Session = {
      id: this.nextSessionId++,
      process: resolved.process,
      client: null,
      query,
      question,
      attempts: [],
      reply: null,
      startTime: resolved.event.time,
      lastActivity: resolved.event.time,
      deadline: null,
      trail: [],
      finished: false,
    };
    this.queue.push(session);
    this.schedule(session);
    if (question) {
      const key = `${session.process}:${question.id}`;
      let list = this.byKey.get(key);
      if (!list) this.byKey.set(key, (list = []));
      list.push(session);
    }
    return session;
  }

  /** Sessions of this process still open for a message with this question. */
  private candidates(process: number, message: DnsMessage): Session[] {
    const question = questionOf(message);
    const list = this.byKey.get(`${process}:${question.id}`) ?? [];
    return list.filter((s) => !s.finished && s.question !== null && sameQuestion(s.question, question));
  }

  /**
   * Joins an attempt to the session it serves: the oldest that has no attempt yet; else the newest whose
   * last attempt failed (failover to the next upstream); else the newest. Without one, the client leg is not
   * in the log and the attempt forms a session of its own.
   */
  private link(attempt: Attempt, message: DnsMessage, resolved: ResolvedEvent): void {
    const candidates = this.candidates(resolved.process, message).filter((s) => s.reply === null);
    const withClient = candidates.filter((s) => s.client !== null);
    const session =
      withClient.find((s) => s.attempts.length === 0) ??
      withClient.findLast((s) => failedOver(s)) ??
      withClient.at(-1) ??
      candidates.find((s) => s.client === null) ??
      this.newSession(resolved, message);
    attempt.session = session;
    session.attempts.push(attempt);
    this.touch(session);
  }

  /** An attempt that failed before it sent any query (e.g. connect: network unreachable) stands alone. */
  private adoptOrphan(attempt: Attempt, resolved: ResolvedEvent): void {
    const session = this.newSession(resolved, attempt.query);
    session.startTime = attempt.startTime ?? resolved.event.time;
    attempt.session = session;
    session.attempts.push(attempt);
  }

  /** A response sent to a client: the reply of the oldest matching session waiting for one. */
  private onReply(message: DnsMessage, resolved: ResolvedEvent, peer: InetAddress | null): void {
    const socket = resolved.socket!;
    const { event } = resolved;
    const candidates = this.candidates(resolved.process, message).filter((s) => s.reply === null);
    const session =
      candidates.find((s) => s.client !== null && s.client.socket === socket && sameAddress(s.client.address, peer)) ??
      candidates.find((s) => s.client === null) ??
      this.newSession(resolved, message);
    session.client ??= { address: peer, proto: socket.protocol === 'tcp' ? 'tcp' : 'udp', socket, tid: event.tid, time: null, ref: event.ref };
    session.reply = { message, time: event.time, tid: event.tid, ref: event.ref };
    session.trail.push(this.trailEntry(resolved));
    this.touch(session);
  }

  private touch(session: Session): void {
    session.lastActivity = this.now;
    this.schedule(session);
  }

  /** Finishes a complete session now; otherwise (re)sets its deadline from its last activity. */
  private schedule(session: Session): void {
    if (session.finished) return;
    const allSettled = session.attempts.every((a) => a.outcome !== null);
    if (session.reply !== null && allSettled) {
      this.finish(session);
      return;
    }
    if (session.lastActivity === null) return;
    const deadline = session.lastActivity + (allSettled ? this.options.settleSeconds : this.options.abandonSeconds);
    if (deadline === session.deadline) return;
    session.deadline = deadline;
    this.deadlines.push(deadline, session);
  }

  /** Finishes sessions whose deadline is before `limit` (or at it, when `inclusive`). */
  private expireBefore(limit: number, inclusive: boolean): void {
    for (;;) {
      const time = this.deadlines.peekTime();
      if (time === null || time > limit || (time === limit && !inclusive)) return;
      const session = this.deadlines.pop()!;
      // A stale entry: the session moved its deadline or finished since.
      if (!session.finished && session.deadline === time) this.finish(session);
    }
  }

  /** Bounded memory when deadlines cannot help (no timestamps, or a flood): the oldest open sessions close. */
  private closeOverflow(): void {
    const excess = this.queue.length - this.queueHead - this.options.maxOpenSessions;
    for (let i = this.queueHead; i < this.queueHead + excess; i++) {
      const session = this.queue[i]!;
      if (!session.finished) this.finish(session);
    }
  }

  /** Emits what is ready, and drops emitted sessions from the head of the queue. */
  private flush(): void {
    if (this.options.emitOrder === 'completion') {
      for (const session of this.ready) this.emit(session);
      this.ready.length = 0;
      while (this.queueHead < this.queue.length && this.queue[this.queueHead]!.finished) this.queueHead++;
    } else {
      while (this.queueHead < this.queue.length && this.queue[this.queueHead]!.finished) {
        this.emit(this.queue[this.queueHead++]!);
      }
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
  }

  private finish(session: Session): void {
    session.finished = true;
    if (this.options.emitOrder === 'completion') this.ready.push(session);
    for (const attempt of session.attempts) if (attempt.outcome === null) attempt.outcome = 'pending';
    if (session.question) {
      const key = `${session.process}:${session.question.id}`;
      const list = this.byKey.get(key);
      const rest = list?.filter((s) => s !== session) ?? [];
      if (rest.length > 0) this.byKey.set(key, rest);
      else this.byKey.delete(key);
    }
  }
}

/** The session's latest attempt failed in a way that makes dockerd try the next upstream. */
function failedOver(session: Session): boolean {
  const last = session.attempts.at(-1);
  if (!last || last.outcome === null) return false;
  return last.outcome !== 'answer' || FAILOVER_RCODES.has(last.answer?.rcode ?? '');
}

function sameAddress(a: InetAddress | null, b: InetAddress | null): boolean {
  return a === null || b === null || (a.ip === b.ip && a.port === b.port);
}
