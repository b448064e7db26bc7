import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseIptablesSave, parsePortList, type IptablesMatch } from '../../../parsers/firewall/index.js';
import { repoPath } from '../../support/repo-root.js';

/** The matches of a single rule line inside a minimal table. */
function matchesOf(rule: string): { matches: IptablesMatch[]; target: string | null; issues: string[] } {
  const save = parseIptablesSave(`*filter\n:FORWARD ACCEPT [0:0]\n:X - [0:0]\n[1:2] -A FORWARD ${rule}\nCOMMIT\n`);
  const parsed = save.tables[0]!.chains[0]!.rules[0]!;
  return { matches: parsed.matches, target: parsed.target, issues: save.issues.map((i) => `${i.code}@${i.line}:${i.column}`) };
}

const ruleCases: Array<[string, IptablesMatch[]]> = [
  ['-s 172.18.0.0/16 -p udp -m udp --dport 53 -j REJECT --reject-with icmp-port-unreachable', [
    { kind: 'address', field: 'source', negated: false, value: '172.18.0.0/16' },
    { kind: 'protocol', negated: false, value: 'udp' },
    { kind: 'port', field: 'destination', negated: false, protocol: 'udp', ranges: [{ from: 53, to: 53 }], value: '53' },
  ]],
  ['! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER', [
    { kind: 'address', field: 'destination', negated: true, value: '127.0.0.0/8' },
    { kind: 'other', text: '-m addrtype --dst-type LOCAL' },
  ]],
  ['-i br-+ ! -o docker0 -j ACCEPT', [
    { kind: 'interface', direction: 'in', negated: false, value: 'br-+' },
    { kind: 'interface', direction: 'out', negated: true, value: 'docker0' },
  ]],
  ['-p udp -m multiport --dports 53,5353,6000:6010 -j ACCEPT', [
    { kind: 'protocol', negated: false, value: 'udp' },
    { kind: 'port', field: 'destination', negated: false, protocol: null, ranges: [{ from: 53, to: 53 }, { from: 5353, to: 5353 }, { from: 6000, to: 6010 }], value: '53,5353,6000:6010' },
  ]],
  ['-m conntrack ! --ctstate NEW,RELATED -j DROP', [{ kind: 'ct-state', negated: true, states: ['NEW', 'RELATED'] }]],
  ['-m state --state ESTABLISHED -j ACCEPT', [{ kind: 'ct-state', negated: false, states: ['ESTABLISHED'] }]],
  // Old-style negation after the option.
  ['-p tcp -m tcp --dport ! 22 -j DROP', [
    { kind: 'protocol', negated: false, value: 'tcp' },
    { kind: 'port', field: 'destination', negated: true, protocol: 'tcp', ranges: [{ from: 22, to: 22 }], value: '22' },
  ]],
  ['-p tcp -m tcp --tcp-flags SYN,RST SYN --dport 53 -j DROP', [
    { kind: 'protocol', negated: false, value: 'tcp' },
    { kind: 'port', field: 'destination', negated: false, protocol: 'tcp', ranges: [{ from: 53, to: 53 }], value: '53' },
    { kind: 'other', text: '-m tcp --tcp-flags SYN,RST SYN' },
  ]],
  ['-m mark --mark 0x1/0x1 -m comment --comment "docker: x y" -j DROP', [{ kind: 'other', text: '-m mark --mark 0x1/0x1' }]],
  ['-p udp -m udp --dport domain -j DROP', [
    { kind: 'protocol', negated: false, value: 'udp' },
    { kind: 'port', field: 'destination', negated: false, protocol: 'udp', ranges: null, value: 'domain' },
  ]],
  ['-f -j DROP', [{ kind: 'other', text: '-f' }]],
  ['-j RETURN', []],
];
for (const [rule, matches] of ruleCases) {
  test(`rule ${rule}`, () => {
    const parsed = matchesOf(rule);
    assert.deepEqual(parsed.matches, matches);
    assert.deepEqual(parsed.issues, []);
  });
}

