import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ContainerInfo } from '../containers/container-info.js';
import { Ns53Error } from '../errors.js';
import { traceMetaPath } from './trace-meta.js';

// Loaded only when a meta file exists: zod stays out of the start-up of a plain replay.

/**
 * `FILE.meta.json`, written next to a trace that `ns53 attach --save FILE` keeps: what the live run knew that
 * the trace itself does not say (the namespaces of dockerd's threads as it began, which tracer, which host).
 * `ns53 replay FILE` reads it, so the replay reports exactly the sessions the live run did.
 */
const ContainerInfoSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  image: z.string().nullable(),
  networks: z.array(z.object({ name: z.string(), ipv4: z.string().nullable(), ipv6: z.string().nullable() })),
  sandboxKey: z.string().nullable(),
  pid: z.number().int().nullable(),
  netnsInode: z.number().int().nullable(),
  runtime: z.enum(['docker', 'containerd', 'podman', 'kubernetes']),
  source: z.enum(['engine', 'proc']),
}) satisfies z.ZodType<ContainerInfo>;

export const TraceMetaSchema = z.object({
  format: z.literal('ns53-trace-meta'),
  /** 1: before container names (ns53 0.1 with issue 4); 2 adds `containers`, `dockerd` and `host`. */
  version: z.union([z.literal(1), z.literal(2)]),
  backend: z.enum(['strace', 'bpftrace']),
  /** The tracer's command line and `--version` line. */
  command: z.string(),
  tracerVersion: z.string().nullable(),
  target: z.object({ pid: z.number().int().positive(), comm: z.string() }),
  netns: z.object({
    hostInode: z.number().int().positive().nullable(),
    /** Thread id → netns inode at attach time, main thread first. */
    threads: z.record(z.string().regex(/^\d+$/), z.number().int().positive()),
    /** Socket fd → the netns inode of its socket, at attach time (version 2). */
    socketFds: z.record(z.string().regex(/^\d+$/), z.number().int().positive()).optional(),
  }),
  kernel: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /**
   * The last trace time the live run advanced its clock to while the trace was quiet (seconds, as the -ttt
   * stamps). A replay advances to it before it ends, so sessions finish in the order the live run printed them.
   */
  clockAdvancedTo: z.number().nullable(),
  /**
   * Every container seen while tracing (from the Engine API or /proc), with the namespace inode, sandbox file
   * and addresses that name it: a replay anywhere shows the names the live run showed. Absent in version 1.
   */
  containers: z.array(ContainerInfoSchema).optional(),
  /** The Docker daemon's version as its API gave it; null when the API could not be asked. */
  dockerd: z.object({ version: z.string(), apiVersion: z.string() }).nullable().optional(),
  /** Which machine and boot the trace came from: `replay --docker` asks the live daemon only on the same one. */
  host: z.object({ hostname: z.string(), bootId: z.string().nullable() }).optional(),
});

export type TraceMeta = z.infer<typeof TraceMetaSchema>;

/** Reads and checks the meta file next to `tracePath` (the caller knows it exists); a file that does not fit is an error. */
export function readTraceMeta(tracePath: string): TraceMeta {
  const path = traceMetaPath(tracePath);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Ns53Error('E_INPUT_CORRUPT', `${path}: not JSON (${(error as Error).message}); move it away to replay without it`);
  }
  const parsed = TraceMetaSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Ns53Error('E_INPUT_CORRUPT', `${path}: ${issue.path.join('.') || '(top)'}: ${issue.message}; move it away to replay without it`);
  }
  return parsed.data;
}
