import { z } from 'zod';

/**
 * The records parsers/bpftrace/ns53.bt prints, one zod schema per kind: the boundary where bpftrace's output
 * is validated. With `-f json` bpftrace wraps each printf as {"type": "printf", "data": "<record>\n"}; the
 * record is a JSON object whose only backslashes come from `%rx` (payload bytes printed as \xNN), so removing
 * every "\x" turns a payload into plain hex and the record into valid JSON. Field meanings: the program's
 * header.
 */

const int = z.number().int();
const hex = z.string().regex(/^(?:[0-9a-f]{2})*$/, 'payload must be hex byte pairs');
/** Every syscall record: CLOCK_MONOTONIC nanoseconds, the CPU that printed it, and the thread. */
const call = { ts: int.nonnegative(), cpu: int.nonnegative(), tid: int.positive() };
/** io and more carry no cpu: their payload buf() leaves no BPF stack for it. */
const payloadCall = { ts: int.nonnegative(), tid: int.positive() };
const address = z.string().min(2);
const family = z.union([z.literal(2), z.literal(10)]);
/** What the kernel's struct sock says: its inode, its own netns, local and remote address. */
const sock = { ino: int, net: int, fam: family, laddr: address, lport: int, raddr: address, rport: int };

export const HelloSchema = z.object({
  k: z.literal('hello'),
  v: z.literal(1),
  ts: int.nonnegative(),
  /** The same instant as `ts`, in seconds since the epoch with microseconds. */
  wall: z.string().regex(/^\d+\.\d{6}$/, 'wall must be seconds.micros'),
  tgid: int.positive(),
  /** The target's own netns inode as ns53 read it from /proc (0: unknown). */
  hostnet: int.nonnegative(),
  /** CPUs online when the program started: each prints its own stream (see the reader's watermark). */
  ncpu: int.positive(),
  chunk: int.positive(),
  cap: int.positive(),
});
export const ByeSchema = z.object({ k: z.literal('bye'), ts: int.nonnegative() });
export const DrainSchema = z.object({ k: z.literal('drain'), ts: int.nonnegative(), cpu: int.nonnegative() });
/** A CPU's heartbeat: it has printed every record stamped up to ts. */
export const TickSchema = z.object({ k: z.literal('tick'), ts: int.nonnegative(), cpu: int.nonnegative() });
export const SetnsSchema = z.object({ k: z.literal('setns'), ...call, fd: int, nstype: int, ret: int, before: int, after: int });
export const NsopenSchema = z.object({ k: z.literal('nsopen'), ...call, fd: int, ino: int, path: z.string() });
export const ConnectSchema = z.object({
  k: z.literal('connect'),
  ...call,
  fd: int,
  ret: int,
  tnet: int,
  type: int,
  proto: int,
  ...sock,
  /** When this thread's socket() made this fd (0: not seen). */
  sockts: int.nonnegative(),
  /** This thread's last setns() that worked (nsts 0: none): when, through which fd, and the namespaces. */
  nsts: int.nonnegative(),
  nsfd: int,
  nsbefore: int.nonnegative(),
  nsafter: int.nonnegative(),
});
export const MarkSchema = z.object({ k: z.literal('mark'), ...call, fd: int, why: int, tnet: int, type: int, proto: int, ...sock });
export const AcceptSchema = z.object({ k: z.literal('accept'), ...call, fd: int, ret: int, ...sock });
export const IoSchema = z.object({
  k: z.literal('io'),
  ...payloadCall,
  fd: int,
  /** 1 write 2 writev 3 sendto 4 sendmsg (sends), 5 read 6 readv 7 recvfrom 8 recvmsg (receives). */
  sys: int.min(1).max(8),
  ret: int,
  len: int.nonnegative(),
  cap: int.nonnegative(),
  trunc: z.union([z.literal(0), z.literal(1)]),
  p: hex,
});
export const PeerSchema = z.object({ k: z.literal('peer'), ...call, fam: int, addr: address, port: int });
export const MoreSchema = z.object({ k: z.literal('more'), ...payloadCall, iov: z.union([z.literal(0), z.literal(1)]), off: int.nonnegative(), p: hex });
export const CloseSchema = z.object({ k: z.literal('close'), ...call, fd: int, ret: int });
export const CloseRangeSchema = z.object({ k: z.literal('close_range'), ...call, first: int, last: int, flags: int, ret: int });
export const DupSchema = z.object({ k: z.literal('dup'), ...call, fd: int, newfd: int, ret: int });

