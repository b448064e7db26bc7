import type { CorrelatorOptions, SummaryRecord } from './sessions/index.js';
import { mayHoldBpftrace } from './sources/trace-format.js';
import { describeInput } from './sources/trace-input.js';
import { feedTraceLines } from './sources/trace-lines.js';
import { hasTraceMeta, initialNetnsOf, traceMetaPath, type TraceMeta } from './sources/trace-meta.js';
import { TracePipeline, type SessionListener } from './trace-pipeline.js';
import { ContainerDirectory } from './containers/container-directory.js';
import type { ContainerInfo } from './containers/container-info.js';
import type { ContainerSnapshot } from './containers/container-source.js';
import { currentHost, isSameBoot } from './sources/host-identity.js';

/**
 * Replays saved traces: `paths` are strace logs (plain or gzip), `-` for standard input, the per-thread files
 * of one `strace -ff` run (merged by time), or the records of ns53's bpftrace backend (`attach --save`). A trace saved by `ns53 attach --save` has a meta file next to it
 * with the namespaces /proc showed at attach time; it is read, so the replay matches the live run.
 * Sessions reach `listener` as they complete; resolves with the summary.
 */
export async function replayTrace(paths: string[], listener: SessionListener, options: ReplayOptions = {}): Promise<SummaryRecord> {
  const { docker, ...correlatorOptions } = options;
  const inputs = paths.map(describeInput);
  const meta = await readMetaOf(paths);
  const naming = await chooseContainers(meta, docker);
  // A saved live run replays as it ran: sessions in the order they finished, the clock as far as it went.
  // zod comes with the bpftrace reader, so it is loaded only for input that may need it.
  const bpftraceReader = inputs.some(mayHoldBpftrace) ? (await import('./events/bpftrace-event-reader.js')).BpftraceEventReader : null;
  const containers = naming.containers === null ? null : new ContainerDirectory(naming.containers);
  const pipeline = new TracePipeline(listener, { ...(meta ? { emitOrder: 'completion' as const } : {}), ...correlatorOptions, bpftraceReader, containers });
  const notes: string[] = [...naming.notes];
  if (meta) {
    pipeline.seed(initialNetnsOf(meta.meta));
    notes.push(`read ${meta.path}: the namespaces of ${meta.meta.target.comm} (PID ${meta.meta.target.pid}) when the trace began`);
  }
  const fed = await feedTraceLines(inputs, (buffer, start, end, file, line, pid) => pipeline.pushBytes(buffer, start, end, file, line, pid));
  if (meta?.meta.clockAdvancedTo != null) pipeline.advanceTo(meta.meta.clockAdvancedTo);
  const summary = pipeline.end({ inputs: paths, bytes: fed.bytes, notes: [...notes, ...fed.notes] });
  if (containers === null && summary.namespaces.container + summary.namespaces.other > 0) summary.notes.push(NAMES_UNKNOWN);
  return summary;
}

/** How to replay: the correlator's settings, and where container names may come from besides a meta file. */
export interface ReplayOptions extends Partial<CorrelatorOptions> {
  /** `replay --docker`: reads the containers the Docker daemon on this host has now. */
  docker?: () => Promise<ContainerSnapshot>;
}

/** Said once, in the summary's notes, when a replay shows container namespaces it cannot name. */
export const NAMES_UNKNOWN = 'container names unknown: no meta file names them (ns53 attach --save writes one); on the host the trace came from, replay --docker asks the daemon';

/**
 * The containers to name namespaces by: the meta file's (what the live run saw), or with --docker the
 * daemon's now, but only when the trace came from this boot of this host (inodes and sandbox ids mean
 * nothing elsewhere); null when there are none.
 */
async function chooseContainers(meta: { path: string; meta: TraceMeta } | null, docker: ReplayOptions['docker']): Promise<{ containers: ContainerInfo[] | null; notes: string[] }> {
  const saved = meta?.meta.containers;
  if (docker) {
    const recordedOn = meta?.meta.host;
    if (recordedOn && !isSameBoot(recordedOn, currentHost())) {
      const note = `--docker ignored: ${meta!.path} says the trace came from ${recordedOn.hostname} (another host or boot), where this daemon's containers mean nothing`;
      return saved ? { containers: saved, notes: [note, `container names from ${meta!.path}`] } : { containers: null, notes: [note] };
    }
    const live = await docker();
    // What the live run saw first, then the daemon's current view (it wins where both know a namespace).
    return { containers: [...(saved ?? []), ...live.containers], notes: live.notes };
  }
  if (saved) return { containers: saved, notes: [`container names from ${meta!.path} (${saved.length} container${saved.length === 1 ? '' : 's'} seen while tracing)`] };
  return { containers: null, notes: [] };
}

/** The meta file of the first input that has one (see trace-meta.ts). */
async function readMetaOf(paths: string[]): Promise<{ path: string; meta: TraceMeta } | null> {
  const withMeta = paths.find(hasTraceMeta);
  if (withMeta === undefined) return null;
  // zod is loaded only here, so a plain replay starts without it.
  const { readTraceMeta } = await import('./sources/trace-meta-schema.js');
  return { path: traceMetaPath(withMeta), meta: readTraceMeta(withMeta) };
}
