import type { Counters } from '../../parsers/firewall/index.js';

/*
 * One model for rules read from iptables-save (nft or legacy backend), ip6tables-save and nft's JSON, so that
 * matching a flow, walking chains and comparing counters are written once. A rule keeps the user's own text; its
 * criteria are what ns53 can evaluate, and `unknown` stands for everything it cannot (marks, sets, rates…).
 */

export type FirewallSource = 'iptables' | 'ip6tables' | 'iptables-legacy' | 'nft';

/** The iptables backend the rules came through; null for native nft rules or when it is not known. */
export type IptablesBackend = 'nf_tables' | 'legacy';

export type FirewallVerdict = 'accept' | 'drop' | 'reject' | 'return' | 'jump' | 'goto' | 'other' | 'none';

export type Criterion =
  /** `values`: CIDRs, addresses or `a-b` ranges; `family` set when the match itself implies one (nft `ip saddr`). */
  | { kind: 'address'; field: 'source' | 'destination'; negated: boolean; family: 4 | 6 | null; values: string[] }
  /** Lower-case names or numbers: `udp`, `17`, `all`. */
  | { kind: 'protocol'; negated: boolean; protocols: string[] }
  /** `protocol` set when the match implies it (`-m udp --dport`, nft `udp dport`); null for `th dport`, multiport. */
  | { kind: 'port'; field: 'destination' | 'source' | 'either'; negated: boolean; protocol: string | null; ranges: Array<{ from: number; to: number }> }
  /** Exact names or prefixes (`prefix: true` for iptables `br-+`, nft `br-*`). */
  | { kind: 'interface'; direction: 'in' | 'out'; negated: boolean; names: Array<{ name: string; prefix: boolean }> }
  /** Upper-case conntrack states. */
  | { kind: 'ct-state'; negated: boolean; states: string[] }
  | { kind: 'nfproto'; negated: boolean; families: Array<4 | 6> }
  /** A match ns53 cannot evaluate, in the user's syntax. */
  | { kind: 'unknown'; text: string };

export interface FirewallRule {
  source: FirewallSource;
  backend: IptablesBackend | null;
  /** `ip`, `ip6` (iptables, ip6tables), or nft's table family (`inet`, `ip`, `bridge`…). */
  family: string;
  table: string;
  chain: string;
  /** 1-based position in its chain. */
  position: number;
  /** nft's rule handle; null for iptables rules. */
  handle: number | null;
  /** The rule in its own syntax: the `-A …` line, or the nft rule as `nft list` prints it (bare `counter`). */
  text: string;
  verdict: FirewallVerdict;
  /** The chain of a jump/goto, or the iptables target name (`REJECT`, `LOG`…). */
  target: string | null;
  /** `icmp-port-unreachable`, `icmp port-unreachable`, `tcp reset`…; null when not a reject or unstated. */
  rejectType: string | null;
  counters: Counters | null;
  criteria: Criterion[];
}

export interface FirewallChain {
  source: FirewallSource;
  backend: IptablesBackend | null;
  family: string;
  table: string;
  name: string;
  /** Netfilter hook of a base (built-in) chain: `prerouting`, `input`, `forward`, `output`, `postrouting`. */
  hook: string | null;
  /** Order among the base chains of one hook (raw -300, mangle -150, filter 0…). */
  priority: number | null;
  /** Base chains only. */
  policy: 'accept' | 'drop' | null;
  /** The policy's counters (iptables built-in chains). */
  counters: Counters | null;
  rules: FirewallRule[];
}

/** Every chain of one network namespace's firewall, whatever tool it was read with. */
export interface FirewallRuleset {
  chains: FirewallChain[];
}

/** The fields that identify a chain across snapshots. */
export function sameChain(a: FirewallChain, b: FirewallChain): boolean {
  return a.source === b.source && a.family === b.family && a.table === b.table && a.name === b.name;
}

/** The label users know the rule's tool by: `iptables-nft`, `ip6tables-legacy`, `nft`. */
export function formatFirewallSource(chain: Pick<FirewallChain, 'source' | 'backend'>): string {
  if (chain.source === 'nft' || chain.source === 'iptables-legacy' || chain.backend === null) return chain.source;
  return `${chain.source}-${chain.backend === 'nf_tables' ? 'nft' : 'legacy'}`;
}
