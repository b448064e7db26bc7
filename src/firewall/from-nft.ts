import type { NftExpression, NftRuleset, NftValue } from '../../parsers/firewall/index.js';
import type { Criterion, FirewallChain, FirewallRule, FirewallVerdict } from './firewall-rule.js';
import { interfaceName } from './from-iptables.js';
import { NAMED_PRIORITIES } from './hooks.js';
import { formatNftRule } from './nft-text.js';

/** Statements that neither match nor decide: a rule with them is judged by its other expressions. */
const NEUTRAL_STATEMENTS = new Set(['log', 'mangle', 'notrack', 'comment']);
const ADDRESS_FIELDS: Record<string, 'source' | 'destination'> = { saddr: 'source', daddr: 'destination' };
const PORT_FIELDS: Record<string, 'source' | 'destination'> = { sport: 'source', dport: 'destination' };
const PORT_PROTOCOLS = new Set(['udp', 'tcp', 'th', 'sctp', 'dccp', 'udplite']);

/** The chains of nft's ruleset in the common model, each rule with its nft text and what ns53 can evaluate. */
export function buildNftChains(ruleset: NftRuleset): FirewallChain[] {
  return ruleset.tables.flatMap((table) => table.chains.map((chain): FirewallChain => {
    const priority = typeof chain.prio === 'number' ? chain.prio : chain.prio === null ? null : (NAMED_PRIORITIES[chain.prio] ?? null);
    const rules = chain.rules.map((rule): FirewallRule => {
      const decision = decisionOf(rule.expressions);
      const counter = rule.expressions.find((e) => e.kind === 'counter');
      return {
        source: 'nft', backend: null, family: chain.family, table: chain.table, chain: chain.name, position: rule.position, handle: rule.handle,
        text: formatNftRule(rule.expressions), ...decision, counters: counter?.kind === 'counter' ? counter.counters : null,
        criteria: rule.expressions.flatMap((e) => [...impliedFamily(e), ...criterionOf(e)]),
      };
    });
    return {
      source: 'nft', backend: null, family: chain.family, table: chain.table, name: chain.name, hook: chain.hook, priority,
      policy: chain.hook === null ? null : chain.policy === 'drop' ? 'drop' : 'accept', counters: null, rules,
    };
  }));
}

function decisionOf(expressions: NftExpression[]): { verdict: FirewallVerdict; target: string | null; rejectType: string | null } {
  for (const e of expressions) {
    if (e.kind === 'verdict') return { verdict: e.verdict === 'continue' ? 'none' : e.verdict, target: null, rejectType: null };
    if (e.kind === 'jump' || e.kind === 'goto') return { verdict: e.kind, target: e.target, rejectType: null };
    if (e.kind === 'reject') return { verdict: 'reject', target: null, rejectType: e.type === null ? null : `${e.type}${e.expr === null ? '' : ` ${e.expr}`}` };
    // iptables-nft's compat targets, seen when its tables are read through nft.
    if (e.kind === 'xt' && e.type === 'target') {
      const verdict: FirewallVerdict = e.name === 'REJECT' ? 'reject' : 'other';
      return { verdict, target: e.name, rejectType: null };
    }
  }
  return { verdict: 'none', target: null, rejectType: null };
}

function criterionOf(e: NftExpression): Criterion[] {
  if (e.kind === 'xt') return e.type === 'target' ? [] : [{ kind: 'unknown', text: `xt ${e.type} ${e.name}` }];
  if (e.kind === 'opaque') return NEUTRAL_STATEMENTS.has(e.key) ? [] : [{ kind: 'unknown', text: formatNftRule([e]) }];
  if (e.kind !== 'match') return [];
  const unknown: Criterion[] = [{ kind: 'unknown', text: formatNftRule([e]) }];
  if (e.op !== '==' && e.op !== 'in' && e.op !== '!=') return unknown;
  const negated = e.op === '!=';
  const values = flatValues(e.right);
  if (values === null) return unknown;
  const { left } = e;
  if (left.kind === 'payload' && (left.protocol === 'ip' || left.protocol === 'ip6') && left.field in ADDRESS_FIELDS) {
    const strings = values.map(addressText);
    if (strings.includes(null)) return unknown;
    return [{ kind: 'address', field: ADDRESS_FIELDS[left.field]!, negated, family: left.protocol === 'ip' ? 4 : 6, values: strings as string[] }];
  }
  if (left.kind === 'payload' && PORT_PROTOCOLS.has(left.protocol) && left.field in PORT_FIELDS) {
    const ranges = values.map(portRange);
    if (ranges.includes(null)) return unknown;
    const protocol = left.protocol === 'th' ? null : left.protocol;
    return [{ kind: 'port', field: PORT_FIELDS[left.field]!, negated, protocol, ranges: ranges as Array<{ from: number; to: number }> }];
  }
  const literals = values.map((v) => (v.kind === 'literal' ? String(v.value) : null));
  if (literals.includes(null)) return unknown;
  const texts = literals as string[];
  if (left.kind === 'meta' && left.key === 'l4proto') return [{ kind: 'protocol', negated, protocols: texts.map((t) => t.toLowerCase()) }];
  if (left.kind === 'meta' && (left.key === 'iifname' || left.key === 'oifname')) {
    return [{ kind: 'interface', direction: left.key === 'iifname' ? 'in' : 'out', negated, names: texts.map((t) => interfaceName(t, '*')) }];
  }
  if (left.kind === 'meta' && left.key === 'nfproto' && texts.every((t) => t === 'ipv4' || t === 'ipv6')) {
    return [{ kind: 'nfproto', negated, families: texts.map((t) => (t === 'ipv4' ? 4 : 6)) }];
  }
  if (left.kind === 'ct' && left.key === 'state') return [{ kind: 'ct-state', negated, states: texts.map((t) => t.toUpperCase()) }];
  return unknown;
}

/** `ip …`/`ip6 …` matches only packets of that family, even where ns53 cannot read the rest (`ip daddr @set`). */
function impliedFamily(e: NftExpression): Criterion[] {
  if (e.kind !== 'match' || e.left.kind !== 'payload' || (e.left.protocol !== 'ip' && e.left.protocol !== 'ip6')) return [];
  return [{ kind: 'nfproto', negated: false, families: [e.left.protocol === 'ip' ? 4 : 6] }];
}

/** The members of a value: itself, or an anonymous set's elements; null for a named set ns53 cannot see into. */
function flatValues(v: NftValue): NftValue[] | null {
  if (v.kind === 'named-set' || v.kind === 'opaque') return null;
  if (v.kind !== 'set') return [v];
  const members = v.values.map(flatValues);
  return members.includes(null) ? null : (members as NftValue[][]).flat();
}

function addressText(v: NftValue): string | null {
  if (v.kind === 'literal' && typeof v.value === 'string') return v.value;
  if (v.kind === 'prefix') return `${v.addr}/${v.len}`;
  if (v.kind === 'range' && v.from.kind === 'literal' && v.to.kind === 'literal') return `${v.from.value}-${v.to.value}`;
  return null;
}

function portRange(v: NftValue): { from: number; to: number } | null {
  if (v.kind === 'literal' && typeof v.value === 'number') return { from: v.value, to: v.value };
  if (v.kind === 'range' && v.from.kind === 'literal' && v.to.kind === 'literal' && typeof v.from.value === 'number' && typeof v.to.value === 'number') {
    return { from: v.from.value, to: v.to.value };
  }
  return null;
}
