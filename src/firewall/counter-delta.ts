import type { Counters } from '../../parsers/firewall/index.js';
import type { BlockingCandidate } from './blocking-candidates.js';
import { sameChain, type FirewallRule, type FirewallRuleset } from './firewall-rule.js';

/*
 * Counters of each candidate before and after a probe. The candidate comes from the snapshot taken after; its
 * twin in the snapshot before is found by nft handle, else by chain and text (the n-th of identical rules to the
 * n-th), else by position when the rule there was edited in place. A rule that was added between the snapshots
 * has no twin, and says so instead of borrowing a neighbour's counters.
 */

export type CounterMatch = 'handle' | 'text' | 'position' | 'policy' | 'none';

export interface CandidateCounters {
  candidate: BlockingCandidate;
  before: Counters | null;
  after: Counters | null;
  /** after − before; null when either is unknown. */
  delta: Counters | null;
  /** How the rule was found in the snapshot before; `none` when it was not. */
  matchedBy: CounterMatch;
}

/** Each candidate's counters before and after, however the rules moved between the two snapshots. */
export function compareCandidateCounters(before: FirewallRuleset, candidates: BlockingCandidate[]): CandidateCounters[] {
  return candidates.map((candidate) => {
    const after = candidate.rule === null ? candidate.chain.counters : candidate.rule.counters;
    const chain = before.chains.find((c) => sameChain(c, candidate.chain));
    let twin: { counters: Counters | null; by: CounterMatch } | null = null;
    if (chain !== undefined) {
      twin = candidate.rule === null ? { counters: chain.counters, by: 'policy' } : findTwin(chain.rules, candidate.rule, candidate.chain.rules);
    }
    const prior = twin?.counters ?? null;
    return {
      candidate, before: prior, after, matchedBy: twin?.by ?? 'none',
      delta: prior === null || after === null ? null : { packets: after.packets - prior.packets, bytes: after.bytes - prior.bytes },
    };
  });
}

function findTwin(rules: FirewallRule[], rule: FirewallRule, afterRules: FirewallRule[]): { counters: Counters | null; by: CounterMatch } | null {
  if (rule.handle !== null) {
    const byHandle = rules.find((r) => r.handle === rule.handle && r.text === rule.text);
    if (byHandle !== undefined) return { counters: byHandle.counters, by: 'handle' };
  }
  const occurrence = afterRules.filter((r) => r.text === rule.text).indexOf(rule);
  const byText = rules.filter((r) => r.text === rule.text)[occurrence];
  if (byText !== undefined) return { counters: byText.counters, by: 'text' };
  const atPosition = rules.find((r) => r.position === rule.position);
  if (atPosition !== undefined && !afterRules.some((r) => r.text === atPosition.text)) return { counters: atPosition.counters, by: 'position' };
  return null;
}
