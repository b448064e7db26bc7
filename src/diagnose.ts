import { randomInt } from 'node:crypto';
import { attachLive, type AttachResult } from './attach.js';
import type { ContainerInfo } from './containers/container-info.js';
import { findConfiguredUpstreams, resolvConfNameservers } from './diagnose/configured-upstreams.js';
import { buildDiagnosis, type DiagnosedContainer, type Diagnosis } from './diagnose/diagnosis.js';
import { planDirectProbes, probeSessionsOf, type Upstream } from './diagnose/direct-probes.js';
import { findBlockingRules } from './diagnose/firewall-findings.js';
import { findEmbeddedDnat, type EmbeddedDnat } from './diagnose/embedded-dnat.js';
import { isResolved, type ProbePath } from './diagnose/probe-path.js';
import { Ns53Error } from './errors.js';
import { formatProbeAddress, type ProbeResult, type ProbeSpec } from './probe/probe-result.js';
import type { SessionRecord } from './sessions/index.js';
import { readFirewall, type FirewallReading } from './sources/firewall-snapshot.js';
import type { LiveContainers } from './sources/live-containers.js';
import type { TracerBackend } from './sources/live-tracer.js';
import { probeFromNetns } from './sources/netns-probe.js';
import { procView } from './sources/dockerd-finder.js';
import { readFileAsSeenBy, readNetnsLocalAddresses } from './sources/process-files.js';
import type { SessionListener } from './trace-pipeline.js';

/** What to diagnose, and how to trace dockerd meanwhile. */
export interface DiagnoseOptions {
  /** The dockerd that serves the container's embedded DNS. */
  target: { pid: number; comm: string };
  /** The container whose DNS is checked; it must be running. */
  container: ContainerInfo & { pid: number; name: string };
  /** The host's containers, to name namespaces in the trace. */
  containers: LiveContainers;
  backend: TracerBackend;
  tracerBinary: string;
  question: { name: string; type: string };
  /** The protocol every probe uses: UDP as resolvers first try, or TCP as they retry a truncated answer. */
  proto: 'udp' | 'tcp';
  /** How long each probe waits for its answer. */
  timeoutMs: number;
  /** Keep the raw trace of the probe here, for `ns53 replay`. */
  savePath: string | null;
  /** Wraps the listener that collects the traced sessions (--pcap listens too). */
  listen?(inner: SessionListener): SessionListener;
  onAttached?(what: string): void;
  /** Called once tracing has stopped, with its summary. */
  onTraced?(result: AttachResult): void;
}

/** Docker's embedded DNS, as a container's resolv.conf names it. */
const EMBEDDED_DNS: Upstream = { ip: '127.0.0.11', port: 53 };

/**
 * Finds why a container's DNS fails: traces dockerd while the container sends one query the way its
 * applications do (to 127.0.0.11, or the servers its resolv.conf names), then asks each upstream the same
 * question from dockerd's namespace and, where dockerd forwards from the container's, from that one too; reads
 * the firewall of dockerd's namespace before and after, and compares. Everything is sent from inside the
 * namespaces with nsenter, so the container needs no tools.
 */
