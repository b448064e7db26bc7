import type { ProbeResult, ProbeSpec } from '../../src/probe/probe-result.js';
import { replayTrace } from '../../src/replay.js';
import type { SessionRecord } from '../../src/sessions/index.js';

/** The sessions of a recorded lab trace, as `ns53 replay --format ndjson` gives them. */
export async function sessionsOf(trace: string): Promise<SessionRecord[]> {
  const sessions: SessionRecord[] = [];
  await replayTrace([trace], { session: (record) => sessions.push(record) });
  return sessions;
}

/** A probe result as the probe process reports it, for one outcome. */
export function probeResult(
  server: string,
  outcome: ProbeResult['outcome'],
  options: { source?: string; rcode?: string; id?: number; timeoutMs?: number } = {},
): ProbeResult {
  const [ip, port] = server.split(':');
  const spec: ProbeSpec = { server: { ip: ip!, port: Number(port) }, proto: 'udp', id: options.id ?? 1, name: 'www.example.test', type: 'A', timeoutMs: options.timeoutMs ?? 5000 };
  const [sourceIp, sourcePort] = (options.source ?? '172.18.0.2:40000').split(':');
  const errno = { answer: null, refused: 'ECONNREFUSED', unreachable: 'EHOSTUNREACH', timeout: null, error: 'EPERM' }[outcome];
  const rcode = options.rcode ?? 'NOERROR';
  return {
    spec,
    local: outcome === 'error' ? null : { ip: sourceIp!, port: Number(sourcePort) },
    outcome,
    errno,
    reply:
      outcome === 'answer'
        ? ({ id: spec.id, qr: true, rcode, answers: rcode === 'NOERROR' ? [{ name: spec.name, type: 'A', ttl: 0, data: '10.0.0.5' }] : [] } as unknown as ProbeResult['reply'])
        : null,
    sentAt: 1_700_000_000,
    elapsedMs: outcome === 'timeout' ? spec.timeoutMs : 3,
  };
}
