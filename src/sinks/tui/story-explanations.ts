import type { Outcome } from '../../sessions/outcome.js';
import type { NetnsRecord } from '../../sessions/record-schemas.js';

/**
 * What an errno means on a DNS socket, as someone who has debugged a few firewalls would say it. On a
 * connected UDP socket Linux reports only "hard" ICMP errors (icmp_err_convert): port unreachable is
 * ECONNREFUSED, host/admin prohibited EHOSTUNREACH, net prohibited ENETUNREACH (see sessions/outcome.ts, which
 * settles attempts by the same errnos). EPERM/EACCES come from a local netfilter rule, before the packet left.
 */
const ERRNO_EXPLANATIONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'an ICMP port unreachable came back; typically an iptables REJECT (or nothing listens on port 53 there)',
  ECONNRESET: 'the connection was reset (a TCP RST): a REJECT with tcp-reset, or the server dropped the connection',
  EHOSTUNREACH: 'an ICMP host unreachable or "administratively prohibited" came back; typically a firewalld/nftables reject rule, or no route to the host',
  ENETUNREACH: 'no route to that network from this namespace (an --internal network?), or a reject rule sending "network prohibited"',
  EHOSTDOWN: 'the host is down: nothing answered neighbour discovery on the way',
  ENETDOWN: 'the network interface on the way is down',
  EADDRNOTAVAIL: 'no usable source address in this namespace (its interface has none, or is gone)',
  EPERM: 'a netfilter rule in this namespace dropped the packet before it left (its OUTPUT chain)',
  EACCES: 'a netfilter rule in this namespace dropped the packet before it left (its OUTPUT chain)',
  ETIMEDOUT: 'the kernel gave up waiting: nothing answered (a DROP rule on the way, or the server is down)',
  EAGAIN: 'not yet; Go waits until the socket is ready and makes the call again',
  EWOULDBLOCK: 'not yet; Go waits until the socket is ready and makes the call again',
  EINPROGRESS: 'the TCP handshake has started; how it ended shows in a later getsockopt(SO_ERROR)',
  EINTR: 'interrupted by a signal; the call is made again',
  EBADF: 'that fd was not open (closed already)',
  EMSGSIZE: 'the message is larger than one datagram can carry',
  ENOBUFS: 'the kernel had no buffer space left for the packet (a full queue)',
};

/** Over TCP a refusal or a timeout is about the handshake: the SYN met a RST, or nothing at all. */
const TCP_ERRNO_EXPLANATIONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the SYN was refused (a TCP RST or an ICMP port unreachable came back); typically an iptables REJECT (or nothing listens on port 53 there)',
  ETIMEDOUT: 'nothing answered the SYN before the kernel gave up (a DROP rule on the way, or the server is down)',
};

/** The words after `read → ECONNREFUSED: `; null for an errno without an explanation (shown bare). */
export function explainErrno(errno: string, proto: 'udp' | 'tcp'): string | null {
  return (proto === 'tcp' ? TCP_ERRNO_EXPLANATIONS[errno] : undefined) ?? ERRNO_EXPLANATIONS[errno] ?? null;
}

/**
 * How an attempt ended, in a few words for its section of the detail pane; the verdict below it gives the
 * cause with what the rest of the trace knows (sessions/verdict.ts). Answers are described by their rcode.
 */
const OUTCOME_EXPLANATIONS: Readonly<Record<Exclude<Outcome, 'answer'>, string>> = {
  refused: 'refused: an ICMP port unreachable came back',
  unreachable: 'unreachable: an ICMP host/network unreachable or prohibited came back',
  denied: 'denied: a netfilter rule dropped the query before it left',
  timeout: 'timed out: no answer, then the socket was closed',
  pending: 'no answer yet when the trace ended',
  error: 'failed',
};

/** `refused: an ICMP port unreachable came back`, `NOERROR`, … */
export function explainOutcome(outcome: string, rcode: string | null): string {
  if (outcome === 'answer') return rcode ?? 'answered';
  return OUTCOME_EXPLANATIONS[outcome as Exclude<Outcome, 'answer'>] ?? outcome;
}

/**
 * Which host firewall rules see a query from this source address: the one fact about a source address that
 * decides where to look. Docker's own rules for containers live in FORWARD (and DOCKER-USER, jumped to from it).
 */
export function explainSourceAddress(netns: NetnsRecord): string {
  if (netns.host) return "the host's own address, so the host's OUTPUT and INPUT rules apply";
  if (netns.label.startsWith('sandbox ')) return "this is the container's IP, so the host's rules for forwarded traffic apply (FORWARD, DOCKER-USER)";
  return "an address of that namespace: routed through the host, its packets meet the host's rules for forwarded traffic (FORWARD)";
}
