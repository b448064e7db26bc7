import type { ProbeResult } from '../probe/probe-result.js';

/**
 * Where a probe went: `embedded` is the container's own query to 127.0.0.11 (what its applications do on a
 * user-defined network); `resolver` is that query for a container whose resolv.conf names other servers (the
 * default bridge, `--network host`), where Docker's embedded DNS is not on the path;
 * `host` and `container` send the question straight to one upstream from dockerd's namespace and from the
 * container's, to tell a path that fails from a server that does.
 */
export type ProbePathKind = 'embedded' | 'resolver' | 'host' | 'container';

/** The flow a failing direct probe made, as a firewall in dockerd's namespace sees it. */
export interface ProbeFlow {
  family: 4 | 6;
  proto: 'udp' | 'tcp';
  source: string;
  destination: string;
  destinationPort: number;
  /** `forward`: routed through dockerd's namespace (the container path); `output`: sent by it; `input`: to one of its addresses. */
  path: 'forward' | 'output' | 'input';
}

/** One probe and where it was sent from, in words. */
export interface ProbePath {
  kind: ProbePathKind;
  /** `web's namespace (172.18.0.2)`, `dockerd's namespace`. */
  fromWords: string;
  /** `10.77.0.2:53` (for `embedded`, `127.0.0.11:53`; for `resolver`, the first server of the container's resolv.conf). */
  server: string;
  result: ProbeResult;
  /** For a direct probe: the flow it made through dockerd's namespace; null for the embedded probe. */
  flow: ProbeFlow | null;
}

/** The rcodes that mean the name was resolved: an answer, or an authoritative "no such name". */
const RESOLVED_RCODES = new Set(['NOERROR', 'NXDOMAIN']);

/** A path works when its probe got an answer that settles the name (NOERROR or NXDOMAIN). */
export function isResolved(result: ProbeResult): boolean {
  return result.outcome === 'answer' && RESOLVED_RCODES.has(result.reply?.rcode ?? '');
}

/** "answered NOERROR in 6 ms (10.0.0.5)". */
export function describeProbe(result: ProbeResult): string {
  if (result.outcome !== 'answer' || result.reply === null) return result.outcome;
  const data = (result.reply.answers ?? []).map((answer) => answer.data);
  return `answered ${result.reply.rcode} in ${Math.round(result.elapsedMs)} ms${data.length > 0 ? ` (${data.join(', ')})` : ''}`;
}
