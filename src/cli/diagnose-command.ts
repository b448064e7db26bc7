import { checkDnsQuerySpec } from '../../parsers/dns/index.js';
import { diagnoseContainer } from '../diagnose.js';
import { Ns53Error } from '../errors.js';
import { hasCapability, readEffectiveCapabilities } from '../sources/capabilities.js';
import { startLiveContainers, type LiveContainers } from '../sources/live-containers.js';
import { formatDiagnoseNdjson, formatDiagnoseReport } from '../sinks/diagnose-report.js';
import { printable } from '../sinks/printable.js';
import type { ContainerInfo } from '../containers/container-info.js';
import type { BACKENDS } from './attach-options.js';
import { chooseBackend } from './backend-choice.js';
import type { CliIo } from './cli-io.js';
import { chooseTarget, engineSocketFor, type DockerdTargetOptions } from './dockerd-target.js';
import { PcapOutput } from './pcap-output.js';

/** What `ns53 diagnose` accepts. */
export interface DiagnoseCommandOptions extends DockerdTargetOptions {
  container: string;
  name: string;
  type: string;
  /** Seconds each probe waits for its answer. */
  timeout: number;
  format: 'text' | 'ndjson';
  proto: 'udp' | 'tcp';
  backend: (typeof BACKENDS)[number];
  save?: string;
  /** Also write the traced sessions' packets here (pcapng). */
  pcap?: string;
  strace: string;
  bpftrace: string;
}

/**
 * `ns53 diagnose`: finds dockerd and the container, picks the backend, runs the diagnosis and prints it.
 * Resolves with 0 when every path resolves the name and 1 when one fails.
 */
export async function diagnoseCommand(options: DiagnoseCommandOptions, io: CliIo): Promise<number> {
  const problem = checkDnsQuerySpec(options);
  if (problem !== null) throw new Ns53Error('E_USAGE', `--name/--type: ${problem}`);
  const capabilities = readEffectiveCapabilities();
  if (capabilities !== null && !hasCapability(capabilities, 'CAP_SYS_ADMIN')) {
    // Checked first: without it, even the containers and dockerd's socket stay hidden, and the error would mislead.
    throw new Ns53Error('E_ATTACH_DENIED', "diagnose needs root (CAP_SYS_ADMIN): it enters the container's and dockerd's network namespaces and traces dockerd; run it with sudo");
  }
  const say = (line: string): void => io.stderr(`ns53: ${line}\n`);
  const target = chooseTarget(options);
  const containers = await startLiveContainers(engineSocketFor(options, target), say);
  try {
    const container = pickContainer(containers, options.container);
    const backend = await chooseBackend(options.backend, { strace: options.strace, bpftrace: options.bpftrace });
    say(`backend: ${backend.backend} (${backend.why})`);
    const pcap = PcapOutput.open(options.pcap);
    const diagnosis = await diagnoseContainer({
      target: { pid: target.pid, comm: target.comm },
      container,
      containers,
      backend: backend.backend,
      tracerBinary: backend.backend === 'bpftrace' ? options.bpftrace : options.strace,
      question: { name: options.name, type: options.type.toUpperCase() },
      proto: options.proto,
      timeoutMs: Math.round(options.timeout * 1000),
      savePath: options.save ?? null,
      listen: (inner) => pcap?.listen(inner) ?? inner,
      onAttached: (what) => say(`attached to ${printable(target.comm)} (PID ${target.pid}, ${what}; ${target.how}); probing from ${printable(container.name)}'s namespace`),
      onTraced: (traced) => pcap?.finish(traced.summary, io),
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
