import { TracePipeline, type SessionListener } from './trace-pipeline.js';
import type { CorrelatorOptions, SummaryRecord } from './sessions/index.js';
import { feedTraceLines } from './sources/trace-lines.js';
import { describeInput } from './sources/trace-input.js';

/**
 * Replays saved strace logs: `paths` are files (plain or gzip), `-` for standard input, or the per-thread files
 * of one `strace -ff` run (merged by time). Sessions reach `listener` as they complete; resolves with the summary.
 */
export async function replayTrace(paths: string[], listener: SessionListener, options: Partial<CorrelatorOptions> = {}): Promise<SummaryRecord> {
  const inputs = paths.map(describeInput);
  const pipeline = new TracePipeline(listener, options);
  const { bytes, notes } = await feedTraceLines(inputs, (buffer, start, end, file, line, pid) => pipeline.pushBytes(buffer, start, end, file, line, pid));
  return pipeline.end({ inputs: paths, bytes, notes });
}
