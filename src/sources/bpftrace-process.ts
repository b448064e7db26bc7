import { execa, type ResultPromise } from 'execa';
import { cpus } from 'node:os';
import type { Readable } from 'node:stream';
import { LineSplitter } from './line-splitter.js';
import { STDERR_KEPT, tracerExitOf, type TracerExit } from './tracer-exit.js';

/** How a bpftrace run ended. */
export interface BpftraceExit extends TracerExit {
  /** Every CPU's drain marker was read before the stop: nothing buffered in the kernel was left behind. */
  drained: boolean;
}

/** What to run: see parsers/bpftrace/ns53.bt's header for the parameters. */
export interface BpftraceLaunch {
  binary: string;
  programPath: string;
  targetPid: number;
  /** The target's own netns inode (from /proc), printed in the `hello` record; 0 when unknown. */
  hostInode: number;
}

/** How long the output gathers between reads (see gatherNext). */
const GATHER_MS = 10;
/** Time allowed for the drain markers of every CPU to come back before bpftrace is interrupted anyway. */
const DRAIN_TIMEOUT_MS = 3_000;
/** Time bpftrace gets to exit after SIGINT (it detaches its probes) before SIGTERM, then SIGKILL. */
const EXIT_GRACE_MS = 5_000;
/**
 * Perf buffer pages per CPU (4 KiB each): 4 MiB, so that bursts while bpftrace's reader is behind are held
 * rather than lost. 0.17's default of 64 pages overflowed under the lab's dnsperf load.
 */
const PERF_BUFFER_PAGES = '1024';

/**
 * The output markers, matched on whole lines (bpftrace -f json). bpftrace prints `attached_probes` before it
 * attaches anything (failures can follow it); the program's `hello`, printed by BEGIN, comes once every probe
 * is attached.
 */
const PROBES = /^\{"type": ?"attached_probes", ?"data": ?\{"probes": ?(\d+)\}\}$/;
const HELLO = /^\{"type": ?"printf", ?"data": ?"\{\\"k\\":\\"hello\\"/;
const DRAIN = /\\"k\\":\\"drain\\",\\"ts\\":\d+,\\"cpu\\":(\d+)\}/;

/**
 * One bpftrace process running ns53.bt against a live target. Its output (bpftrace -f json lines) goes to
 * `onOutput` chunk by chunk; its own messages (stderr) are kept for error messages.
 *
 * Stopping loses nothing: bpftrace 0.17 drops whatever it has not read yet when it gets SIGINT, so `stop`
 * first calls kill(target, 0), which sends no signal but tells the program to print a drain marker on every
 * CPU; once every CPU's marker has been read, so has everything before it, and SIGINT follows. bpftrace runs
 * in its own process group, so a terminal's Ctrl-C reaches ns53 (which drains first), not bpftrace; and it is
 * started through `setpriv --pdeathsig INT` where available, so it ends if ns53 is killed.
 */
export class BpftraceProcess {
  /** Resolves with the number of probes once bpftrace has attached them (its `hello`); rejects if it ends first. */
  readonly attached: Promise<number>;
  /** Resolves when bpftrace has ended and its output is fully delivered. */
  readonly exited: Promise<BpftraceExit>;
  private readonly child: ResultPromise<{ stdin: 'ignore'; stdout: 'pipe'; stderr: 'pipe'; buffer: false; reject: false; detached: true }>;
  private readonly output: Readable;
  private stderrText = '';
  private readonly cpusDrained = new Set<number>();
  private draining: (() => void) | null = null;
  private gathering = false;
  private pausedBySave = false;
  /** Whether output lines are looked at for the hello and drain markers (see the constructor). */
  private watchingControl = true;
  private drained = false;

