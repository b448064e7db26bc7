import { EventHeap, type Timed } from './event-heap.js';
import type { SeededRandom } from './seeded-random.js';
import { buildCall, type Call, type StraceLogWriter } from './strace-log-writer.js';

// A small model of the Go runtime inside dockerd, enough for its strace log to look real: goroutines run on
// whichever OS thread is free (so one DNS exchange hops between tids), an idle thread first spins on a
// non-blocking epoll_pwait, then one thread blocks in epoll_pwait (the netpoller) while the others park in
// futex(FUTEX_WAIT_PRIVATE) until some thread wakes them with FUTEX_WAKE_PRIVATE. Time is simulated in
// integer microseconds; nothing here reads a clock.

/** What a thread does next: a system call, or user-space work that takes `us` microseconds. */
export type ThreadStep = { kind: 'call'; call: Call } | { kind: 'run'; us: number };

/** The epoll_event data of a registered fd, printed when the netpoller reports it ready. */
export interface PollData {
  u32: number;
  u64: number;
}

/**
 * What a goroutine yields: a thread step; `park` to block until `until` or a `wake`, whichever is first
 * (`pollData` when reaching `until` means an fd became ready, so the netpoller reports it; null for a
 * timer); `go` to start another goroutine.
 */
export type Step =
  | ThreadStep
  | { kind: 'park'; until: number; pollData: PollData | null }
  | { kind: 'go'; body: GoroutineBody; started?: (goroutine: Goroutine) => void };

/** A goroutine's code: receives each call's value. */
export type GoroutineBody = Generator<Step, void, number>;

/** A goroutine's scheduling state. */
export interface Goroutine {
  body: GoroutineBody;
  parked: boolean;
  /** When the parked goroutine is due to run again (Infinity: only a wake will do). */
  wakeAt: number;
  version: number;
}

interface SimThread {
  tid: number;
  logic: Generator<ThreadStep, void, number> | null;
  call: Call | null;
  input: number;
  version: number;
  dueAt: number;
  parkAddress: string;
  pendingSignal: boolean;
  inGoroutine: boolean;
  spinning: boolean;
}

interface ThreadEvent extends Timed {
  thread: SimThread;
  version: number;
}

interface TimerEvent extends Timed {
  goroutine: Goroutine | null;
  version: number;
  pollData: PollData | null;
  action: (() => void) | null;
}

/** How fast things happen under strace (ptrace makes every call cost tens of microseconds). */
export interface RuntimeTiming {
  /** Mean microseconds of a quick call. */
  quickCall: number;
  /** Mean microseconds of user-space work between two calls of one thread. */
  userWork: number;
}

const MAX_POLL_MS = 10_000;
const EPOLL_MAX_EVENTS = 128;

/** Runs goroutines on simulated threads and writes every call through the strace writer. */
export class GoRuntime {
  now: number;
  private seq = 0;
  private readonly threadEvents = new EventHeap<ThreadEvent>();
  private readonly timers = new EventHeap<TimerEvent>();
  private runQueue: Goroutine[] = [];
  private runHead = 0;
  private readonly parked: SimThread[] = [];
  private readonly workers: SimThread[] = [];
  private poller: SimThread | null = null;
  /** Threads woken to look for work that have not found any yet. */
  private spinning = 0;
  private netReady: PollData[] = [];

  constructor(
    private readonly writer: StraceLogWriter,
    private readonly random: SeededRandom,
    startTime: number,
    private readonly pid: number,
    private readonly epollRef: string,
    readonly timing: RuntimeTiming,
  ) {
    this.now = startTime;
  }

  /** A duration for a quick call: a floor plus an exponential tail, as strace's -T shows them. */
  quick(scale = 1): number {
    return Math.round(4 + this.random.exponential(this.timing.quickCall * scale));
  }

  /** User-space time between two calls. */
  work(scale = 1): number {
    return Math.round(2 + this.random.exponential(this.timing.userWork * scale));
  }

