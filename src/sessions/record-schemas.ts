import { z } from 'zod';
import { OUTCOMES } from './outcome.js';

/**
 * The output contract: one `session` object per session, then one `summary`. The zod schemas are the single
 * source of truth for the NDJSON fields (README documents them); tests validate real output against them.
 */
/** The container a namespace belongs to, when ns53 knows its containers (Engine API, /proc, or a meta file). */
export const ContainerRecordSchema = z.object({
  /** `web`; null when only /proc named it (an id from a cgroup path). */
  name: z.string().nullable(),
  /** The full container id. */
  id: z.string(),
  image: z.string().nullable(),
  /** The network of the address it was met by, or its only network; null when that cannot be told. */
  network: z.string().nullable(),
});

export const NetnsRecordSchema = z.object({
  inode: z.number().int().nullable(),
  path: z.string().nullable(),
  /** `host`, `sandbox 6d527838845f`, `netns NAME`, `net:[4026532326]`, `unknown`. */
  label: z.string(),
  /** True when this is the traced process's own namespace. */
  host: z.boolean(),
  /** Its container; null when no container is known to hold it (or names are unknown: see the summary's notes). */
  container: ContainerRecordSchema.nullable(),
});

export const QueryRecordSchema = z.object({
  id: z.number().int(),
  name: z.string().nullable(),
  type: z.string().nullable(),
  class: z.string().nullable(),
  /** The tracer showed only part of the message (strace -s). */
  truncated: z.boolean(),
});

export const ResourceRecordSchema = z.object({ name: z.string(), type: z.string(), ttl: z.number().int(), data: z.string() });

export const AttemptRecordSchema = z.object({
  tid: z.number().int().nullable(),
  netns: NetnsRecordSchema,
  proto: z.enum(['udp', 'tcp']),
  /** Local `ip:port` the upstream sees (getsockname). */
  source: z.string().nullable(),
  upstream: z.string().nullable(),
  query: QueryRecordSchema.nullable(),
  outcome: z.enum(OUTCOMES as [string, ...string[]]),
  rcode: z.string().nullable(),
  errno: z.string().nullable(),
  latencyMs: z.number().nullable(),
  answers: z.array(ResourceRecordSchema),
  time: z.string().nullable(),
  /** `file:line` where the attempt's socket was created (or first seen). */
  ref: z.string(),
});

export const SessionRecordSchema = z.object({
  type: z.literal('session'),
  id: z.number().int(),
  time: z.string().nullable(),
  client: z
    .object({
      address: z.string().nullable(),
      proto: z.enum(['udp', 'tcp']),
      /** The namespace of the socket the query arrived on; null when that socket predates the trace. */
      netns: NetnsRecordSchema.nullable(),
      tid: z.number().int().nullable(),
      ref: z.string(),
    })
    .nullable(),
  query: QueryRecordSchema.nullable(),
  attempts: z.array(AttemptRecordSchema),
  reply: z
    .object({
      rcode: z.string(),
      answers: z.array(ResourceRecordSchema),
      truncated: z.boolean(),
      latencyMs: z.number().nullable(),
      tid: z.number().int().nullable(),
      ref: z.string(),
    })
    .nullable(),
  verdict: z.string(),
});

export type ContainerRecord = z.infer<typeof ContainerRecordSchema>;
export type NetnsRecord = z.infer<typeof NetnsRecordSchema>;
export type QueryRecord = z.infer<typeof QueryRecordSchema>;
export type AttemptRecord = z.infer<typeof AttemptRecordSchema>;
export type SessionRecord = z.infer<typeof SessionRecordSchema>;

export const IssueRecordSchema = z.object({
  code: z.string(),
  message: z.string(),
  file: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  excerpt: z.string(),
});

export const SummaryRecordSchema = z.object({
  type: z.literal('summary'),
  inputs: z.array(z.string()),
  lines: z.number().int(),
  bytes: z.number().int(),
  /** Which strace clock the trace used: `epoch` (-ttt), `time-of-day` (-t/-tt), `relative` (-r), or none. */
  clock: z.enum(['epoch', 'time-of-day', 'relative']).nullable(),
  parseIssues: z.object({
    total: z.number().int(),
    byCode: z.record(z.string(), z.number().int()),
    /** The first few, to show where to look. */
    first: z.array(IssueRecordSchema),
  }),
  /** Calls ns53 reads (socket, I/O, namespace calls) still `<unfinished ...>` when the trace ended. */
  unfinishedCalls: z.number().int(),
  sessions: z.number().int(),
  attempts: z.number().int(),
  /** Attempts by outcome; every outcome is present. */
  outcomes: z.record(z.string(), z.number().int()),
  /** Answered attempts by rcode. */
  rcodes: z.record(z.string(), z.number().int()),
  /** Attempts by the kind of namespace they left from. */
  namespaces: z.object({ host: z.number().int(), container: z.number().int(), other: z.number().int(), unknown: z.number().int() }),
  /** Things the reader could not do as asked, in words (e.g. merging -ff files without timestamps). */
  notes: z.array(z.string()),
  /** bpftrace input only: events bpftrace dropped because its buffers overflowed (`lost_events`). */
  lostEvents: z.number().int().optional(),
});

export type IssueRecord = z.infer<typeof IssueRecordSchema>;
export type SummaryRecord = z.infer<typeof SummaryRecordSchema>;