test('target, --reject-with, goto, comment', () => {
  const save = parseIptablesSave('*filter\n:INPUT ACCEPT [0:0]\n:ufw - [0:0]\n-A INPUT -m comment --comment "a \\"b\\"" -g ufw\n[0:0] -A INPUT -j REJECT --reject-with icmp-host-prohibited\nCOMMIT\n');
  const [goto, reject] = save.tables[0]!.chains[0]!.rules;
  assert.deepEqual([goto!.target, goto!.goto, goto!.comment, goto!.counters], ['ufw', true, 'a "b"', null]);
  assert.deepEqual([reject!.target, reject!.rejectWith, reject!.targetOptions, reject!.position], ['REJECT', 'icmp-host-prohibited', '--reject-with icmp-host-prohibited', 2]);
  assert.equal(reject!.text, '-A INPUT -j REJECT --reject-with icmp-host-prohibited');
});

test('parsePortList', () => {
  assert.deepEqual(parsePortList(':1023'), [{ from: 0, to: 1023 }]);
  assert.deepEqual(parsePortList('1024:'), [{ from: 1024, to: 65535 }]);
  assert.deepEqual(parsePortList('60:50'), [{ from: 50, to: 60 }]);
  assert.equal(parsePortList('70000'), null);
  assert.equal(parsePortList('53,dns'), null);
});

const issueCases: Array<[string, string[]]> = [
  ['-A FORWARD -j DROP\n', ['outside-table@1:1']],
  ['*filter\n:FORWARD ACCEPT [0:0]\nhello\nCOMMIT\n', ['unknown-line@3:1']],
  ['*filter\n:FORWARD ACCEPT [x:0]\nCOMMIT\n', ['bad-counters@2:17']],
  ['*filter\n:FORWARD\nCOMMIT\n', ['bad-chain@2:1']],
  ['*filter\n[1:2 -A FORWARD -j DROP\nCOMMIT\n', ['bad-counters@2:1']],
  ['*filter\n-A NOPE -j DROP\nCOMMIT\n', ['undeclared-chain@2:4']],
  ['*filter\n:F - [0:0]\n-A F -m comment --comment "open\nCOMMIT\n', ['unterminated-quote@3:27']],
  ['*filter\n:F - [0:0]\n-A F -s\nCOMMIT\n', ['missing-value@3:8']],
  ['*filter\n:F - [0:0]\n-A F -p udp -m udp --dport -j DROP\nCOMMIT\n', ['missing-value@3:27']],
  ['*filter\n:F - [0:0]\n*nat\nCOMMIT\n', ['missing-commit@3:1']],
  ['*filter\n:F - [0:0]\n', ['missing-commit@1:1']],
];
for (const [text, issues] of issueCases) {
  test(`issues ${JSON.stringify(text)}`, () => {
    assert.deepEqual(parseIptablesSave(text).issues.map((i) => `${i.code}@${i.line}:${i.column}`), issues);
  });
}

test('real iptables-legacy warning from iptables-nft save, generator per backend', () => {
  const nft = parseIptablesSave(readFileSync(repoPath('fixtures/firewall/d-legacy/iptables-save.txt'), 'utf8'));
  assert.deepEqual(nft.warnings, ['Warning: iptables-legacy tables present, use iptables-legacy-save to see them']);
  assert.deepEqual(nft.tables, []);
  const legacy = parseIptablesSave(readFileSync(repoPath('fixtures/firewall/d-legacy/iptables-legacy-save.txt'), 'utf8'));
  assert.equal(legacy.generatedBy, 'iptables-save v1.8.9');
  assert.equal(legacy.issues.length, 0);
  const forward = legacy.tables.find((t) => t.name === 'filter')!.chains.find((c) => c.name === 'FORWARD')!;
  assert.deepEqual([forward.policy, forward.rules.length, forward.rules[0]!.counters], ['DROP', 11, { packets: 2, bytes: 114 }]);
});
