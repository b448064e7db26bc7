import type { AttemptRecord, NetnsRecord, SessionRecord } from './record-schemas.js';

/** What the rest of the trace says about an upstream: which source addresses it answered. */
export interface UpstreamWitness {
  /** Source IPs (other than `except`) that got an answer from `upstream` somewhere in the trace so far. */
  answeredSources(upstream: string, except: string | null): string[];
}

const FAILOVER_RCODES = new Set(['SERVFAIL', 'REFUSED']);
const SUCCESS_RCODES = new Set(['NOERROR', 'NXDOMAIN']);

/** `172.18.0.3` from `172.18.0.3:36519` (and `::1` from `[::1]:53`). */
export function ipOf(address: string | null): string | null {
  if (address === null) return null;
  const colon = address.lastIndexOf(':');
  const ip = colon < 0 ? address : address.slice(0, colon);
  return ip.startsWith('[') ? ip.slice(1, -1) : ip;
}

/** "container namespace sandbox 6d527838845f (net:[4026532326])", "the host namespace", … (the TUI's story says it alike). */
export function describeNetns(netns: NetnsRecord): string {
  const inode = netns.inode !== null ? ` (net:[${netns.inode}])` : '';
  if (netns.host) return `the host namespace (the traced process's own)${inode}`;
  if (netns.container?.name) return `container ${netns.container.name}'s namespace (${netns.label}${netns.inode !== null ? `, net:[${netns.inode}]` : ''})`;
  if (netns.label.startsWith('sandbox ')) return `container namespace ${netns.label}${inode}`;
  if (netns.label === 'unknown') return 'a namespace the trace cannot name (entered through an fd opened before the trace)';
  if (netns.label.startsWith('net:[')) return `namespace ${netns.label}`;
  return `namespace ${netns.label}${inode}`;
}

/** The firewall path a packet from this namespace crosses on the host, and the chain that filters it. */
function describePath(netns: NetnsRecord): { path: string; chain: string } {
  if (netns.host) return { path: "the host's own output path", chain: "the host's OUTPUT chain" };
  return { path: 'the forwarded path', chain: "the host's FORWARD chain" };
}

function latency(attempt: AttemptRecord): string {
  if (attempt.latencyMs === null) return '';
  return attempt.latencyMs >= 1000 ? ` after ${(attempt.latencyMs / 1000).toFixed(1)} s` : ` in ${attempt.latencyMs} ms`;
}

function recordsText(attempt: AttemptRecord): string {
  const count = attempt.answers.length;
  if (count === 0) return 'no records';
  const shown = attempt.answers.slice(0, 3).map((record) => record.data).join(', ');
  return `${count} record${count === 1 ? '' : 's'}: ${shown}${count > 3 ? ', …' : ''}`;
}

