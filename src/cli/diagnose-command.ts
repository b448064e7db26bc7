import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { checkDnsQuerySpec } from '../../parsers/dns/index.js';
import { attachLive, type AttachResult } from '../attach.js';
import type { ContainerInfo } from '../containers/container-info.js';
import { findConfiguredUpstreams, resolvConfNameservers } from '../diagnose/configured-upstreams.js';
import { buildDiagnosis, type DiagnosedContainer } from '../diagnose/diagnosis.js';
import { planDirectProbes, probeSessionsOf, type Upstream } from '../diagnose/direct-probes.js';
import { findBlockingRules } from '../diagnose/firewall-findings.js';
import type { ProbePath } from '../diagnose/probe-path.js';
import { Ns53Error } from '../errors.js';
import type { ProbeSpec } from '../probe/probe-result.js';
import type { SessionRecord } from '../sessions/index.js';
import { readFirewall, type FirewallReading } from '../sources/firewall-snapshot.js';
import { startLiveContainers, type LiveContainers } from '../sources/live-containers.js';
import { parseFibTrieLocalAddresses } from '../sources/netns-addresses.js';
import { probeFromNetns } from '../sources/netns-probe.js';
import { formatDiagnoseNdjson, formatDiagnoseReport } from '../sinks/diagnose-report.js';
import { printable } from '../sinks/printable.js';
import type { BACKENDS } from './attach-options.js';
import { chooseBackend } from './backend-choice.js';
import type { CliIo } from './cli-io.js';
import { chooseTarget, engineSocketFor, type DockerdTargetOptions } from './dockerd-target.js';
import { PcapOutput, withPcap } from './pcap-output.js';

/** What `ns53 diagnose` accepts. */
export interface DiagnoseCommandOptions extends DockerdTargetOptions {
  container: string;
  name: string;
  type: string;
  /** Seconds each probe waits for its answer. */
  timeout: number;
  format: 'text' | 'ndjson';
  backend: (typeof BACKENDS)[number];
  save?: string;
  /** Also write the traced sessions' packets here (pcapng). */
  pcap?: string;
  strace: string;
  bpftrace: string;
}

/** Docker's embedded DNS, as a container's resolv.conf names it. */
const EMBEDDED_DNS = { ip: '127.0.0.11', port: 53 };

/**
 * `ns53 diagnose`: attaches to dockerd, sends one query from the container through 127.0.0.11 while tracing,
 * then the same question straight to each upstream from dockerd's namespace and from the container's, reads the
 * firewall in dockerd's namespace before and after, and reports which path fails, how, and which rule did it.
 * Resolves with 0 when every path resolves the name and 1 when one fails.
 */
