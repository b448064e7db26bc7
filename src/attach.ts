import { createWriteStream, type WriteStream } from 'node:fs';
import { release } from 'node:os';
import { Ns53Error } from './errors.js';
import type { SummaryRecord } from './sessions/index.js';
import { LineSplitter } from './sources/line-splitter.js';
import { targetExited, type AttachEnd, type LiveTracer, type TracerBackend } from './sources/live-tracer.js';
import { describeInput } from './sources/trace-input.js';
import { currentHost } from './sources/host-identity.js';
import type { LiveContainers } from './sources/live-containers.js';
import { readNetnsSnapshot } from './sources/netns-snapshot.js';
import { hasExited, stoppedThreads } from './sources/process-status.js';
import { netnsForMeta, writeTraceMeta, type TraceMeta } from './sources/trace-meta.js';
import { TracePipeline, type SessionListener } from './trace-pipeline.js';

export type { AttachEnd, TracerBackend } from './sources/live-tracer.js';

/** What to attach to, with which tracer, and how long to stay. */
export interface AttachOptions {
  target: { pid: number; comm: string };
  backend: TracerBackend;
  /** The tracer to run (strace or bpftrace: a name on PATH or a path). */
  tracerBinary: string;
  /** Keep the raw trace here (and its meta file next to it), for `ns53 replay`. */
  savePath: string | null;
  /** Detach after this many seconds. */
  durationSeconds: number | null;
  /** Aborted when the user stops the run: Ctrl-C, SIGTERM, the output pipe closing. */
  stop: AbortSignal;
  /** The containers of this host, to name namespaces by (and keep in the meta file); null for none. */
  containers: LiveContainers | null;
  /** Called once the tracer has attached. */
  onAttached?(info: AttachedInfo): void;
  /** Called about once a second with counts so far. */
  onProgress?(progress: ReturnType<TracePipeline['progress']>): void;
}

export interface AttachedInfo {
  /** What the tracer attached: `12 threads` (strace), `42 probes` (bpftrace). */
  attached: string;
  command: string;
  tracerVersion: string | null;
}

export interface AttachResult {
  summary: SummaryRecord;
  end: AttachEnd;
  /** Threads of the target left stopped after the detach (should never happen; reported if it does). */
  stoppedThreads: number[];
}

const TICK_MS = 250;
const PROGRESS_MS = 1_000;
/** Time allowed for the tracer to attach: bpftrace compiles its program first (about 4 s here). */
const ATTACH_TIMEOUT_MS = 30_000;

/**
 * Attaches a tracer to a live process and rebuilds its DNS sessions as they happen, each reported as soon as
 * it is finished. Ends on the duration, on `stop`, or when the target or the tracer ends; in every case the
 * tracer is detached first, the sessions so far come out, and the summary says how it ended.
 */
