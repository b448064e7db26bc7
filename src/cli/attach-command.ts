import { attachLive, type AttachResult } from '../attach.js';
import { Ns53Error } from '../errors.js';
import type { AttachTarget } from '../sources/dockerd-finder.js';
import { startLiveContainers } from '../sources/live-containers.js';
import { formatLiveStatus } from '../sinks/live-status.js';
import { printable } from '../sinks/printable.js';
import type { CliIo } from './cli-io.js';
import { BPFTRACE_COST_NOTE, STRACE_COST_NOTE, type AttachCommandOptions } from './attach-options.js';
import { chooseBackend } from './backend-choice.js';
import { chooseTarget, engineSocketFor } from './dockerd-target.js';
import { SessionPrinter, defaultFormat } from './session-printer.js';
import { openTui } from './tui-run.js';
import { PcapOutput } from './pcap-output.js';
import type { SessionListener } from '../trace-pipeline.js';

/** `ns53 attach`: finds the target, attaches a tracer, prints sessions live, detaches cleanly; resolves with the exit status. */
export async function attachCommand(options: AttachCommandOptions, io: CliIo): Promise<number> {
  const target = chooseTarget(options);
  if (target.warning) io.stderr(`ns53: warning: ${target.warning}\n`);
  for (const note of target.notes) io.stderr(`ns53: note: ${note}\n`);
  const backend = await chooseBackend(options.backend, { strace: options.strace, bpftrace: options.bpftrace });
  io.stderr(`ns53: backend: ${backend.backend} (${backend.why})\n`);
  const binary = backend.backend === 'bpftrace' ? options.bpftrace : options.strace;
  const format = options.format ?? defaultFormat(io);
  // Before the TUI and the tracer: a --pcap path that cannot be written stops the run before it traces.
  const pcap = PcapOutput.open(options.pcap);
  const stop = new AbortController();
  const tui = format === 'tui' ? await openTui(io, `${backend.backend} → ${target.comm} (PID ${target.pid})`, true, { retention: options.retention, traceOnStdin: false }) : null;
  if (tui) {
    io = tui.io;
    void tui.app.closed.then(() => stop.abort('q in the TUI'));
  }
  // After the TUI opened (a failure to open leaves no events stream running); its notice goes to the TUI then.
  const containers = await startLiveContainers(engineSocketFor(options, target), (line) => io.stderr(`ns53: ${line}\n`));
  const printer = format === 'tui' ? null : new SessionPrinter(format, io);
  const status = new StatusLine(io, target);
  const unwatch = io.watchStop?.((reason) => stop.abort(reason)) ?? (() => undefined);
  const show: SessionListener = {
    session: (record, session) => {
      if (tui) return tui.app.session(record, session);
      status.clear();
      printer!.session(record);
      status.redraw();
    },
  };
  let result: AttachResult;
  try {
    result = await attachLive(
      {
        target: { pid: target.pid, comm: target.comm },
        backend: backend.backend,
        tracerBinary: binary,
        savePath: options.save ?? null,
        durationSeconds: options.duration ?? null,
        stop: stop.signal,
        containers,
        onAttached: ({ attached, tracerVersion }) => {
          io.stderr(`ns53: attached to ${printable(target.comm)} (PID ${target.pid}, ${attached}; ${target.how}) with ${tracerVersion ?? binary}\n`);
          io.stderr(`ns53: cost: ${backend.backend === 'bpftrace' ? BPFTRACE_COST_NOTE : STRACE_COST_NOTE}\n`);
          if (options.save) io.stderr(`ns53: saving the raw trace to ${options.save} (replay it with: ns53 replay ${options.save})\n`);
          status.start();
          tui?.app.attached();
        },
        onProgress: (progress) => {
          status.draw(progress);
          tui?.app.progress({ parseIssues: progress.parseIssues, lostEvents: progress.lostEvents });
        },
      },
      pcap?.listen(show) ?? show,
    );
  } catch (error) {
    tui?.app.close();
    throw error;
  } finally {
    unwatch();
    status.clear();
    await containers.close();
  }
  if (!tui) {
    printer!.summary(result.summary);
    pcap?.finish(result.summary, io);
    return reportEnd(result, target, io);
  }
  const exitStatus = reportEnd(result, target, io);
  tui.app.end(result.summary, describeEnd(result));
  await tui.finish(result.summary);
  pcap?.finish(result.summary, io);
  return exitStatus;
}

/** How a live run ended, in a few words for the TUI's header. */
function describeEnd(result: AttachResult): string {
  const { end } = result;
  if (end.reason === 'duration') return 'detached: the --duration passed (q to quit)';
  if (end.reason === 'stopped') return `detached (${end.detail ?? 'stopped'}; q to quit)`;
  return `ended: ${end.detail ?? end.reason} (q to quit)`;
}

/** Says how the run ended; the exit status is 0 for a requested stop, 1 when tracing ended on its own or left threads stopped. */
function reportEnd(result: AttachResult, target: AttachTarget, io: CliIo): number {
  const { end, stoppedThreads } = result;
  let status = 0;
  if (end.reason === 'duration' || end.reason === 'stopped') {
    const why = end.reason === 'duration' ? 'the --duration passed' : (end.detail ?? 'stopped');
    io.stderr(`ns53: detached from PID ${target.pid} (${why}); it keeps running\n`);
  } else {
    io.stderr(`ns53: ${end.detail}\n`);
    status = 1;
  }
  if (stoppedThreads.length > 0) {
    io.stderr(
      `ns53: WARNING: threads ${stoppedThreads.join(', ')} of PID ${target.pid} are still stopped after the detach; resume them with: kill -CONT ${target.pid}\n`,
    );
    status = 1;
  }
  return status;
}

/** The live summary on a terminal's stderr, redrawn in place; nothing when stderr is not a terminal. */
class StatusLine {
  private started = 0;
  private last: string | null = null;

  constructor(
    private readonly io: CliIo,
    private readonly target: AttachTarget,
  ) {}

  start(): void {
    this.started = Date.now();
  }

  draw(progress: Parameters<typeof formatLiveStatus>[2]): void {
    if (!this.io.stderrIsTerminal) return;
    // Clipped to the terminal's width: a wrapped line cannot be redrawn in place.
    this.last = formatLiveStatus(this.target, (Date.now() - this.started) / 1000, progress).slice(0, (this.io.stderrColumns ?? 80) - 1);
    this.io.stderr(`\r\x1b[K${this.last}`);
  }

  clear(): void {
    if (this.io.stderrIsTerminal && this.last !== null) this.io.stderr('\r\x1b[K');
  }

  redraw(): void {
    if (this.io.stderrIsTerminal && this.last !== null) this.io.stderr(this.last);
  }
}
