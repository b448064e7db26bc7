import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseNftRuleset } from '../../../parsers/firewall/index.js';
import { repoPath } from '../../support/repo-root.js';

test('real nft 1.0.6 JSON: inet filter, base and regular chains, rules in order with handles', () => {
  const ruleset = parseNftRuleset(readFileSync(repoPath('fixtures/firewall/c-nft-inet-filter/nft.json'), 'utf8'));
  assert.equal(ruleset.version, '1.0.6');
  assert.deepEqual(ruleset.issues, []);
  const forward = ruleset.tables[0]!.chains.find((c) => c.name === 'forward')!;
  assert.deepEqual([forward.hook, forward.prio, forward.policy, forward.type], ['forward', 0, 'accept', 'filter']);
  assert.deepEqual(forward.rules.map((r) => r.position), [1, 2, 3, 4, 5]);
  assert.deepEqual(forward.rules[2]!.expressions, [
    { kind: 'match', op: '==', left: { kind: 'payload', protocol: 'udp', field: 'dport' }, right: { kind: 'literal', value: 53 } },
    { kind: 'match', op: '==', left: { kind: 'payload', protocol: 'ip', field: 'saddr' }, right: { kind: 'prefix', addr: '172.16.0.0', len: 12 } },
    { kind: 'counter', counters: { packets: 2, bytes: 114 } },
    { kind: 'reject', type: 'icmp', expr: 'port-unreachable' },
  ]);
  const bridges = ruleset.tables[0]!.chains.find((c) => c.name === 'from_bridges')!;
  assert.deepEqual(bridges.rules[0]!.expressions[0], { kind: 'match', op: '==', left: { kind: 'payload', protocol: 'ip', field: 'daddr' }, right: { kind: 'named-set', name: 'dns_servers' } });
  assert.deepEqual(bridges.rules[1]!.expressions[1]!, { kind: 'match', op: '==', left: { kind: 'payload', protocol: 'udp', field: 'dport' }, right: { kind: 'range', from: { kind: 'literal', value: 50 }, to: { kind: 'literal', value: 60 } } });
});

test('real iptables-nft JSON: xt compat expressions are kept', () => {
  const ruleset = parseNftRuleset(readFileSync(repoPath('fixtures/firewall/a1-lab-subnet-reject/nft.json'), 'utf8'));
  const forward = ruleset.tables.find((t) => t.name === 'filter')!.chains.find((c) => c.name === 'FORWARD')!;
  assert.deepEqual(forward.rules[0]!.expressions.at(-1), { kind: 'xt', type: 'target', name: 'REJECT' });
  assert.deepEqual(forward.rules[1]!.expressions, [{ kind: 'counter', counters: { packets: 0, bytes: 0 } }, { kind: 'jump', target: 'DOCKER-USER' }]);
});

test('unknown expressions stay opaque; broken objects and JSON are issues', () => {
  const ruleset = parseNftRuleset(JSON.stringify({ nftables: [
    { table: { family: 'inet', name: 't' } },
    { chain: { family: 'inet', table: 't', name: 'c' } },
    { rule: { family: 'inet', table: 't', chain: 'c', handle: 3, expr: [{ limit: { rate: 5 } }, { reject: null }, { mangle: {} }] } },
    { rule: { family: 'inet', table: 't', chain: 'gone', expr: [] } },
    { chain: { family: 'inet' } },
  ] }));
  assert.deepEqual(ruleset.tables[0]!.chains[0]!.rules[0]!.expressions, [
    { kind: 'opaque', key: 'limit', json: { limit: { rate: 5 } } },
    { kind: 'reject', type: null, expr: null },
    { kind: 'opaque', key: 'mangle', json: { mangle: {} } },
  ]);
  assert.deepEqual(ruleset.issues.map((i) => [i.code, i.path]), [['unknown-chain', 'nftables[3].rule'], ['bad-object', 'nftables[4].chain']]);
  assert.deepEqual(parseNftRuleset('{"nftables": [').issues.map((i) => [i.code, i.line, i.column]), [['bad-json', 1, 15]]);
  assert.deepEqual(parseNftRuleset('{"x": 1}').issues.map((i) => i.code), ['bad-json']);
});
