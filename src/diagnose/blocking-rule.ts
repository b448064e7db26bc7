/**
 * A firewall rule (or a chain's policy) that rejects or drops a failing probe's flow, as the report shows it.
 * Built from the firewall snapshots taken before and after the probes.
 */
export interface BlockingRule {
  /** `iptables-nft`, `iptables-legacy`, `ip6tables-nft`, `nft`. */
  origin: string;
  table: string;
  chain: string;
  /** 1-based position in its chain (as `iptables -L --line-numbers` counts); null for a chain's policy. */
  position: number | null;
  /** `filter FORWARD #1`, or `filter FORWARD policy`. */
  where: string;
  /** The rule as its tool prints it: `-A FORWARD -s 172.18.0.0/16 -p udp -m udp --dport 53 -j REJECT …`. */
  text: string;
  verdict: 'reject' | 'drop';
  /** The source networks the rule names (`172.18.0.0/16`), negated ones left out; empty for any source. */
  sources: string[];
  /** `rejects UDP 53 from 172.18.0.0/16`. */
  actionWords: string;
  /** `forwarded path (FORWARD)`. */
  pathWords: string;
  /** Whether every criterion of the rule was checked against the flow, or some could not be (marks, sets…). */
  strength: 'matches' | 'may-match' | 'no';
  packetsBefore: number | null;
  packetsAfter: number | null;
  /** The failing probe flows it matches, as `172.18.0.2 → 10.77.0.2:53/udp`. */
  flows: string[];
}