  /** Adds a Go worker thread (an M), starting at `at`; `parkAddress` is the futex it sleeps on. */
  addWorker(tid: number, parkAddress: string, at: number): void {
    const thread = this.newThread(tid, parkAddress);
    thread.logic = this.workerLoop(thread);
    this.workers.push(thread);
    this.schedule(thread, at);
  }

  /** Adds a thread that runs its own loop (sysmon, a thread blocked in waitid). */
  addThread(tid: number, at: number, logic: (runtime: GoRuntime) => Generator<ThreadStep, void, number>): void {
    const thread = this.newThread(tid, '');
    thread.logic = logic(this);
    this.schedule(thread, at);
  }

  /** Starts a goroutine from outside any thread (setup, or the world poking dockerd). */
  go(body: GoroutineBody): Goroutine {
    const goroutine = newGoroutine(body);
    this.makeRunnable(goroutine);
    return goroutine;
  }

  /**
   * Makes a parked goroutine due at `at` (if that is sooner than it already is): a packet or a request
   * arrived. Returns false when the goroutine is not parked (it will see the news when it next looks).
   */
  wake(goroutine: Goroutine, at: number, pollData: PollData | null): boolean {
    if (!goroutine.parked) return false;
    at = Math.max(Math.round(at), this.now);
    if (goroutine.wakeAt <= at) return true;
    goroutine.version++;
    goroutine.wakeAt = at;
    this.timers.push({ time: at, seq: ++this.seq, goroutine, version: goroutine.version, pollData, action: null });
    return true;
  }

  /** Runs `action` at trace time `at` (the outside world: a client connects, a container logs a line). */
  at(at: number, action: () => void): void {
    this.timers.push({ time: Math.max(Math.round(at), this.now), seq: ++this.seq, goroutine: null, version: 0, pollData: null, action });
  }

  /** A worker running goroutine code, for sysmon to preempt with SIGURG; null when none is. */
  preemptionTarget(): number | null {
    const running = this.workers.filter((thread) => thread.inGoroutine && !thread.pendingSignal);
    return running.length === 0 ? null : this.random.pick(running).tid;
  }

  /** Delivers SIGURG to `tid` at its next return to user space. */
  signal(tid: number): void {
    const thread = this.workers.find((t) => t.tid === tid);
    if (thread) thread.pendingSignal = true;
  }

  /** Processes the next event; false when nothing is left to do. */
  step(): boolean {
    const threadEvent = this.threadEvents.peek();
    const timer = this.timers.peek();
    if (threadEvent === undefined && timer === undefined) return false;
    if (timer !== undefined && (threadEvent === undefined || timer.time < threadEvent.time || (timer.time === threadEvent.time && timer.seq < threadEvent.seq))) {
      this.timers.pop();
      this.fire(timer);
      return true;
    }
    this.threadEvents.pop();
    const thread = threadEvent!.thread;
    if (threadEvent!.version !== thread.version) return true;
    this.now = threadEvent!.time;
    if (thread.call !== null) {
      this.finishCall(thread);
      // Returning to user space and strace's own bookkeeping take a few microseconds before the next call.
      this.schedule(thread, this.now + 3 + Math.round(this.random.exponential(10)));
    } else {
      this.advance(thread);
    }
    return true;
  }

  private newThread(tid: number, parkAddress: string): SimThread {
    return { tid, logic: null, call: null, input: 0, version: 0, dueAt: 0, parkAddress, pendingSignal: false, inGoroutine: false, spinning: false };
  }

  private fire(timer: TimerEvent): void {
    if (timer.action !== null) {
      this.now = timer.time;
      timer.action();
      return;
    }
    const goroutine = timer.goroutine!;
    if (timer.version !== goroutine.version || !goroutine.parked) return;
    this.now = timer.time;
    goroutine.parked = false;
    if (timer.pollData !== null) this.netReady.push(timer.pollData);
    this.makeRunnable(goroutine);
  }