export async function attachLive(options: AttachOptions, listener: SessionListener): Promise<AttachResult> {
  const { target } = options;
  const save = options.savePath === null ? null : await openSaveFile(options.savePath);
  const initial = readNetnsSnapshot(target.pid, '/proc', options.containers?.namespacePids() ?? []);
  const bpftraceReader = options.backend === 'bpftrace' ? (await import('./events/bpftrace-event-reader.js')).BpftraceEventReader : null;
  const pipeline = new TracePipeline(listener, { emitOrder: 'completion', bpftraceReader, containers: options.containers?.directory ?? null });
  pipeline.seed(initial);
  // Positions name the file as a replay of it will (its base name), so live and replayed records are equal.
  const fileName = options.savePath === null ? `${options.backend} -p ${target.pid}` : describeInput(options.savePath).name;
  let line = 0;
  const splitter = new LineSplitter((bytes, start, end) => pipeline.pushBytes(bytes, start, end, fileName, ++line));
  let bytes = 0;
  const onOutput = (chunk: Buffer): void => {
    bytes += chunk.length;
    if (save && !save.write(chunk)) {
      tracer.pause();
      save.once('drain', () => tracer.resume());
    }
    splitter.push(chunk);
  };
  let tracer: LiveTracer;
  try {
    tracer = await startTracer(options, initial.hostInode, onOutput);
  } catch (error) {
    await closeSaveFile(save);
    throw error;
  }
  const startedAt = new Date().toISOString();
  let clockAdvancedTo: number | null = null;
  const meta = (endedAt: string | null): TraceMeta => ({
    format: 'ns53-trace-meta',
    version: 2,
    backend: tracer.backend,
    command: tracer.command,
    tracerVersion: tracer.version,
    target,
    netns: netnsForMeta(initial),
    kernel: release(),
    startedAt,
    endedAt,
    clockAdvancedTo,
    ...(options.containers ? { containers: options.containers.all() } : {}),
    dockerd: options.containers?.dockerd ? { version: options.containers.dockerd.version, apiVersion: options.containers.dockerd.apiVersion } : null,
    host: currentHost(),
  });
  if (options.savePath !== null) writeTraceMeta(options.savePath, meta(null));

  let reportTargetGone!: (end: AttachEnd) => void;
  const targetGone = new Promise<AttachEnd>((resolve) => (reportTargetGone = resolve));
  let durationPassed!: (end: AttachEnd) => void;
  const stopRequested = new Promise<AttachEnd>((resolve) => {
    durationPassed = resolve;
    const onAbort = () => resolve({ reason: 'stopped', detail: abortReason(options.stop) });
    if (options.stop.aborted) onAbort();
    else options.stop.addEventListener('abort', onAbort, { once: true });
  });

  let attached: string | 'stopped' | 'timeout';
  try {
    attached = await Promise.race([tracer.attached, stopRequested.then(() => 'stopped' as const), delay(ATTACH_TIMEOUT_MS, 'timeout' as const)]);
  } catch (error) {
    await tracer.ended;
    await closeSaveFile(save);
    throw error;
  }
  if (attached === 'timeout') {
    await tracer.stop();
    await closeSaveFile(save);
    throw new Ns53Error('E_ATTACH_FAILED', `${options.backend} did not report attaching to PID ${target.pid} within ${ATTACH_TIMEOUT_MS / 1000} s`);
  }
  if (attached !== 'stopped') options.onAttached?.({ attached, command: tracer.command, tracerVersion: tracer.version });
  // --duration counts from the moment tracing began (bpftrace first compiles its program).
  const { durationSeconds } = options;
  if (durationSeconds !== null) setTimeout(() => durationPassed({ reason: 'duration', detail: null }), durationSeconds * 1000).unref();

  // While the tracer prints nothing, the trace clock still moves: its times are the wall clock's.
  const tick = setInterval(() => {
    if (!tracer.endsWithTarget && hasExited(target.pid)) reportTargetGone(targetExited(target.pid));
    const now = Date.now() / 1000 - tracer.lagSeconds;
    if (clockAdvancedTo !== null && now <= clockAdvancedTo) return;
    clockAdvancedTo = now;
    pipeline.advanceTo(now);
  }, TICK_MS);
  const progress = options.onProgress ? setInterval(() => options.onProgress!(pipeline.progress()), PROGRESS_MS) : null;
  const ended = await Promise.race([stopRequested, targetGone, tracer.ended.then(() => null)]);
  if (ended !== null) await tracer.stop();
  clearInterval(tick);
  if (progress) clearInterval(progress);

  splitter.end();
  await closeSaveFile(save);
  if (options.savePath !== null) writeTraceMeta(options.savePath, meta(new Date().toISOString()));
  const summary = pipeline.end({ inputs: [options.savePath ?? fileName], bytes, notes: [] });
  return { summary, end: ended ?? tracer.endedBy(), stoppedThreads: stoppedThreads(target.pid) };
}

/** Starts the chosen backend; each is loaded only when used. */
async function startTracer(options: AttachOptions, hostInode: number | null, onOutput: (chunk: Buffer) => void): Promise<LiveTracer> {
  const { pid } = options.target;
  if (options.backend === 'bpftrace') {
    const { startBpftraceTracer } = await import('./sources/bpftrace-tracer.js');
    return startBpftraceTracer(pid, options.tracerBinary, hostInode, onOutput);
  }
  const { startStraceTracer } = await import('./sources/strace-tracer.js');
  return startStraceTracer(pid, options.tracerBinary, onOutput);
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
