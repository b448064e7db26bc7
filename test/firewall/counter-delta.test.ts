import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildFirewallSnapshot, compareCandidateCounters, findBlockingCandidates, formatCandidateLine, type Flow } from '../../src/firewall/index.js';
import { repoPath } from '../support/repo-root.js';

const flow: Flow = { family: 4, proto: 'udp', source: '172.18.0.2', destination: '10.77.0.2', destinationPort: 53, path: 'forward', inInterface: 'br-4f3c2a1b9d0e', outInterface: 'eth1' };
const dir = repoPath('fixtures/firewall/a1-lab-subnet-reject');
const real = readFileSync(`${dir}/iptables-save.txt`, 'utf8');
const snapshot = (iptablesSave: string) => buildFirewallSnapshot({ iptablesVersion: 'iptables v1.8.9 (nf_tables)', iptablesSave, ip6tablesSave: null, iptablesLegacySave: null, nftJson: null });

test('a rule inserted above between the snapshots: the candidate is still found by its text', () => {
  const before = real.replace('[6:342] -A FORWARD -s 172.18.0.0/16', '[1:57] -A FORWARD -s 172.18.0.0/16');
  const after = real.replace('[6:342] -A FORWARD -s', '[0:0] -A FORWARD -p tcp -j DROP\n[6:342] -A FORWARD -s');
  const [entry] = compareCandidateCounters(snapshot(before).ruleset, findBlockingCandidates(snapshot(after).ruleset, flow));
  assert.equal(entry!.candidate.rule!.position, 2);
  assert.deepEqual([entry!.matchedBy, entry!.delta], ['text', { packets: 5, bytes: 285 }]);
  assert.match(formatCandidateLine(entry!), /^filter FORWARD #2 {2}-A FORWARD -s 172\.18\.0\.0\/16 .* \(iptables-nft\) {2}packets 1 → 6$/);
});

test('a rule edited in place falls back to its position; a new rule is flagged, not given a neighbour\'s counters', () => {
  const edited = real.replace('--reject-with icmp-port-unreachable', '--reject-with icmp-host-prohibited');
  const [byPosition] = compareCandidateCounters(snapshot(real).ruleset, findBlockingCandidates(snapshot(edited).ruleset, flow));
  assert.equal(byPosition!.matchedBy, 'position');
  const withoutRule = real.replace(/^\[6:342\] -A FORWARD -s .*\n/m, '');
  const [fresh] = compareCandidateCounters(snapshot(withoutRule).ruleset, findBlockingCandidates(snapshot(real).ruleset, flow));
  assert.deepEqual([fresh!.matchedBy, fresh!.before, fresh!.delta], ['none', null, null]);
  assert.match(formatCandidateLine(fresh!), /packets \? → 6 \(not in the first snapshot\)$/);
});

test('dedup: with iptables-nft the nft view of its tables is left out; with a legacy iptables nft is kept whole', () => {
  const nftJson = readFileSync(`${dir}/nft.json`, 'utf8');
  const nft = buildFirewallSnapshot({ iptablesVersion: 'iptables v1.8.9 (nf_tables)', iptablesSave: real, ip6tablesSave: null, iptablesLegacySave: null, nftJson });
  assert.deepEqual(nft.duplicateNftTables, ['ip filter', 'ip nat']);
  assert.ok(nft.ruleset.chains.every((c) => c.source === 'iptables'));
  const unreadable = buildFirewallSnapshot({ iptablesVersion: 'iptables v1.8.9 (nf_tables)', iptablesSave: null, ip6tablesSave: null, iptablesLegacySave: null, nftJson });
  assert.ok(unreadable.ruleset.chains.some((c) => c.source === 'nft' && c.table === 'filter'), 'without iptables-save, nft is the only view left');
});