  private schedule(thread: SimThread, at: number): void {
    thread.version++;
    thread.dueAt = at;
    this.threadEvents.push({ time: at, seq: ++this.seq, thread, version: thread.version });
  }

  private finishCall(thread: SimThread): void {
    const call = thread.call!;
    thread.call = null;
    call.dur = this.now - call.entryTime;
    call.complete?.(call);
    if (call.wait === 'poll') this.poller = null;
    this.writer.exit(thread.tid, this.now, call);
    if (!call.injected) thread.input = call.value;
  }

  private advance(thread: SimThread): void {
    if (thread.pendingSignal) {
      thread.pendingSignal = false;
      this.writer.signal(thread.tid, this.now, `SIGURG {si_signo=SIGURG, si_code=SI_TKILL, si_pid=${this.pid}, si_uid=0}`);
      const sigreturn = buildCall('rt_sigreturn', '{mask=[]}', String(this.random.pick([0, 1, 8, 32768, 4096, 16384])), this.quick());
      sigreturn.injected = true;
      this.startCall(thread, sigreturn);
      return;
    }
    const result = thread.logic!.next(thread.input);
    thread.input = 0;
    if (result.done) return;
    const step = result.value;
    if (step.kind === 'run') this.schedule(thread, this.now + Math.max(1, Math.round(step.us)));
    else this.startCall(thread, step.call);
  }

  private startCall(thread: SimThread, call: Call): void {
    thread.call = call;
    this.writer.entry(thread.tid, this.now, call);
    if (call.wait === 'park') {
      this.parked.push(thread);
      return;
    }
    if (call.wait === 'poll') this.poller = thread;
    if (Number.isFinite(call.dur)) this.schedule(thread, this.now + Math.max(1, Math.round(call.dur)));
  }

  private makeRunnable(goroutine: Goroutine): void {
    this.runQueue.push(goroutine);
    // Go's netpoller returns as soon as something is ready; without one, a parked thread gets woken.
    const soon = this.now + 5 + this.random.int(0, 40);
    if (this.poller !== null) {
      if (this.poller.dueAt > soon) this.schedule(this.poller, soon);
      return;
    }
    const someoneAwake = this.workers.some((t) => t.call === null || t.call.wait === 'none');
    if (!someoneAwake) {
      const sleeper = this.parked.pop();
      if (sleeper) this.schedule(sleeper, soon);
    }
  }

  private takeRunnable(): Goroutine | null {
    if (this.runHead >= this.runQueue.length) return null;
    const goroutine = this.runQueue[this.runHead++]!;
    if (this.runHead > 1024 && this.runHead * 2 > this.runQueue.length) {
      this.runQueue = this.runQueue.slice(this.runHead);
      this.runHead = 0;
    }
    return goroutine;
  }

  private runnableCount(): number {
    return this.runQueue.length - this.runHead;
  }

  /**
   * A worker (Go's schedule/findrunnable): run goroutines while there are any. A thread woken from its futex
   * is "spinning"; when it finds work it stops spinning and, if no one else spins, wakes another parked
   * thread to look for more (wakep) — the FUTEX_WAKE / futex-returns-0 / epoll_pwait / FUTEX_WAIT churn
   * that fills most of a Go program's strace log. A thread with nothing to do spins on a non-blocking
   * epoll_pwait, then blocks in epoll_pwait if nobody does (the netpoller), else parks.
   */
  private *workerLoop(thread: SimThread): Generator<ThreadStep, void, number> {
    for (;;) {
      const goroutine = this.takeRunnable();
      if (goroutine !== null) {
        if (thread.spinning) {
          thread.spinning = false;
          this.spinning--;
          if (this.spinning === 0) {
            const wake = this.wakeCall();
            if (wake) yield { kind: 'call', call: wake };
          }
        }
        yield* this.runGoroutine(thread, goroutine);
        continue;
      }
      if (thread.spinning || this.random.chance(0.3)) {
        yield { kind: 'call', call: this.pollCall(false) };
        if (this.runnableCount() > 0) continue;
      }
      if (thread.spinning) {
        thread.spinning = false;
        this.spinning--;
      }
      if (this.poller === null) {
        yield { kind: 'call', call: this.pollCall(true) };
        this.poller = null;
        // Readied goroutines start an idle thread (injectglist/wakep) unless one is already looking.
        if (this.runnableCount() > 1 || (this.runnableCount() > 0 && this.spinning === 0 && this.random.chance(0.7))) {
          const wake = this.wakeCall();
          if (wake) yield { kind: 'call', call: wake };
        }
        continue;
      }
      yield { kind: 'call', call: buildCall('futex', `${thread.parkAddress}, FUTEX_WAIT_PRIVATE, 0, NULL`, '0', Infinity, { wait: 'park' }) };
      thread.spinning = true;
      this.spinning++;
      yield { kind: 'run', us: this.work(0.5) };
    }
  }

