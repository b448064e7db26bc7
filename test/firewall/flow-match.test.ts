import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseIptablesSave, parseNftRuleset } from '../../parsers/firewall/index.js';
import { buildIptablesChains, buildNftChains, findBlockingCandidates, matchFlow, type Flow, type MatchStrength } from '../../src/firewall/index.js';
import { repoPath } from '../support/repo-root.js';

const flow: Flow = { family: 4, proto: 'udp', source: '172.18.0.2', destination: '10.77.0.2', destinationPort: 53, path: 'forward' };

/** The one rule of `-A FORWARD <args>` in a filter table, read the way iptables-save output is. */
function rule(args: string, family: 'ip' | 'ip6' = 'ip') {
  const save = parseIptablesSave(`*filter\n:FORWARD ACCEPT [0:0]\n:X - [0:0]\n-A FORWARD ${args}\nCOMMIT\n`);
  return buildIptablesChains(save, family === 'ip' ? 'iptables' : 'ip6tables', 'nf_tables', family)[0]!.rules[0]!;
}

const cases: Array<[string, Partial<Flow>, MatchStrength]> = [
  ['-s 172.18.0.0/16 -p udp -m udp --dport 53 -j REJECT', {}, 'matches'],
  ['-s 172.18.0.3/32 -p udp -m udp --dport 53 -j REJECT', {}, 'no'],
  ['! -s 172.18.0.0/16 -j DROP', {}, 'no'],
  ['-p tcp -m tcp --dport 53 -j DROP', {}, 'no'],
  ['-p 17 -j DROP', {}, 'matches'],
  ['-p udp -m multiport --dports 5353,50:60 -j DROP', {}, 'matches'],
  ['-p udp -m multiport --ports 5353 -j DROP', {}, 'may-match'],
  ['-p udp -m udp --sport 53 -j DROP', {}, 'may-match'],
  ['-p udp -m udp --sport 53 -j DROP', { sourcePort: 40000 }, 'no'],
  ['-i br-+ -j DROP', {}, 'may-match'],
  ['-i br-+ -j DROP', { inInterface: 'br-4f3c2a1b9d0e' }, 'matches'],
  ['! -o br-+ -j DROP', { outInterface: 'br-1' }, 'no'],
  ['-o eth0 -j DROP', { path: 'input' }, 'no'],
  ['-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', {}, 'no'],
  ['-m conntrack --ctstate NEW -j ACCEPT', {}, 'matches'],
  ['-m conntrack ! --ctstate NEW -j DROP', {}, 'no'],
  ['-m mark --mark 0x1 -j DROP', {}, 'may-match'],
  ['-d 10.77.0.0/24 -j DROP', { family: 6, source: 'fd00::2', destination: 'fd00::1' }, 'no'],
  ['-s not-an-address -j DROP', {}, 'may-match'],
  ['-j DROP', {}, 'matches'],
];
for (const [args, change, expected] of cases) {
  test(`matchFlow ${args} ${JSON.stringify(change)} → ${expected}`, () => {
    assert.equal(matchFlow(rule(args), { ...flow, ...change }), expected);
  });
}

test('matchFlow: ip6tables rules never match an IPv4 flow, and CIDRs of the other family never match', () => {
  assert.equal(matchFlow(rule('-j DROP', 'ip6'), flow), 'no');
  assert.equal(matchFlow(rule('-s fd00:18::/64 -j DROP', 'ip6'), { ...flow, family: 6, source: 'fd00:18::2', destination: 'fd00:77::2' }), 'matches');
});

test('nft: rendering matches nft list (bare counters), ip matches never reach IPv6 flows', () => {
  const dir = repoPath('fixtures/firewall/c-nft-inet-filter');
  const chains = buildNftChains(parseNftRuleset(readFileSync(`${dir}/nft.json`, 'utf8')));
  const listed = readFileSync(`${dir}/nft-list.txt`, 'utf8').replace(/ packets \d+ bytes \d+/g, '').split('\n').map((l) => l.trim());
  for (const r of chains.flatMap((c) => c.rules)) assert.ok(listed.includes(r.text), r.text);
  const bySet = chains.find((c) => c.name === 'from_bridges')!.rules[0]!;
  assert.equal(matchFlow(bySet, flow), 'may-match');
  assert.equal(matchFlow(bySet, { ...flow, family: 6, source: 'fd00:18::2', destination: 'fd00:77::2' }), 'no');
});

test('traversal: an ESTABLISHED accept does not shadow, a sure ACCEPT does, a sure DROP ends the walk, RETURN scopes', () => {
  const save = parseIptablesSave([
    '*filter', ':FORWARD DROP [0:0]', ':U - [0:0]',
    '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A FORWARD -j U',
    '-A FORWARD -p udp -m udp --dport 53 -j DROP',
    '-A FORWARD -j REJECT',
    '-A U -s 10.0.0.0/8 -j RETURN',
    '-A U -i br-+ -j RETURN',
    '-A U -p udp -j REJECT',
    'COMMIT', '',
  ].join('\n'));
  const ruleset = { chains: buildIptablesChains(save, 'iptables', 'nf_tables', 'ip') };
  const summary = (f: Flow) => findBlockingCandidates(ruleset, f).map((c) => `${c.chain.name} ${c.rule?.position ?? 'policy'} ${c.match} ${c.shadowed}`);
  assert.deepEqual(summary(flow), ['U 3 matches maybe', 'FORWARD 3 matches no']);
  assert.deepEqual(summary({ ...flow, inInterface: 'br-1' }), ['U 3 matches yes', 'FORWARD 3 matches no']);
  const accepted = parseIptablesSave('*filter\n:FORWARD DROP [0:0]\n-A FORWARD -j ACCEPT\n-A FORWARD -j DROP\nCOMMIT\n');
  assert.deepEqual(findBlockingCandidates({ chains: buildIptablesChains(accepted, 'iptables', null, 'ip') }, flow).map((c) => [c.kind, c.shadowed]), [['rule', 'yes']]);
});
