import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { z } from 'zod';
import type { ProbeResult, ProbeSpec } from '../probe/probe-result.js';

/** The probe program (built next to this file's folder): Node cannot enter a namespace itself, nsenter does. */
const PROBE_MAIN = fileURLToPath(new URL('../probe/dns-probe-main.js', import.meta.url));
/** Start-up and teardown of nsenter and Node, on top of the probes' own timeouts. */
const SPAWN_SLACK_MS = 5_000;

const AddressSchema = z.object({ ip: z.string(), port: z.number().int() });

/** One line of the probe's output; the reply is a DnsMessage that the probe itself decoded, so only its shape is checked. */
const ProbeResultSchema = z.object({
  local: AddressSchema.nullable(),
  outcome: z.enum(['answer', 'refused', 'unreachable', 'timeout', 'error']),
  errno: z.string().nullable(),
  reply: z.object({ id: z.number(), rcode: z.string() }).passthrough().nullable(),
  sentAt: z.number().nullable(),
  elapsedMs: z.number(),
});

/**
 * Sends `specs` concurrently from inside the network namespace `netnsPath` (`/proc/<pid>/ns/net`), through
 * `nsenter --net`, and returns their results in order. A probe that cannot run at all (no nsenter, not root,
 * the namespace gone) gives every spec an `error` result with the reason, rather than throwing.
 */
export async function probeFromNetns(netnsPath: string, specs: readonly ProbeSpec[]): Promise<ProbeResult[]> {
  if (specs.length === 0) return [];
  const timeout = Math.max(...specs.map((spec) => spec.timeoutMs)) + SPAWN_SLACK_MS;
  const args = [`--net=${netnsPath}`, '--', process.execPath, PROBE_MAIN, ...specs.map((spec) => JSON.stringify(spec))];
  const result = await execa('nsenter', args, { stdin: 'ignore', reject: false, timeout });
  const failed = (why: string): ProbeResult[] =>
    specs.map((spec) => ({ spec, local: null, outcome: 'error', errno: why, reply: null, sentAt: null, elapsedMs: 0 }));
  if ((result as { code?: string }).code === 'ENOENT') return failed('nsenter is not installed (Debian package util-linux)');
  if (result.exitCode !== 0) return failed(`nsenter --net=${netnsPath} failed: ${lastLine(String(result.stderr)) || `exit ${result.exitCode ?? result.signal}`}`);
  const lines = String(result.stdout).trim().split('\n');
  return specs.map((spec, index) => {
    const parsed = ProbeResultSchema.safeParse(safeJson(lines[index]));
    if (!parsed.success) return failed(`the probe printed no result for it (line ${index + 1}: ${lines[index] ?? 'missing'})`)[index]!;
    return { spec, ...parsed.data } as ProbeResult;
  });
}

function safeJson(line: string | undefined): unknown {
  try {
    return line === undefined ? undefined : JSON.parse(line);
  } catch {
    return undefined;
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
