import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  buildFirewallSnapshot, compareCandidateCounters, findBlockingCandidates, formatCandidateLine, formatFirewallSource, formatRulePlace,
  type FirewallCaptures, type Flow,
} from '../../src/firewall/index.js';
import { firewallCaptures } from '../support/firewall-fixture.js';
import { repoPath } from '../support/repo-root.js';

/**
 * Golden tests: each fixtures/firewall/<case>/ holds real captures (see its NOTES.md) and flow.json; expected.json
 * is every rule read and, per flow, the candidate lines with counters before → after the probe.
 * `UPDATE_GOLDEN=1` rewrites expected.json; a human reviews the diff before committing.
 */
const update = process.env.UPDATE_GOLDEN === '1';
const root = repoPath('fixtures/firewall');

for (const name of readdirSync(root).filter((n) => existsSync(join(root, n, 'flow.json'))).sort()) {
  test(`firewall golden: ${name}`, () => {
    const dir = join(root, name);
    const after = buildFirewallSnapshot(firewallCaptures(dir, ''));
    const before = buildFirewallSnapshot(firewallCaptures(dir, '.before'));
    const flows = JSON.parse(readFileSync(join(dir, 'flow.json'), 'utf8')) as Flow[];
    const actual = {
      iptablesBackend: after.iptablesBackend,
      duplicateNftTables: after.duplicateNftTables,
      warnings: after.warnings,
      issues: [...before.issues, ...after.issues],
      rules: after.ruleset.chains.flatMap((chain) => [
        ...(chain.policy === null ? [] : [`${formatFirewallSource(chain)}  ${formatRulePlace(chain, null)} (hook ${chain.hook}, priority ${chain.priority})`]),
        ...chain.rules.map((rule) => `${formatFirewallSource(chain)}  ${formatRulePlace(chain, rule)}  ${rule.verdict}${rule.target === null ? '' : ` ${rule.target}`}  ${rule.text}`),
      ]),
      flows: flows.map((flow) => ({
        flow,
        candidates: compareCandidateCounters(before.ruleset, findBlockingCandidates(after.ruleset, flow)).map(formatCandidateLine),
      })),
    };
    const text = `${JSON.stringify(actual, null, 2)}\n`;
    const expectedPath = join(dir, 'expected.json');
    if (update || !existsSync(expectedPath)) {
      assert.ok(update, `${expectedPath} is missing: run UPDATE_GOLDEN=1 and review it`);
      writeFileSync(expectedPath, text);
      return;
    }
    assert.deepEqual(JSON.parse(text), JSON.parse(readFileSync(expectedPath, 'utf8')));
  });
}
