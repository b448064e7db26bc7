import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { findBlockingRules, type FirewallBeforeAfter } from '../../src/diagnose/firewall-findings.js';
import type { ProbePath } from '../../src/diagnose/probe-path.js';
import { buildFirewallSnapshot } from '../../src/firewall/index.js';
import { firewallCaptures } from '../support/firewall-fixture.js';
import { repoPath } from '../support/repo-root.js';
import { probeResult } from './diagnose-fixtures.js';

/** The rules diagnose blames, on firewalls captured for real before and after UDP/53 probes (fixtures/firewall). */

function firewallOf(name: string): FirewallBeforeAfter {
  const dir = repoPath(`fixtures/firewall/${name}`);
  return { before: buildFirewallSnapshot(firewallCaptures(dir, '.before')), after: buildFirewallSnapshot(firewallCaptures(dir, '')) };
}

function containerPath(source: string, outcome: 'refused' | 'timeout' | 'answer'): ProbePath {
  const result = probeResult('10.77.0.2:53', outcome, { source: `${source}:40000` });
  return {
    kind: 'container',
    fromWords: `x's namespace (${source})`,
    server: '10.77.0.2:53',
    result,
    flow: { family: 4, proto: 'udp', source, destination: '10.77.0.2', destinationPort: 53, path: 'forward' },
  };
}

describe('findBlockingRules', () => {
  it('blames the lab’s subnet REJECT at FORWARD #1, with the counters that caught the probe', () => {
    const rules = findBlockingRules(firewallOf('a1-lab-subnet-reject'), [containerPath('172.18.0.2', 'refused'), containerPath('172.18.0.3', 'refused')]);
    assert.equal(rules.length, 1, JSON.stringify(rules, null, 1));
    const [rule] = rules;
    assert.equal(rule!.where, 'filter FORWARD #1');
    assert.equal(rule!.origin, 'iptables-nft');
    assert.equal(rule!.verdict, 'reject');
    assert.equal(rule!.strength, 'matches');
    assert.equal(rule!.actionWords, 'rejects UDP port 53 from 172.18.0.0/16');
    assert.deepEqual(rule!.sources, ['172.18.0.0/16']);
    assert.equal(rule!.pathWords, 'forwarded path (FORWARD)');
    assert.ok(rule!.packetsBefore !== null && rule!.packetsAfter! > rule!.packetsBefore, `${rule!.packetsBefore} → ${rule!.packetsAfter}`);
    assert.deepEqual(rule!.flows, ['172.18.0.2 → 10.77.0.2:53/udp', '172.18.0.3 → 10.77.0.2:53/udp'], 'one entry for the rule, every flow it blocks');
  });

  it('blames nothing for a path that resolved', () => {
    assert.deepEqual(findBlockingRules(firewallOf('a1-lab-subnet-reject'), [containerPath('172.18.0.2', 'answer')]), []);
  });

  it('a DROP policy is blamed as the chain’s policy when no ACCEPT surely takes the flow first', () => {
    const rules = findBlockingRules(firewallOf('b-forward-policy-drop'), [containerPath('172.18.0.2', 'timeout')]);
    const policy = rules.find((rule) => rule.position === null);
    assert.ok(policy, JSON.stringify(rules, null, 1));
    assert.equal(policy.where, 'filter FORWARD policy DROP');
    assert.equal(policy.verdict, 'drop');
    assert.match(policy.actionWords, /policy/);
  });
});
