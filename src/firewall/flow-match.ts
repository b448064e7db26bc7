import { BlockList, isIP } from 'node:net';
import type { Criterion, FirewallRule } from './firewall-rule.js';
import type { FlowPath } from './hooks.js';

/*
 * Does a rule match a DNS flow? Three answers, never more certainty than the rule allows: `matches` when every
 * criterion is known to hold, `no` when one surely fails, `may-match` when ns53 cannot tell (an interface the flow
 * does not name, a mark, a named set, a match module it does not read).
 */

export interface Flow {
  family: 4 | 6;
  proto: 'udp' | 'tcp';
  source: string;
  destination: string;
  destinationPort: number;
  /** Usually unknown: the resolver picks a random port. */
  sourcePort?: number;
  path: FlowPath;
  inInterface?: string;
  outInterface?: string;
}

export type MatchStrength = 'matches' | 'may-match' | 'no';

type Answer = 'yes' | 'no' | 'unknown';

const PROTOCOL_NUMBERS: Record<string, string> = { '17': 'udp', '6': 'tcp' };
/** Families an nft table applies to; other families (bridge, netdev, arp) are not on a routed flow's path. */
const TABLE_FAMILIES: Record<string, Array<4 | 6>> = { ip: [4], ip6: [6], inet: [4, 6] };

/** Whether `rule` matches `flow`, `may-match` wherever ns53 lacks what it would need to be sure. */
export function matchFlow(rule: FirewallRule, flow: Flow): MatchStrength {
  if (!(TABLE_FAMILIES[rule.family]?.includes(flow.family) ?? false)) return 'no';
  let unsure = false;
  for (const criterion of rule.criteria) {
    const answer = evaluate(criterion, flow);
    if (answer === 'no') return 'no';
    if (answer === 'unknown') unsure = true;
  }
  return unsure ? 'may-match' : 'matches';
}

function evaluate(c: Criterion, flow: Flow): Answer {
  switch (c.kind) {
    case 'address':
      if (c.family !== null && c.family !== flow.family) return 'no';
      return negate(anyOf(c.values.map((v) => addressIn(v, c.field === 'source' ? flow.source : flow.destination))), c.negated);
    case 'protocol':
      return negate(c.protocols.some((p) => p === 'all' || p === '0' || (PROTOCOL_NUMBERS[p] ?? p) === flow.proto) ? 'yes' : 'no', c.negated);
    case 'port':
      return portAnswer(c, flow);
    case 'interface': {
      const name = interfaceOf(c.direction, flow);
      if (name === undefined) return 'unknown';
      return negate(c.names.some((n) => (n.prefix ? name.startsWith(n.name) : name === n.name)) ? 'yes' : 'no', c.negated);
    }
    case 'ct-state':
      // A failing DNS query is a new connection: its first packet, or a retry that never got a reply (still NEW).
      return negate(c.states.includes('NEW') ? 'yes' : 'no', c.negated);
    case 'nfproto':
      return negate(c.families.includes(flow.family) ? 'yes' : 'no', c.negated);
    case 'unknown':
      return 'unknown';
  }
}

function portAnswer(c: Extract<Criterion, { kind: 'port' }>, flow: Flow): Answer {
  // nft `udp dport 53` and iptables `-m udp --dport 53` also say the protocol; `!=` does not change that.
  if (c.protocol !== null && c.protocol !== flow.proto) return 'no';
  const within = (port: number | undefined): Answer =>
    port === undefined ? 'unknown' : c.ranges.some((r) => port >= r.from && port <= r.to) ? 'yes' : 'no';
  const destination = within(flow.destinationPort);
  const source = within(flow.sourcePort);
  const answer = c.field === 'destination' ? destination : c.field === 'source' ? source : anyOf([destination, source]);
  return negate(answer, c.negated);
}

/** The flow's interface in that direction; '' where the path has none (no in-interface on output). */
function interfaceOf(direction: 'in' | 'out', flow: Flow): string | undefined {
  if (direction === 'in') return flow.path === 'output' ? '' : flow.inInterface;
  return flow.path === 'input' ? '' : flow.outInterface;
}

/** Whether `address` lies in `value` (CIDR, address or `a-b` range); unknown when `value` is unreadable. */
function addressIn(value: string, address: string): Answer {
  const family = isIP(address);
  if (family === 0) return 'unknown';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  const [start, end] = value.split('-');
  const [base, bits] = start!.split('/');
  const valueFamily = isIP(base!);
  if (valueFamily === 0 || (end !== undefined && isIP(end) !== valueFamily)) return 'unknown';
  if (valueFamily !== family) return 'no';
  const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) return 'unknown';
  if (end !== undefined) list.addRange(base!, end, type);
  else list.addSubnet(base!, prefix, type);
  return list.check(address, type) ? 'yes' : 'no';
}

function anyOf(answers: Answer[]): Answer {
  return answers.includes('yes') ? 'yes' : answers.includes('unknown') ? 'unknown' : 'no';
}

function negate(answer: Answer, negated: boolean): Answer {
  if (!negated || answer === 'unknown') return answer;
  return answer === 'yes' ? 'no' : 'yes';
}