/** What happened to one attempt, in plain words, with the likely cause. */
function describeOutcome(attempt: AttemptRecord, witness: UpstreamWitness): string {
  const { path, chain } = describePath(attempt.netns);
  switch (attempt.outcome) {
    case 'answer': {
      const rcode = attempt.rcode ?? 'an answer';
      if (rcode === 'NOERROR') return `answered NOERROR (${recordsText(attempt)})${latency(attempt)}`;
      if (rcode === 'NXDOMAIN') return `answered NXDOMAIN${latency(attempt)}: the name does not exist; the path works`;
      if (rcode === 'REFUSED') {
        const from = ipOf(attempt.source);
        return `the server answered REFUSED${latency(attempt)}: it is reachable but will not resolve this name${from ? ` for ${from}` : ''} (an access rule, or a zone it does not serve)`;
      }
      if (rcode === 'SERVFAIL') return `the server answered SERVFAIL${latency(attempt)}: it is reachable but could not resolve the name itself`;
      return `the server answered ${rcode}${latency(attempt)}`;
    }
    case 'refused': {
      const from = ipOf(attempt.source);
      const others = attempt.upstream ? witness.answeredSources(attempt.upstream, from) : [];
      const cause = `a REJECT rule on ${path} (${chain})${from ? ` rejects ${from}` : ''}`;
      const notServer = others.length > 0
        ? `, not the server: ${attempt.upstream} answered ${others.slice(0, 2).join(', ')} in this trace`
        : `, or nothing listens on ${attempt.upstream ?? 'the upstream'}`;
      return `refused (ICMP port unreachable, ${attempt.errno ?? 'ECONNREFUSED'})${latency(attempt)}: ${cause}${notServer}`;
    }
    case 'unreachable':
      if (attempt.errno === 'ENETUNREACH') return `unreachable (${attempt.errno})${latency(attempt)}: no route to ${attempt.upstream ?? 'the upstream'} from that namespace (an --internal network?), or a reject rule sending "network prohibited"`;
      return `unreachable (ICMP host/admin prohibited, ${attempt.errno ?? 'EHOSTUNREACH'})${latency(attempt)}: typically a firewalld/nftables reject rule on ${path} (${chain})`;
    case 'denied':
      return `denied (${attempt.errno ?? 'EPERM'}): a netfilter rule in that namespace dropped the packet before it left (its OUTPUT chain)`;
    case 'timeout':
      return `no answer${latency(attempt)}, then the socket was closed (a timeout): something drops the packets on ${path} (a DROP rule in ${chain}), or the server is down`;
    case 'pending':
      return 'no answer yet when the trace ended';
    default:
      return `failed with ${attempt.errno ?? 'an error'}`;
  }
}

/** `verb` is `forwarded` when a client's query is behind the attempt, else `sent` (the query starts there). */
function describeAttempt(attempt: AttemptRecord, witness: UpstreamWitness, verb: 'forwarded' | 'sent'): string {
  const source = attempt.source ? ` as ${attempt.source}` : '';
  const to = attempt.upstream ? ` to ${attempt.upstream}` : '';
  const proto = attempt.proto === 'tcp' ? ' over TCP' : '';
  return `${verb} from ${describeNetns(attempt.netns)}${source}${to}${proto}; ${describeOutcome(attempt, witness)}`;
}

/** The attempt that decided the session: the first usable answer, else the last try. */
function decisiveAttempt(attempts: AttemptRecord[]): AttemptRecord | undefined {
  return attempts.find((a) => a.outcome === 'answer' && !FAILOVER_RCODES.has(a.rcode ?? '')) ?? attempts.at(-1);
}

function shortOutcome(attempt: AttemptRecord): string {
  return `${attempt.upstream ?? 'upstream'} ${attempt.outcome === 'answer' ? attempt.rcode ?? 'answered' : attempt.outcome}`;
}

/**
 * A one-line, plain-language verdict for a session: where the query left from, what happened, and what the
 * client got. Example: "forwarded from container namespace sandbox 6d527838845f as 172.18.0.3:36519 to
 * 10.77.0.2:53; refused (ICMP port unreachable, ECONNREFUSED) in 0.1 ms: a REJECT rule on the forwarded path
 * …, not the server (10.77.0.2:53 answered 172.18.0.2 in this trace); no reply reached the client".
 */
export function buildVerdict(session: Omit<SessionRecord, 'verdict'>, witness: UpstreamWitness): string {
  const { attempts, reply, client } = session;
  const replied = reply ? `the client got ${reply.rcode}` : client ? 'no reply reached the client (it will time out and retry)' : '';
  if (attempts.length === 0) {
    if (reply && client) return `answered without forwarding (a container or service name, or a cached or local answer); ${replied}`;
    if (reply) return `a reply to a query received before the trace began; ${replied}`;
    return 'received but neither forwarded nor answered within the trace';
  }
  const decisive = decisiveAttempt(attempts)!;
  const parts: string[] = [];
  if (attempts.length > 1) parts.push(`${attempts.length} attempts (${attempts.map(shortOutcome).join(', ')})`);
  parts.push(describeAttempt(decisive, witness, client ? 'forwarded' : 'sent'));
  if (!client) parts.push('the client side is not in the trace');
  else if (!(reply && decisive.outcome === 'answer' && SUCCESS_RCODES.has(reply.rcode) && reply.rcode === decisive.rcode)) parts.push(replied);
  return parts.join('; ');
}
