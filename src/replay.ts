import type { CorrelatorOptions, SummaryRecord } from './sessions/index.js';
import { mayHoldBpftrace } from './sources/trace-format.js';
import { describeInput } from './sources/trace-input.js';
import { feedTraceLines } from './sources/trace-lines.js';
import { hasTraceMeta, initialNetnsOf, traceMetaPath, type TraceMeta } from './sources/trace-meta.js';
import { TracePipeline, type SessionListener } from './trace-pipeline.js';

/**
 * Replays saved traces: `paths` are strace logs (plain or gzip), `-` for standard input, the per-thread files
 * of one `strace -ff` run (merged by time), or the records of ns53's bpftrace backend (`attach --save`). A trace saved by `ns53 attach --save` has a meta file next to it
 * with the namespaces /proc showed at attach time; it is read, so the replay matches the live run.
 * Sessions reach `listener` as they complete; resolves with the summary.
 */
export async function replayTrace(paths: string[], listener: SessionListener, options: Partial<CorrelatorOptions> = {}): Promise<SummaryRecord> {
  const inputs = paths.map(describeInput);
  const meta = await readMetaOf(paths);
  // A saved live run replays as it ran: sessions in the order they finished, the clock as far as it went.
  // zod comes with the bpftrace reader, so it is loaded only for input that may need it.
  const bpftraceReader = inputs.some(mayHoldBpftrace) ? (await import('./events/bpftrace-event-reader.js')).BpftraceEventReader : null;
  const pipeline = new TracePipeline(listener, { ...(meta ? { emitOrder: 'completion' as const } : {}), ...options, bpftraceReader });
  const notes: string[] = [];
  if (meta) {
    pipeline.seed(initialNetnsOf(meta.meta));
    notes.push(`read ${meta.path}: the namespaces of ${meta.meta.target.comm} (PID ${meta.meta.target.pid}) when the trace began`);
  }
  const fed = await feedTraceLines(inputs, (buffer, start, end, file, line, pid) => pipeline.pushBytes(buffer, start, end, file, line, pid));
  if (meta?.meta.clockAdvancedTo != null) pipeline.advanceTo(meta.meta.clockAdvancedTo);
  return pipeline.end({ inputs: paths, bytes: fed.bytes, notes: [...notes, ...fed.notes] });
}

/** The meta file of the first input that has one (see trace-meta.ts). */
async function readMetaOf(paths: string[]): Promise<{ path: string; meta: TraceMeta } | null> {
  const withMeta = paths.find(hasTraceMeta);
  if (withMeta === undefined) return null;
  // zod is loaded only here, so a plain replay starts without it.
  const { readTraceMeta } = await import('./sources/trace-meta-schema.js');
  return { path: traceMetaPath(withMeta), meta: readTraceMeta(withMeta) };
}
