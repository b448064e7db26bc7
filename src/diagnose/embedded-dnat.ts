import { matchFlow, type FirewallRule, type FirewallRuleset } from '../firewall/index.js';

/**
 * What the container's own namespace does with a query to 127.0.0.11:53. Docker puts a DNAT rule there (iptables
 * nat chain DOCKER_OUTPUT; an nft table `docker-dns` from 28.3) that sends it to the port dockerd's resolver
 * listens on. Without it the query meets nothing on 127.0.0.11:53: ECONNREFUSED, and dockerd never sees it.
 * The known cause is a firewall started inside the container flushing its nat table (docker-dns.md §7).
 */
export interface EmbeddedDnat {
  /** The rule, as its tool prints it; null when none is there. */
  rule: string | null;
  /** What was read: null when the container's firewall could not be read (then nothing is claimed). */
  readFrom: string | null;
}

/** The DNAT rule (any chain of a nat table) that would take a UDP query from 127.0.0.1 to 127.0.0.11:53. */
export function findEmbeddedDnat(ruleset: FirewallRuleset): FirewallRule | null {
  const flow = { family: 4, proto: 'udp', source: '127.0.0.1', destination: '127.0.0.11', destinationPort: 53, path: 'output' } as const;
  for (const chain of ruleset.chains) {
    for (const rule of chain.rules) {
      const dnat = rule.target?.toUpperCase() === 'DNAT' || /\bdnat\b/.test(rule.text);
      if (dnat && matchFlow(rule, flow) !== 'no') return rule;
    }
  }
  return null;
}
