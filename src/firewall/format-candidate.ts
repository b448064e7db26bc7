import type { Counters } from '../../parsers/firewall/index.js';
import type { BlockingCandidate } from './blocking-candidates.js';
import type { CandidateCounters } from './counter-delta.js';
import { formatFirewallSource, type FirewallChain, type FirewallRule } from './firewall-rule.js';

/** Where a rule lives, as users name it: `filter FORWARD #1` (iptables) or `inet filter forward #3` (nft). */
export function formatRulePlace(chain: FirewallChain, rule: FirewallRule | null): string {
  const table = chain.source === 'nft' ? `${chain.family} ${chain.table}` : chain.table;
  return `${table} ${chain.name} ${rule === null ? `policy ${chain.policy?.toUpperCase() ?? '-'}` : `#${rule.position}`}`;
}

/**
 * One line per candidate for `ns53 diagnose`:
 * `filter FORWARD #1  -A FORWARD … -j REJECT …  (iptables-nft)  packets 0 → 2`, then what is uncertain about it.
 */
export function formatCandidateLine(entry: BlockingCandidate | CandidateCounters): string {
  const counted = 'candidate' in entry ? entry : null;
  const candidate = counted?.candidate ?? (entry as BlockingCandidate);
  const parts = [formatRulePlace(candidate.chain, candidate.rule)];
  if (candidate.rule !== null) parts.push(candidate.rule.text);
  parts.push(`(${formatFirewallSource(candidate.chain)})`);
  const after = candidate.rule === null ? candidate.chain.counters : candidate.rule.counters;
  if (counted !== null) parts.push(formatCounterChange(counted));
  else if (after !== null) parts.push(`packets ${after.packets}`);
  const notes: string[] = [];
  if (candidate.match === 'may-match') notes.push('may match');
  if (candidate.shadowed !== 'no') {
    const by = candidate.shadowedBy.map((r) => `${r.chain} #${r.position}`).join(', ');
    notes.push(`${candidate.shadowed === 'yes' ? 'shadowed' : 'maybe shadowed'} by ${by}`);
  }
  if (candidate.via.length > 0) notes.push(`via ${candidate.via.join(' → ')}`);
  return parts.join('  ') + (notes.length > 0 ? `  [${notes.join('; ')}]` : '');
}

function formatCounterChange(counted: CandidateCounters): string {
  const packets = (c: Counters | null): string => (c === null ? '?' : String(c.packets));
  const change = `packets ${packets(counted.before)} → ${packets(counted.after)}`;
  return counted.matchedBy === 'none' ? `${change} (not in the first snapshot)` : counted.matchedBy === 'position' ? `${change} (matched by position)` : change;
}
