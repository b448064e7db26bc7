import { formatProbeAddress, type ProbeAddress, type ProbeResult } from '../probe/probe-result.js';
import type { SessionRecord } from '../sessions/index.js';
import type { DiagnosedContainer } from './diagnosis.js';
import type { ProbeFlow, ProbePath } from './probe-path.js';

/** An upstream DNS server. */
export type Upstream = ProbeAddress;

/** Which upstreams to ask directly, from which namespace, and how to read the answers. */
export interface DirectProbePlan {
  /** Asked from dockerd's namespace. */
  host: Upstream[];
  /** Asked from the container's namespace. */
  container: Upstream[];
  /** The probe paths, given the results of `host` and `container` in order. */
  paths(fromHost: readonly ProbeResult[], fromContainer: readonly ProbeResult[]): ProbePath[];
  /** Where the upstreams came from, in words. */
  from(configuredFrom: string | null): string;
  notes: string[];
}

/** The traced session(s) of the probe's query: its DNS id, from the probe's port (dockerd sees 127.0.0.1:port). */
export function probeSessionsOf(sessions: readonly SessionRecord[], probe: ProbeResult): SessionRecord[] {
  const port = probe.local?.port;
  return sessions.filter((session) => {
    const query = session.query ?? session.attempts[0]?.query;
    if (query?.id !== probe.spec.id) return false;
    const clientPort = session.client?.address ? parseAddress(session.client.address).port : null;
    return clientPort === null || port === undefined || clientPort === port;
  });
}

/**
 * Plans the direct probes: the upstreams dockerd tried for the probe (the trace), else those it is configured
 * with; each from dockerd's namespace, and from the container's where dockerd forwards from there (every traced
 * attempt left from a container namespace, or nothing was traced), except loopback servers, which in the
 * container's namespace would be its own loopback.
 */
export function planDirectProbes(input: {
  container: DiagnosedContainer;
  sessions: readonly SessionRecord[];
  configured: readonly string[];
  /** Addresses of dockerd's namespace: an upstream among them is reached on INPUT, not FORWARD. */
  dockerdAddresses: readonly string[];
}): DirectProbePlan {
  const attempts = input.sessions.flatMap((session) => session.attempts);
  const traced = unique(attempts.flatMap((attempt) => (attempt.upstream ? [parseAddress(attempt.upstream)] : [])));
  const upstreams = traced.length > 0 ? traced : unique(input.configured.map((server) => ({ ip: server, port: 53 })));
  const notes: string[] = [];
  const forwardsFromContainer = attempts.length === 0 || attempts.some((attempt) => !attempt.netns.host);
  if (!forwardsFromContainer) notes.push(`dockerd forwards ${input.container.name}'s queries from its own namespace (no setns), so the container's namespace is not on the path and was not probed directly.`);
  const fromContainer = forwardsFromContainer ? upstreams.filter((upstream) => !isLoopback(upstream.ip)) : [];
  if (forwardsFromContainer && fromContainer.length < upstreams.length) notes.push('loopback upstreams were not probed from the container: there, 127.0.0.0/8 is its own loopback.');
  const name = input.container.name;
  return {
    host: upstreams,
    container: fromContainer,
    notes,
    from: (configuredFrom) =>
      traced.length > 0 ? 'the trace (the upstreams dockerd tried for the probe)' : configuredFrom ? `${configuredFrom} (the trace showed no upstream)` : 'nowhere: none traced or configured',
    paths: (fromHost, fromContainerResults) => [
      ...upstreams.map((upstream, index) => buildPath('host', "dockerd's namespace", upstream, fromHost[index]!, input.dockerdAddresses)),
      ...fromContainer.map((upstream, index) =>
        buildPath('container', `${name}'s namespace (${input.container.ip ?? 'no IPv4'})`, upstream, fromContainerResults[index]!, input.dockerdAddresses),
      ),
    ],
  };
}

function buildPath(kind: 'host' | 'container', fromWords: string, upstream: Upstream, result: ProbeResult, dockerdAddresses: readonly string[]): ProbePath {
  return { kind, fromWords, server: formatProbeAddress(upstream), result, flow: flowOf(kind, upstream, result, dockerdAddresses) };
}

/** The flow as dockerd's namespace's firewall sees it; null when the probe never left (no source address). */
function flowOf(kind: 'host' | 'container', upstream: Upstream, result: ProbeResult, dockerdAddresses: readonly string[]): ProbeFlow | null {
  if (result.local === null) return null;
  const local = dockerdAddresses.includes(upstream.ip);
  return {
    family: upstream.ip.includes(':') ? 6 : 4,
    proto: result.spec.proto,
    source: result.local.ip,
    destination: upstream.ip,
    destinationPort: upstream.port,
    path: kind === 'host' ? 'output' : local ? 'input' : 'forward',
  };
}

/** `10.77.0.2:53`, `[fd00::1]:53` as the NDJSON records write addresses. */
function parseAddress(text: string): Upstream {
  const match = /^\[?(.*?)\]?:(\d+)$/.exec(text);
  return match ? { ip: match[1]!, port: Number(match[2]) } : { ip: text, port: 53 };
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}

function unique(upstreams: Upstream[]): Upstream[] {
  const seen = new Map(upstreams.map((upstream) => [formatProbeAddress(upstream), upstream]));
  return [...seen.values()];
}