  /** Runs one goroutine until it parks or ends. */
  private *runGoroutine(thread: SimThread, goroutine: Goroutine): Generator<ThreadStep, void, number> {
    thread.inGoroutine = true;
    let input = 0;
    for (;;) {
      const result = goroutine.body.next(input);
      input = 0;
      if (result.done) break;
      const step = result.value;
      if (step.kind === 'park') {
        this.park(goroutine, step.until, step.pollData);
        break;
      }
      if (step.kind === 'go') {
        // newproc puts the goroutine on the run queue and wakes an idle thread to take it (wakep).
        const started = newGoroutine(step.body);
        this.runQueue.push(started);
        step.started?.(started);
        const wake = this.wakeCall();
        if (wake) input = yield { kind: 'call', call: wake };
        input = 0;
        continue;
      }
      input = yield step;
    }
    thread.inGoroutine = false;
    yield { kind: 'run', us: this.work(0.5) };
  }

  private park(goroutine: Goroutine, until: number, pollData: PollData | null): void {
    goroutine.parked = true;
    goroutine.version++;
    until = Number.isFinite(until) ? Math.max(Math.round(until), this.now) : until;
    goroutine.wakeAt = until;
    if (Number.isFinite(until)) {
      this.timers.push({ time: until, seq: ++this.seq, goroutine, version: goroutine.version, pollData, action: null });
    }
  }

  /** FUTEX_WAKE on a parked thread, whose own futex then returns 0; null when nobody is parked. */
  private wakeCall(): Call | null {
    const sleeper = this.parked.pop();
    if (!sleeper) return null;
    return buildCall('futex', `${sleeper.parkAddress}, FUTEX_WAKE_PRIVATE, 1`, '1', this.quick(), {
      complete: () => this.schedule(sleeper, this.now + 10 + this.random.int(0, 60)),
    });
  }

  /** epoll_pwait on the runtime's epoll fd: non-blocking (a spinning thread) or until the next timer. */
  private pollCall(blocking: boolean): Call {
    let timeoutMs = 0;
    let dur = this.quick();
    if (blocking) {
      const next = this.timers.peek();
      const wait = next === undefined ? MAX_POLL_MS * 1000 : Math.min(Math.max(next.time - this.now, 0), MAX_POLL_MS * 1000);
      timeoutMs = Math.ceil(wait / 1000);
      dur = Math.max(timeoutMs * 1000, 1);
    }
    return buildCall('epoll_pwait', `${this.epollRef}, `, '0', dur, {
      wait: blocking ? 'poll' : 'none',
      complete: (call) => {
        const ready = this.netReady.splice(0, EPOLL_MAX_EVENTS);
        const events = ready.map((data) => `{events=EPOLLIN|EPOLLOUT, data={u32=${data.u32}, u64=${data.u64}}}`);
        call.exit = `[${events.join(', ')}], ${EPOLL_MAX_EVENTS}, ${timeoutMs}, NULL, 0`;
        call.ret = String(ready.length);
      },
    });
  }
}

function newGoroutine(body: GoroutineBody): Goroutine {
  return { body, parked: false, wakeAt: Infinity, version: 0 };
}
