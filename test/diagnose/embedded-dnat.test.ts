import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { findEmbeddedDnat } from '../../src/diagnose/embedded-dnat.js';
import { buildFirewallSnapshot } from '../../src/firewall/index.js';
import { firewallCaptures } from '../support/firewall-fixture.js';
import { repoPath } from '../support/repo-root.js';

/** Docker's DNAT for 127.0.0.11:53 in a container's own namespace, read from real captures (fixtures/firewall/container-nat-*). */
describe('findEmbeddedDnat', () => {
  it('finds the UDP rule of DOCKER_OUTPUT as Docker leaves it', () => {
    const rule = findEmbeddedDnat(buildFirewallSnapshot(firewallCaptures(repoPath('fixtures/firewall/container-nat-docker'), '')).ruleset);
    assert.ok(rule);
    assert.equal(rule.chain, 'DOCKER_OUTPUT');
    assert.match(rule.text, /^-A DOCKER_OUTPUT -d 127\.0\.0\.11\/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127\.0\.0\.11:\d+$/);
  });

  it('finds none once the chain was flushed', () => {
    assert.equal(findEmbeddedDnat(buildFirewallSnapshot(firewallCaptures(repoPath('fixtures/firewall/container-nat-flushed'), '')).ruleset), null);
  });
});
