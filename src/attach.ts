import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { release } from 'node:os';
import { Ns53Error } from './errors.js';
import { callDecoders } from './events/decoders/index.js';
import type { SummaryRecord } from './sessions/index.js';
import { LineSplitter } from './sources/line-splitter.js';
import { describeInput } from './sources/trace-input.js';
import { readNetnsSnapshot } from './sources/netns-snapshot.js';
import { procView } from './sources/dockerd-finder.js';
import { processStatus, stoppedThreads } from './sources/process-status.js';
import { buildStraceArgs, DEFAULT_STRING_LIMIT, formatCommandLine } from './sources/strace-command.js';
import { attachFailure, explainPtraceDenied, lastStraceMessage, type AttachContext } from './sources/strace-failure.js';
import { StraceProcess, type StraceExit } from './sources/strace-process.js';
import { straceVersion } from './sources/strace-version.js';
import { netnsForMeta, writeTraceMeta, type TraceMeta } from './sources/trace-meta.js';
import { TracePipeline, type SessionListener } from './trace-pipeline.js';

/** What to attach to and how long to stay. */
export interface AttachOptions {
  target: { pid: number; comm: string };
  /** The strace to run (a name on PATH or a path). */
  straceBinary: string;
  /** Keep the raw trace here (and its meta file next to it), for `ns53 replay`. */
  savePath: string | null;
  /** Detach after this many seconds. */
  durationSeconds: number | null;
  /** Aborted when the user stops the run: Ctrl-C, SIGTERM, the output pipe closing. */
  stop: AbortSignal;
  /** Called once strace has attached to every thread. */
  onAttached?(info: AttachedInfo): void;
  /** Called about once a second with counts so far. */
  onProgress?(progress: ReturnType<TracePipeline['progress']>): void;
}

export interface AttachedInfo {
  threads: number;
  command: string;
  tracerVersion: string | null;
}

/** Why the live trace ended. */
export type AttachEnd =
  | { reason: 'duration' | 'stopped'; detail: string | null }
  | { reason: 'target-exited'; detail: string }
  | { reason: 'tracer-ended'; detail: string };

export interface AttachResult {
  summary: SummaryRecord;
  end: AttachEnd;
  /** Threads of the target left stopped after the detach (should never happen; reported if it does). */
  stoppedThreads: number[];
}

/** How far behind the wall clock the trace clock is advanced while strace prints nothing (see advanceTo). */
const QUIET_CLOCK_LAG_SECONDS = 2;
const TICK_MS = 250;
const PROGRESS_MS = 1_000;
/** Time allowed for strace to report that it attached to every thread. */
const ATTACH_TIMEOUT_MS = 20_000;

/**
 * Attaches strace to a live process and rebuilds its DNS sessions as they happen, each reported as soon as
 * it is finished. Ends on the duration, on `stop`, or when the target or strace ends; in every case strace is
 * detached first, the sessions so far come out, and the summary says how it ended.
 */
