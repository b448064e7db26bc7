import type { FirewallChain, FirewallRule, FirewallRuleset } from './firewall-rule.js';
import { matchFlow, type Flow } from './flow-match.js';
import { PATH_HOOKS } from './hooks.js';

/*
 * The rules that could block a flow, in the order the packet meets them: every base chain on the path's hooks
 * (by hook, then priority), and the user chains reached from them by jump or goto. A REJECT/DROP rule that may
 * match is a candidate, and so is a base chain's DROP policy unless an earlier ACCEPT surely took the packet.
 * Each says whether an earlier ACCEPT (anywhere in that base chain's traversal) or RETURN (in its own chain or a
 * caller) may take the packet before it. A DROP that surely matches and is surely reached ends the walk: a dropped
 * packet meets nothing else.
 */

export interface BlockingCandidate {
  kind: 'rule' | 'policy';
  chain: FirewallChain;
  /** The REJECT/DROP rule; null for a policy. */
  rule: FirewallRule | null;
  /** `matches` only when the rule and every jump leading to it surely match. */
  match: 'matches' | 'may-match';
  /** `yes`: an earlier ACCEPT/RETURN surely takes the packet first; `maybe`: one may. */
  shadowed: 'no' | 'maybe' | 'yes';
  shadowedBy: FirewallRule[];
  /** The jumps that led here, outermost first, as `FORWARD #2`. */
  via: string[];
}

interface Shadow {
  rule: FirewallRule;
  certain: boolean;
}

interface Walk {
  flow: Flow;
  chains: FirewallChain[];
  candidates: BlockingCandidate[];
  /** ACCEPTs met so far in the current base chain's traversal. */
  accepts: Shadow[];
  /** Set once a DROP surely matched: nothing after it is reached. */
  dropped: boolean;
}

/** REJECT/DROP rules and DROP policies on the flow's path, in traversal order, each with match and shadowing. */
export function findBlockingCandidates(ruleset: FirewallRuleset, flow: Flow): BlockingCandidate[] {
  const walk: Walk = { flow, chains: ruleset.chains, candidates: [], accepts: [], dropped: false };
  const hooks = PATH_HOOKS[flow.path];
  const bases = ruleset.chains
    .filter((c) => c.hook !== null && hooks.includes(c.hook))
    .map((chain, order) => ({ chain, order }))
    .sort((a, b) => hooks.indexOf(a.chain.hook!) - hooks.indexOf(b.chain.hook!) || (a.chain.priority ?? 0) - (b.chain.priority ?? 0) || a.order - b.order);
  for (const { chain } of bases) {
    if (walk.dropped) break;
    walk.accepts = [];
    walkChain(walk, chain, 'matches', [], []);
    if (!walk.dropped && chain.policy === 'drop' && !walk.accepts.some((a) => a.certain)) addCandidate(walk, chain, null, 'matches', [], []);
  }
  return walk.candidates;
}

/**
 * Walks one chain. Rules after a sure ACCEPT or RETURN are still walked, so a DROP they hide is listed as
 * shadowed rather than left out; only a sure goto leaves the chain, as the packet never comes back to it.
 */
function walkChain(walk: Walk, chain: FirewallChain, reach: 'matches' | 'may-match', inherited: Shadow[], via: string[]): void {
  const returns: Shadow[] = [];
  for (const rule of chain.rules) {
    if (walk.dropped) return;
    const own = matchFlow(rule, walk.flow);
    if (own === 'no') continue;
    const strength = reach === 'matches' && own === 'matches' ? 'matches' : 'may-match';
    const shadows = [...inherited, ...walk.accepts, ...returns];
    const reached = !shadows.some((s) => s.certain);
    const sure = strength === 'matches' && reached;
    switch (rule.verdict) {
      case 'drop':
      case 'reject':
        addCandidate(walk, chain, rule, strength, shadows, via);
        if (sure && shadows.length === 0) walk.dropped = true;
        break;
      case 'accept':
        walk.accepts.push({ rule, certain: sure });
        break;
      case 'return':
        returns.push({ rule, certain: sure });
        break;
      case 'jump':
      case 'goto': {
        const target = walk.chains.find((c) => c.source === chain.source && c.family === chain.family && c.table === chain.table && c.name === rule.target);
        const label = `${chain.name} #${rule.position}`;
        if (target === undefined || via.some((v) => v.startsWith(`${target.name} `)) || target.name === chain.name) break;
        walkChain(walk, target, strength, [...inherited, ...returns], [...via, label]);
        if (sure && rule.verdict === 'goto') return;
        break;
      }
      default:
        break;
    }
  }
}

function addCandidate(walk: Walk, chain: FirewallChain, rule: FirewallRule | null, match: 'matches' | 'may-match', extra: Shadow[], via: string[]): void {
  const shadows = rule === null ? walk.accepts : extra;
  walk.candidates.push({
    kind: rule === null ? 'policy' : 'rule', chain, rule, match,
    shadowed: shadows.some((s) => s.certain) ? 'yes' : shadows.length > 0 ? 'maybe' : 'no',
    shadowedBy: shadows.map((s) => s.rule), via,
  });
}
