import type { Format } from './session-printer.js';

// What `ns53 attach` accepts and says in its help, apart from the command itself: the command loads execa
// and the tracer code, which a replay should not pay for at start-up.

/** The tracers `attach` can use; `auto` picks bpftrace when it can run here, else strace. */
export const BACKENDS = ['auto', 'bpftrace', 'strace'] as const;

export interface AttachCommandOptions {
  docker?: boolean;
  pid?: number;
  pidfile?: string;
  backend: (typeof BACKENDS)[number];
  save?: string;
  /** `--pcap FILE`: the sessions' packets, for Wireshark. */
  pcap?: string;
  duration?: number;
  format?: Format;
  retention?: number;
  /** The Docker daemon's socket to learn container names from (`unix:///path` or a path). */
  dockerHost?: string;
  strace: string;
  bpftrace: string;
}

/**
 * What attaching costs dockerd, said before the first session: DNS queries per second through 127.0.0.11
 * with and without strace attached, measured by `npm run bench:live` (README, "What attaching costs").
 */
export const STRACE_COST_NOTE =
  'strace stops every syscall of every dockerd thread (ptrace; --seccomp-bpf cannot apply with -p). Measured in the lab: about 20x fewer DNS queries per second through 127.0.0.11 while attached (10,200 -> 510 q/s, p50 5.6 -> 116 ms). Keep the run short on a busy host.';

/** The same for the bpftrace backend (README, "What attaching costs"). */
export const BPFTRACE_COST_NOTE =
  'bpftrace stops nothing, but runs a BPF program on the syscall tracepoints ns53 reads and prints 9 records per forwarded query. Measured in the lab at saturation: 0.30x the DNS queries per second through 127.0.0.11 (10,200 -> 3,060 q/s, p50 5.6 -> 17 ms), where bpftrace also drops events (ns53 counts them); at 1,000 q/s nothing was lost, for about half a CPU.';