export async function diagnoseCommand(options: DiagnoseCommandOptions, io: CliIo): Promise<number> {
  const problem = checkDnsQuerySpec(options);
  if (problem !== null) throw new Ns53Error('E_USAGE', `--name/--type: ${problem}`);
  const say = (line: string): void => io.stderr(`ns53: ${line}\n`);
  const target = chooseTarget(options);
  const containers = await startLiveContainers(engineSocketFor(options, target), say);
  try {
    const container = pickContainer(containers, options.container);
    const containerNetns = `/proc/${container.pid}/ns/net`;
    const dockerdNetns = `/proc/${target.pid}/ns/net`;
    const backend = await chooseBackend(options.backend, { strace: options.strace, bpftrace: options.bpftrace });
    say(`backend: ${backend.backend} (${backend.why})`);
    const spec = (server: { ip: string; port: number }): ProbeSpec => ({
      server,
      proto: 'udp',
      id: randomInt(1, 0x10000),
      name: options.name,
      type: options.type.toUpperCase(),
      timeoutMs: Math.round(options.timeout * 1000),
    });

    const pcap = PcapOutput.open(options.pcap);
    const firewallBefore = await readFirewall(dockerdNetns);
    // The container's own query, traced: what dockerd does with it is the story the report tells.
    const collected: SessionRecord[] = [];
    const stop = new AbortController();
    let attached!: () => void;
    const tracing = new Promise<void>((resolve) => (attached = resolve));
    const run = attachLive(
      {
        target: { pid: target.pid, comm: target.comm },
        backend: backend.backend,
        tracerBinary: backend.backend === 'bpftrace' ? options.bpftrace : options.strace,
        savePath: options.save ?? null,
        durationSeconds: null,
        stop: stop.signal,
        containers,
        onAttached: ({ attached: what }) => {
          say(`attached to ${printable(target.comm)} (PID ${target.pid}, ${what}; ${target.how})`);
          attached();
        },
      },
      withPcap(pcap, { session: (record) => collected.push(record) }),
    );
    const first = await Promise.race([tracing.then(() => null), run]);
    if (first !== null) throw new Ns53Error('E_ATTACH_FAILED', `tracing ended before the probe could be sent: ${describeEnd(first)}`);
    // On the default bridge or the host's network, the container's resolv.conf names other servers: ask those.
    const ownServers = resolvConfNameservers(readAsSeenBy(container.pid, '/etc/resolv.conf') ?? '');
    const usesEmbedded = ownServers.length === 0 || ownServers.includes(EMBEDDED_DNS.ip);
    const ownServer = usesEmbedded ? EMBEDDED_DNS : { ip: ownServers[0]!, port: 53 };
    const embeddedSpec = spec(ownServer);
    const [embeddedResult] = await probeFromNetns(containerNetns, [embeddedSpec]);
    // dockerd's attempts have ended by now (its own deadline, 4 s, is shorter than a probe's); stopping drains the tracer.
    stop.abort('the probe is done');
    const result = await run;
    pcap?.finish(result.summary, io);
    const sessions = probeSessionsOf(collected, embeddedResult!);
    const embedded: ProbePath = { kind: usesEmbedded ? 'embedded' : 'resolver', fromWords: container.name, server: formatServer(ownServer), result: embeddedResult!, flow: null };

    const configured = findConfiguredUpstreams({ argv: readArgv(target.pid), read: (path) => readAsSeenBy(target.pid, path) });
    const plan = planDirectProbes({
      container: describeContainer(container),
      sessions,
      configured: usesEmbedded ? (configured?.servers ?? []) : ownServers,
      dockerdAddresses: localAddressesOf(target.pid),
    });
    const [fromHost, fromContainer] = await Promise.all([
      probeFromNetns(dockerdNetns, plan.host.map((upstream: Upstream) => spec(upstream))),
      probeFromNetns(containerNetns, plan.container.map((upstream: Upstream) => spec(upstream))),
    ]);
    const direct = plan.paths(fromHost, fromContainer);
    const firewallAfter = await readFirewall(dockerdNetns);
    const rules = findBlockingRules({ before: firewallBefore.snapshot, after: firewallAfter.snapshot }, direct);

    const diagnosis = buildDiagnosis({
      container: describeContainer(container),
      question: { name: options.name, type: options.type.toUpperCase() },
      embedded,
      sessions,
      direct,
      rules,
      upstreamsFrom: plan.from(usesEmbedded ? (configured?.from ?? null) : "the container's /etc/resolv.conf"),
      notes: [
        ...(usesEmbedded
          ? []
          : [`${container.name} does not use Docker's embedded DNS: its resolv.conf names ${ownServers.join(', ')} (the default bridge network, or the host's network), so its queries go straight from its namespace and dockerd is not on the path.`]),
        ...plan.notes, ...firewallNotes(firewallAfter), ...traceNotes(result)],
    });
    io.stdout(options.format === 'ndjson' ? formatDiagnoseNdjson(diagnosis) : formatDiagnoseReport(diagnosis));
    return diagnosis.healthy ? 0 : 1;
  } finally {
    await containers.close();
  }
}

/** The running container named (or whose id starts with) `wanted`. */
function pickContainer(containers: LiveContainers, wanted: string): ContainerInfo & { pid: number; name: string } {
  const all = containers.all();
  const found =
    [...all].reverse().find((container) => container.name === wanted.replace(/^\//, '') && container.pid !== null) ??
    (/^[0-9a-f]{4,64}$/.test(wanted) ? all.find((container) => container.id.startsWith(wanted) && container.pid !== null) : undefined);
  if (found === undefined || found.pid === null) {
    const running = all.filter((container) => container.pid !== null).map((container) => container.name ?? container.id.slice(0, 12));
    throw new Ns53Error(
      'E_USAGE',
      `--container ${wanted}: no running container by that name or id${running.length > 0 ? ` (running: ${[...new Set(running)].join(', ')})` : ' (no running containers were found)'}`,
    );
  }
  return { ...found, pid: found.pid, name: found.name ?? found.id.slice(0, 12) };
}

function describeContainer(container: ContainerInfo & { name: string }): DiagnosedContainer {
  return { name: container.name, id: container.id, ip: container.networks.find((network) => network.ipv4)?.ipv4 ?? null, netnsInode: container.netnsInode };
}

function readArgv(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
  } catch {
    return [];
  }
}

/** A file as dockerd sees it: through its root, in its mount namespace (relative paths from its working directory). */
function readAsSeenBy(pid: number, path: string): string | null {
  try {
    return readFileSync(path.startsWith('/') ? posix.join(`/proc/${pid}/root`, path) : posix.join(`/proc/${pid}/cwd`, path), 'utf8');
  } catch {
    return null;
  }
}

/** The addresses of dockerd's own namespace: an upstream among them is reached on INPUT, not FORWARD. */
function localAddressesOf(pid: number): string[] {
  try {
    return parseFibTrieLocalAddresses(readFileSync(`/proc/${pid}/net/fib_trie`, 'utf8'));
  } catch {
    return [];
  }
}

function formatServer(server: { ip: string; port: number }): string {
  return server.ip.includes(':') ? `[${server.ip}]:${server.port}` : `${server.ip}:${server.port}`;
}

function describeEnd(result: AttachResult): string {
  return result.end.detail ?? result.end.reason;
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

function traceNotes(result: AttachResult): string[] {
  const lost = result.summary.lostEvents ?? 0;
  return lost > 0 ? [`the tracer lost ${lost} events; the traced part may be incomplete`] : [];
}
