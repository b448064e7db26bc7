import type { DnsMessage } from '../../parsers/dns/index.js';
// address.js alone: the probe process loads this file, and the strace parser's index would cost it 20 ms.
import { formatInetAddress } from '../../parsers/strace/address.js';

/** An IP address and port, as the probe sends to and reports from. */
export interface ProbeAddress {
  ip: string;
  port: number;
}

/** `ip:port`, IPv6 in brackets, as ns53 shows every address. */
export function formatProbeAddress(address: ProbeAddress): string {
  return formatInetAddress({ family: address.ip.includes(':') ? 'inet6' : 'inet', ...address });
}

/** Where a probe is sent, and what it asks. */
export interface ProbeSpec {
  server: ProbeAddress;
  proto: 'udp' | 'tcp';
  id: number;
  name: string;
  type: string;
  timeoutMs: number;
}

/**
 * How one probe ended, in the terms ns53 uses for upstream attempts: `answer` (any rcode), `refused`
 * (ECONNREFUSED: an ICMP port-unreachable, what a REJECT rule sends), `unreachable` (EHOSTUNREACH,
 * ENETUNREACH: an admin-prohibited ICMP or no route), `timeout` (silence: a DROP, or a server that does not
 * answer), `error` (anything else, with its errno).
 */
export type ProbeOutcome = 'answer' | 'refused' | 'unreachable' | 'timeout' | 'error';

/** What a probe saw; printed as one JSON line by the probe process, so it is plain data. */
export interface ProbeResult {
  spec: ProbeSpec;
  /** The source address the kernel chose (getsockname after connect): who the packet left as. */
  local: ProbeAddress | null;
  outcome: ProbeOutcome;
  errno: string | null;
  /** For `answer`: the reply as decoded (rcode, answers). */
  reply: DnsMessage | null;
  /** Wall-clock time the query was sent (epoch seconds) and how long until the outcome. */
  sentAt: number | null;
  elapsedMs: number;
}

/** The errno names that mean the network said no, and what ns53 calls them. */
export const ERRNO_OUTCOME: Readonly<Record<string, ProbeOutcome>> = {
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EACCES: 'unreachable',
  EPERM: 'unreachable',
};