export async function diagnoseContainer(options: DiagnoseOptions): Promise<Diagnosis> {
  const { target, container } = options;
  const containerNetns = `/proc/${container.pid}/ns/net`;
  const dockerdNetns = `/proc/${target.pid}/ns/net`;
  const spec = (server: Upstream): ProbeSpec => ({
    server,
    proto: options.proto,
    id: randomInt(1, 0x10000),
    name: options.question.name,
    type: options.question.type,
    timeoutMs: options.timeoutMs,
  });

  const firewallBefore = await readFirewall(dockerdNetns);
  // On the default bridge or the host's network, the container's resolv.conf names other servers: ask those.
  const ownServers = resolvConfNameservers(readFileAsSeenBy(container.pid, '/etc/resolv.conf') ?? '');
  const usesEmbedded = ownServers.length === 0 || ownServers.includes(EMBEDDED_DNS.ip);
  const ownServer = usesEmbedded ? EMBEDDED_DNS : { ip: ownServers[0]!, port: 53 };
  const { result: ownResult, sessions, traced } = await traceOneProbe(options, () => probeFromNetns(containerNetns, [spec(ownServer)]));
  const own: ProbePath = { kind: usesEmbedded ? 'embedded' : 'resolver', fromWords: container.name, server: formatProbeAddress(ownServer), result: ownResult, flow: null };

  // A query dockerd never saw: does the container's namespace still send 127.0.0.11:53 on to it?
  const embeddedDnat = usesEmbedded && sessions.length === 0 && !isResolved(ownResult) ? await checkEmbeddedDnat(containerNetns) : null;
  const configured = findConfiguredUpstreams({ argv: procView().cmdline(target.pid) ?? [], read: (path) => readFileAsSeenBy(target.pid, path) });
  const plan = planDirectProbes({
    container: describeContainer(container),
    sessions,
    configured: usesEmbedded ? (configured?.servers ?? []) : ownServers,
    dockerdAddresses: readNetnsLocalAddresses(target.pid),
  });
  const [fromHost, fromContainer] = await Promise.all([probeFromNetns(dockerdNetns, plan.host.map(spec)), probeFromNetns(containerNetns, plan.container.map(spec))]);
  const direct = plan.paths(fromHost, fromContainer);
  const firewallAfter = await readFirewall(dockerdNetns);

  return buildDiagnosis({
    container: describeContainer(container),
    question: options.question,
    embedded: own,
    sessions,
    direct,
    rules: findBlockingRules({ before: firewallBefore.snapshot, after: firewallAfter.snapshot }, direct),
    embeddedDnat,
    upstreamsFrom: plan.from(usesEmbedded ? (configured?.from ?? null) : "the container's /etc/resolv.conf"),
    notes: [
      ...(usesEmbedded
        ? []
        : [
            `${container.name} does not use Docker's embedded DNS: its resolv.conf names ${ownServers.join(', ')} (the default bridge network, or the host's network), so its queries go straight from its namespace and dockerd is not on the path.`,
          ]),
      ...plan.notes,
      ...firewallNotes(firewallAfter),
      ...((traced.summary.lostEvents ?? 0) > 0 ? [`the tracer lost ${traced.summary.lostEvents} events: the traced part may be incomplete`] : []),
    ],
  });
}

/**
 * Attaches the tracer, sends the probe once it traces, then stops: dockerd's attempts have ended by then (its own
 * deadline, 4 s, is shorter than a probe's), and stopping drains the tracer. Returns the probe's result and its
 * traced session(s).
 */
async function traceOneProbe(options: DiagnoseOptions, probe: () => Promise<ProbeResult[]>): Promise<{ result: ProbeResult; sessions: SessionRecord[]; traced: AttachResult }> {
  const collected: SessionRecord[] = [];
  const stop = new AbortController();
  let attached!: () => void;
  const tracing = new Promise<void>((resolve) => (attached = resolve));
  const collect: SessionListener = { session: (record) => collected.push(record) };
  const run = attachLive(
    {
      target: options.target,
      backend: options.backend,
      tracerBinary: options.tracerBinary,
      savePath: options.savePath,
      durationSeconds: null,
      stop: stop.signal,
      containers: options.containers,
      onAttached: ({ attached: what }) => {
        options.onAttached?.(what);
        attached();
      },
    },
    options.listen?.(collect) ?? collect,
  );
  const early = await Promise.race([tracing.then(() => null), run]);
  if (early !== null) throw new Ns53Error('E_ATTACH_FAILED', `tracing ended before the probe could be sent: ${early.end.detail ?? early.end.reason}`);
  let results;
  try {
    results = await probe();
  } finally {
    stop.abort('the probe is done');
  }
  const traced = await run;
  options.onTraced?.(traced);
  const result = results[0]!;
  return { result, sessions: probeSessionsOf(collected, result), traced };
}

/** The container's DNAT rule for 127.0.0.11:53, read with the same tools as the host's firewall. */
async function checkEmbeddedDnat(netnsPath: string): Promise<EmbeddedDnat> {
  const reading = await readFirewall(netnsPath);
  const readable = reading.captures.iptablesSave !== null || reading.captures.nftJson !== null;
  const rule = findEmbeddedDnat(reading.snapshot.ruleset);
  return { rule: rule?.text ?? null, readFrom: readable ? "its nat table" : null };
}

function describeContainer(container: ContainerInfo & { name: string }): DiagnosedContainer {
  return { name: container.name, id: container.id, ip: container.networks.find((network) => network.ipv4)?.ipv4 ?? null, netnsInode: container.netnsInode };
}

/** What kept rules from being read, and what their parsers could not read. */
function firewallNotes(reading: FirewallReading): string[] {
  const { issues, warnings } = reading.snapshot;
  return [
    ...reading.notes.map((note) => `firewall: ${note}`),
    ...warnings.map((warning) => `firewall: ${warning}`),
    ...(issues.length > 0 ? [`firewall: ${issues.length} line${issues.length === 1 ? '' : 's'} of the rules could not be read (first: ${issues[0]!.message})`] : []),
  ];
}