export async function attachLive(options: AttachOptions, listener: SessionListener): Promise<AttachResult> {
  const { target, straceBinary } = options;
  const context = attachContext(target.pid, straceBinary);
  if (context.tracer !== null) throw new Ns53Error('E_ATTACH_DENIED', `cannot attach to PID ${target.pid}: ${explainPtraceDenied(context)}`);
  const tracerVersion = await straceVersion(straceBinary);
  const save = options.savePath === null ? null : await openSaveFile(options.savePath);

  const initial = readNetnsSnapshot(target.pid);
  const pipeline = new TracePipeline(listener, { emitOrder: 'completion' });
  pipeline.seed(initial);
  // Positions name the file as a replay of it will (its base name), so live and replayed records are equal.
  const fileName = options.savePath === null ? `strace -p ${target.pid}` : describeInput(options.savePath).name;
  let line = 0;
  const splitter = new LineSplitter((bytes, start, end) => pipeline.pushBytes(bytes, start, end, fileName, ++line));
  let bytes = 0;
  const args = buildStraceArgs({ pid: target.pid, calls: [...callDecoders.keys()], stringLimit: DEFAULT_STRING_LIMIT });
  const command = formatCommandLine(straceBinary, args);
  const startedAt = new Date().toISOString();
  let clockAdvancedTo: number | null = null;
  const meta = (endedAt: string | null): TraceMeta => ({
    format: 'ns53-trace-meta',
    version: 1,
    backend: 'strace',
    command,
    tracerVersion,
    target,
    netns: netnsForMeta(initial),
    kernel: release(),
    startedAt,
    endedAt,
    clockAdvancedTo,
  });
  if (options.savePath !== null) writeTraceMeta(options.savePath, meta(null));

  const strace: StraceProcess = new StraceProcess(straceBinary, args, target.pid, (chunk) => {
    bytes += chunk.length;
    if (save && !save.write(chunk)) {
      strace.pause();
      save.once('drain', () => strace.resume());
    }
    splitter.push(chunk);
  });
  const stopRequested = new Promise<AttachEnd>((resolve) => {
    if (options.durationSeconds !== null) setTimeout(() => resolve({ reason: 'duration', detail: null }), options.durationSeconds * 1000).unref();
    const onAbort = () => resolve({ reason: 'stopped', detail: abortReason(options.stop) });
    if (options.stop.aborted) onAbort();
    else options.stop.addEventListener('abort', onAbort, { once: true });
  });

  let attached: number | 'stopped' | 'timeout';
  try {
    attached = await Promise.race([strace.attached, stopRequested.then(() => 'stopped' as const), delay(ATTACH_TIMEOUT_MS, 'timeout' as const)]);
  } catch (exit) {
    await closeSaveFile(save);
    throw attachFailure(exit as StraceExit, context);
  }
  if (attached === 'timeout') {
    await strace.stop();
    await closeSaveFile(save);
    throw new Ns53Error('E_ATTACH_FAILED', `strace did not report attaching to PID ${target.pid} within ${ATTACH_TIMEOUT_MS / 1000} s`);
  }
  if (attached !== 'stopped') options.onAttached?.({ threads: attached, command, tracerVersion });

  // While strace prints nothing, the trace clock still moves: -ttt stamps are the wall clock.
  const tick = setInterval(() => {
    const now = Date.now() / 1000 - QUIET_CLOCK_LAG_SECONDS;
    if (clockAdvancedTo !== null && now <= clockAdvancedTo) return;
    clockAdvancedTo = now;
    pipeline.advanceTo(now);
  }, TICK_MS);
  const progress = options.onProgress ? setInterval(() => options.onProgress!(pipeline.progress()), PROGRESS_MS) : null;
  const ended = await Promise.race([stopRequested, strace.exited.then(() => null)]);
  const exit = ended === null ? await strace.exited : await strace.stop();
  clearInterval(tick);
  if (progress) clearInterval(progress);

  splitter.end();
  await closeSaveFile(save);
  if (options.savePath !== null) writeTraceMeta(options.savePath, meta(new Date().toISOString()));
  const summary = pipeline.end({ inputs: [options.savePath ?? fileName], bytes, notes: [] });
  return { summary, end: ended ?? endOfTracer(exit, target.pid), stoppedThreads: stoppedThreads(target.pid) };
}

/** strace ended by itself: the target exited, strace was signalled (a terminal's Ctrl-C), or strace failed. */
function endOfTracer(exit: StraceExit, pid: number): AttachEnd {
  const status = processStatus(pid);
  if (status === null || status.state.startsWith('Z')) {
    return { reason: 'target-exited', detail: `PID ${pid} exited during the trace; the sessions up to then are shown` };
  }
  if (exit.detached) return { reason: 'stopped', detail: 'strace was interrupted and detached (Ctrl-C reaches it too)' };
  const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with status ${exit.code}`;
  const said = lastStraceMessage(exit.stderr);
  return { reason: 'tracer-ended', detail: `strace ${how} while PID ${pid} still runs; the sessions up to then are shown. strace said: ${said || '(nothing)'}` };
}

function attachContext(pid: number, binary: string): AttachContext {
  const status = processStatus(pid);
  if (status === null) throw new Ns53Error('E_NO_SUCH_PID', `no process with PID ${pid}`);
  const tracer = status.tracerPid === 0 ? null : { pid: status.tracerPid, comm: procView().comm(status.tracerPid) };
  return { pid, binary, euid: process.geteuid?.() ?? 0, ptraceScope: readPtraceScope(), tracer };
}

function readPtraceScope(): number | null {
  try {
    return Number(readFileSync('/proc/sys/kernel/yama/ptrace_scope', 'utf8').trim());
  } catch {
    return null;
  }
}

async function openSaveFile(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Ns53Error('E_OUTPUT_UNWRITABLE', `--save ${path}: cannot write (${error.code ?? error.message})`)),
    );
  });
  return stream;
}

function closeSaveFile(stream: WriteStream | null): Promise<void> {
  if (stream === null) return Promise.resolve();
  return new Promise((resolve, reject) => {
    stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
  });
}

function abortReason(signal: AbortSignal): string | null {
  const reason: unknown = signal.reason;
  if (typeof reason === 'string') return reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message;
  return null;
}

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms).unref());
}