export const BpftraceRecordSchema = z.discriminatedUnion('k', [
  HelloSchema, ByeSchema, DrainSchema, TickSchema, SetnsSchema, NsopenSchema, ConnectSchema, MarkSchema, AcceptSchema,
  IoSchema, PeerSchema, MoreSchema, CloseSchema, CloseRangeSchema, DupSchema,
]);
export type BpftraceRecord = z.infer<typeof BpftraceRecordSchema>;
export type BpftraceRecordOf<K extends BpftraceRecord['k']> = Extract<BpftraceRecord, { k: K }>;

/** What one line of `bpftrace -f json` output is. */
export type BpftraceLine =
  | { kind: 'record'; record: BpftraceRecord }
  | { kind: 'lost'; events: number }
  | { kind: 'attached'; probes: number }
  | { kind: 'other'; type: string }
  | { kind: 'invalid'; message: string; column: number };

const EnvelopeSchema = z.object({ type: z.string(), data: z.unknown() });
const CountSchema = (key: string) => z.object({ [key]: int.nonnegative() });

/** Reads one line of `bpftrace -f json ns53.bt` output; null for a blank line. Never throws. */
export function parseBpftraceLine(line: string): BpftraceLine | null {
  if (line.trim() === '') return null;
  // Nearly every line is a printf: its data string is read without building the envelope object first.
  if (line.startsWith(PRINTF_HEAD) && line.endsWith('"}')) {
    let data: unknown;
    try {
      data = JSON.parse(line.slice(PRINTF_HEAD.length - 1, -1));
    } catch {
      data = undefined;
    }
    if (typeof data === 'string') return parsePrintf(data);
  }
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return { kind: 'invalid', message: `not a bpftrace -f json line (${(error as Error).message})`, column: jsonErrorColumn(error) };
  }
  const envelope = EnvelopeSchema.safeParse(json);
  if (!envelope.success) return { kind: 'invalid', message: 'a JSON line without bpftrace\'s "type" and "data"', column: 1 };
  const { type, data } = envelope.data;
  if (type === 'lost_events') {
    const lost = CountSchema('events').safeParse(data);
    return lost.success ? { kind: 'lost', events: lost.data['events'] as number } : { kind: 'invalid', message: 'lost_events without an event count', column: 1 };
  }
  if (type === 'attached_probes') {
    const attached = CountSchema('probes').safeParse(data);
    return attached.success ? { kind: 'attached', probes: attached.data['probes'] as number } : { kind: 'invalid', message: 'attached_probes without a count', column: 1 };
  }
  if (type !== 'printf') return { kind: 'other', type };
  if (typeof data !== 'string') return { kind: 'invalid', message: 'printf data is not a string', column: 1 };
  return parsePrintf(data);
}

/** `{"type": "printf", "data": "` as bpftrace 0.17 writes it. */
const PRINTF_HEAD = '{"type": "printf", "data": "';

/** The record a printf's text holds. */
function parsePrintf(data: string): BpftraceLine {
  let raw: unknown;
  try {
    raw = JSON.parse(data.replaceAll('\\x', ''));
  } catch (error) {
    return { kind: 'invalid', message: `the printed record is not a JSON object (${(error as Error).message})`, column: 1 };
  }
  const parsed = BpftraceRecordSchema.safeParse(raw);
  if (parsed.success) return { kind: 'record', record: parsed.data };
  const kind = typeof raw === 'object' && raw !== null && 'k' in raw ? String((raw as { k: unknown }).k) : '?';
  const problems = parsed.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
  return { kind: 'invalid', message: `record "${kind}" does not match the ns53.bt schema: ${problems.join('; ')}`, column: 1 };
}

/** V8 says "at position N" for JSON syntax errors: the 1-based column, or 1. */
function jsonErrorColumn(error: unknown): number {
  const match = /position (\d+)/.exec((error as Error).message);
  return match ? Number(match[1]) + 1 : 1;
}
