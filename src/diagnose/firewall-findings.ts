import {
  compareCandidateCounters,
  findBlockingCandidates,
  formatFirewallSource,
  formatRulePlace,
  type CandidateCounters,
  type Criterion,
  type FirewallRule,
  type FirewallSnapshot,
} from '../firewall/index.js';
import type { BlockingRule } from './blocking-rule.js';
import { isResolved, type ProbeFlow, type ProbePath } from './probe-path.js';

/** The two readings of dockerd's namespace's firewall: before the probes and after them. */
export interface FirewallBeforeAfter {
  before: FirewallSnapshot;
  after: FirewallSnapshot;
}

const PATH_WORDS: Record<ProbeFlow['path'], string> = {
  forward: 'forwarded path',
  input: "path into dockerd's namespace",
  output: "path out of dockerd's namespace",
};

/**
 * The REJECT/DROP rules (and DROP policies) each failing probe's flow meets, with their counters before and after,
 * one entry per rule however many flows it blocks. A rule an earlier ACCEPT surely takes the packet from is left
 * out: it cannot be the cause.
 */
export function findBlockingRules(firewall: FirewallBeforeAfter, paths: readonly ProbePath[]): BlockingRule[] {
  const found = new Map<string, BlockingRule>();
  for (const path of paths) {
    if (path.flow === null || isResolved(path.result)) continue;
    const { flow } = path;
    const candidates = findBlockingCandidates(firewall.after.ruleset, flow).filter((candidate) => candidate.shadowed !== 'yes');
    for (const counted of compareCandidateCounters(firewall.before.ruleset, candidates)) {
      const rule = buildBlockingRule(counted, flow);
      const key = `${rule.origin} ${rule.where} ${rule.text}`;
      const known = found.get(key);
      if (known) known.flows.push(...rule.flows.filter((text) => !known.flows.includes(text)));
      else found.set(key, rule);
    }
  }
  return [...found.values()];
}

function buildBlockingRule(counted: CandidateCounters, flow: ProbeFlow): BlockingRule {
  const { candidate } = counted;
  const { chain, rule } = candidate;
  const verdict = rule === null || rule.verdict === 'drop' ? 'drop' : 'reject';
  const route = [...candidate.via, chain.name].join(' → ');
  return {
    origin: formatFirewallSource(chain),
    table: chain.table,
    chain: chain.name,
    position: rule?.position ?? null,
    where: formatRulePlace(chain, rule),
    text: rule?.text ?? `policy ${chain.policy?.toUpperCase() ?? 'DROP'} of ${chain.name}`,
    verdict,
    sources: rule === null ? [] : criteria(rule, 'address').flatMap((criterion) => (criterion.field === 'source' && !criterion.negated ? criterion.values : [])),
    actionWords: rule === null ? `drops what no rule accepts (the chain's policy)` : describeAction(rule, verdict),
    pathWords: `${PATH_WORDS[flow.path]} (${route})`,
    strength: candidate.match === 'matches' && candidate.shadowed === 'no' ? 'matches' : 'may-match',
    packetsBefore: counted.before?.packets ?? null,
    packetsAfter: counted.after?.packets ?? null,
    flows: [`${flow.source} → ${flow.destination}:${flow.destinationPort}/${flow.proto}`],
  };
}

/** "rejects UDP port 53 from 172.18.0.0/16", from the rule's own criteria. */
function describeAction(rule: FirewallRule, verdict: 'reject' | 'drop'): string {
  const protocols = criteria(rule, 'protocol').flatMap((criterion) => (criterion.negated ? [] : criterion.protocols.map((name) => name.toUpperCase())));
  const ports = criteria(rule, 'port').flatMap((criterion) =>
    criterion.negated || criterion.field === 'source' ? [] : criterion.ranges.map((range) => (range.from === range.to ? String(range.from) : `${range.from}-${range.to}`)),
  );
  const sources = criteria(rule, 'address').filter((criterion) => criterion.field === 'source');
  const from = sources.length === 0 ? 'from anywhere' : sources.map((criterion) => `${criterion.negated ? 'from all but' : 'from'} ${criterion.values.join(', ')}`).join(' ');
  const what = [protocols.length > 0 ? protocols.join('/') : 'traffic', ports.length > 0 ? `port ${ports.join(', ')}` : ''].filter(Boolean).join(' ');
  return `${verdict === 'reject' ? 'rejects' : 'drops'} ${what} ${from}`;
}

function criteria<K extends Criterion['kind']>(rule: FirewallRule, kind: K): Extract<Criterion, { kind: K }>[] {
  return rule.criteria.filter((criterion): criterion is Extract<Criterion, { kind: K }> => criterion.kind === kind);
}