  constructor(launch: BpftraceLaunch, onOutput: (chunk: Buffer) => void, pdeathsig: boolean) {
    const args = ['-f', 'json', launch.programPath, String(launch.targetPid), String(process.pid), String(launch.hostInode), String(cpus().length)];
    const [file, argv] = pdeathsig ? ['setpriv', ['--pdeathsig', 'INT', '--', launch.binary, ...args]] : [launch.binary, args];
    this.child = execa(file, argv, {
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      detached: true,
      env: { BPFTRACE_STRLEN: '200', BPFTRACE_PERF_RB_PAGES: PERF_BUFFER_PAGES },
    });
    this.output = this.child.stdout;
    let resolveAttached!: (probes: number) => void;
    let rejectAttached!: (exit: BpftraceExit) => void;
    this.attached = new Promise((resolve, reject) => {
      resolveAttached = resolve;
      rejectAttached = reject;
    });
    this.attached.catch(() => undefined);
    let probeCount = 0;
    const control = new LineSplitter((bytes, start, end) => {
      // Only short lines are control lines; payload records are long.
      if (end - start > 300) return;
      const line = bytes.toString('utf8', start, end);
      const probes = PROBES.exec(line);
      if (probes) probeCount = Number(probes[1]);
      if (HELLO.test(line)) resolveAttached(probeCount);
      const drain = this.draining ? DRAIN.exec(line) : null;
      if (drain) this.noteDrained(Number(drain[1]));
    });
    // Control lines matter only until the hello and while draining: the rest of the time the output is
    // not split a second time (at full load that doubled the cost of reading it).
    void this.attached.then(() => (this.watchingControl = this.draining !== null), () => undefined);
    this.output.on('data', (chunk: Buffer) => {
      onOutput(chunk);
      if (this.watchingControl) control.push(chunk);
      this.gatherNext();
    });
    const outputEnded = new Promise<void>((resolve) => {
      this.output.on('end', resolve);
      this.output.on('error', () => resolve());
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderrText = (this.stderrText + chunk.toString('utf8')).slice(-STDERR_KEPT);
    });
    this.exited = Promise.all([this.child, outputEnded]).then(([result]) => {
      const exit: BpftraceExit = { ...tracerExitOf(result, this.stderrText), drained: this.drained };
      rejectAttached(exit);
      return exit;
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Stops reading (a slow --save disk): bpftrace's buffers then fill, and it reports what it had to drop. */
  pause(): void {
    this.pausedBySave = true;
    this.output.pause();
  }

  resume(): void {
    this.pausedBySave = false;
    if (!this.gathering) this.output.resume();
  }

  /**
   * bpftrace writes each record on its own (line buffering), so reading as soon as data is there costs a
   * wake-up and a read() per record: most of ns53's CPU at 1,000 queries/s. After each read ns53 lets the
   * output gather for GATHER_MS (the socket holds hundreds of KiB meanwhile), then reads it in one go.
   */
  private gatherNext(): void {
    if (this.gathering) return;
    this.gathering = true;
    this.output.pause();
    setTimeout(() => {
      this.gathering = false;
      if (!this.pausedBySave) this.output.resume();
    }, GATHER_MS).unref();
  }

  /** Drains (see the class comment), then SIGINT; SIGTERM and SIGKILL if bpftrace does not end. */
  async stop(targetPid: number): Promise<BpftraceExit> {
    if (!this.ended) await this.drain(targetPid);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
      if (this.ended) break;
      this.child.kill(signal);
      const ended = await Promise.race([this.exited.then(() => true), delay(EXIT_GRACE_MS).then(() => false)]);
      if (ended) break;
    }
    return this.exited;
  }

  private get ended(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined;
  }

  private async drain(targetPid: number): Promise<void> {
    const done = new Promise<void>((resolve) => (this.draining = resolve));
    this.watchingControl = true;
    try {
      process.kill(targetPid, 0);
    } catch {
      // The target is gone (ESRCH); the kill() call itself is what the program watches, so it still counts.
    }
    await Promise.race([done, this.exited, delay(DRAIN_TIMEOUT_MS)]);
  }

  private noteDrained(cpu: number): void {
    this.cpusDrained.add(cpu);
    if (this.cpusDrained.size >= cpus().length) {
      this.drained = true;
      this.draining?.();
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
