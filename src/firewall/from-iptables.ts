import type { IptablesMatch, IptablesSave } from '../../parsers/firewall/index.js';
import type { Criterion, FirewallChain, FirewallRule, FirewallSource, FirewallVerdict, IptablesBackend } from './firewall-rule.js';
import { iptablesChainHook } from './hooks.js';

const BUILT_IN_VERDICTS: Record<string, FirewallVerdict> = { ACCEPT: 'accept', DROP: 'drop', REJECT: 'reject', RETURN: 'return' };

/** The chains of one save output in the common model; `family` is `ip` for iptables, `ip6` for ip6tables. */
export function buildIptablesChains(save: IptablesSave, source: FirewallSource, backend: IptablesBackend | null, family: 'ip' | 'ip6'): FirewallChain[] {
  return save.tables.flatMap((table) => {
    const names = new Set(table.chains.map((c) => c.name));
    return table.chains.map((chain): FirewallChain => {
      const hook = iptablesChainHook(table.name, chain.name);
      const rules = chain.rules.map((rule): FirewallRule => {
        const builtIn = rule.target === null ? 'none' : BUILT_IN_VERDICTS[rule.target];
        const verdict: FirewallVerdict = builtIn ?? (names.has(rule.target!) ? (rule.goto ? 'goto' : 'jump') : 'other');
        return {
          source, backend, family, table: table.name, chain: chain.name, position: rule.position, handle: null, text: rule.text,
          verdict, target: rule.target, rejectType: verdict === 'reject' ? rule.rejectWith : null, counters: rule.counters,
          criteria: rule.matches.flatMap(criterionOf),
        };
      });
      const policy = chain.policy === 'DROP' ? 'drop' : chain.policy === 'ACCEPT' ? 'accept' : null;
      return {
        source, backend, family, table: table.name, name: chain.name, hook: hook?.hook ?? null, priority: hook?.priority ?? null,
        policy: hook === null ? null : policy, counters: chain.counters, rules,
      };
    });
  });
}

function criterionOf(match: IptablesMatch): Criterion[] {
  switch (match.kind) {
    case 'address':
      return [{ kind: 'address', field: match.field, negated: match.negated, family: null, values: [match.value] }];
    case 'protocol':
      return [{ kind: 'protocol', negated: match.negated, protocols: [match.value] }];
    case 'port':
      return match.ranges === null
        ? [{ kind: 'unknown', text: `--${match.field === 'source' ? 's' : 'd'}port ${match.value}` }]
        : [{ kind: 'port', field: match.field, negated: match.negated, protocol: match.protocol, ranges: match.ranges }];
    case 'interface':
      return [{ kind: 'interface', direction: match.direction, negated: match.negated, names: [interfaceName(match.value, '+')] }];
    case 'ct-state':
      return [{ kind: 'ct-state', negated: match.negated, states: match.states }];
    case 'other':
      return [{ kind: 'unknown', text: match.text }];
  }
}

/** `br-+` (iptables) or `br-*` (nft) is every name starting with `br-`. */
export function interfaceName(value: string, wildcard: '+' | '*'): { name: string; prefix: boolean } {
  return value.endsWith(wildcard) ? { name: value.slice(0, -1), prefix: true } : { name: value, prefix: false };
}
