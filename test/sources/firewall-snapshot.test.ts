import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readFirewall, type CommandOutcome, type CommandRunner } from '../../src/sources/firewall-snapshot.js';
import { repoPath } from '../support/repo-root.js';

const dir = repoPath('fixtures/firewall/d-legacy');
const ok = (stdout: string): CommandOutcome => ({ exitCode: 0, stdout, stderr: '', errorCode: null });

/** A fake runner answering from the d-legacy captures, recording what it was asked. */
function fake(answers: Record<string, CommandOutcome>): { run: CommandRunner; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    run: async (file, args) => {
      calls.push([file, ...args].join(' '));
      const tool = file === 'nsenter' ? args[1]! : file;
      return answers[tool] ?? { exitCode: null, stdout: '', stderr: '', errorCode: 'ENOENT' };
    },
  };
}

test('readFirewall under nsenter: every tool, legacy beside nf_tables, both kinds of rules kept', async () => {
  const { run, calls } = fake({
    iptables: ok(readFileSync(`${dir}/iptables-version.txt`, 'utf8')),
    'iptables-save': ok(readFileSync(`${dir}/iptables-save.txt`, 'utf8')),
    'ip6tables-save': ok(''),
    'iptables-legacy-save': ok(readFileSync(`${dir}/iptables-legacy-save.txt`, 'utf8')),
    nft: ok(readFileSync(`${dir}/nft.json`, 'utf8')),
  });
  const reading = await readFirewall('/var/run/netns/x', { run });
  assert.deepEqual(calls, [
    'nsenter --net=/var/run/netns/x iptables -V', 'nsenter --net=/var/run/netns/x iptables-save -c', 'nsenter --net=/var/run/netns/x ip6tables-save -c',
    'nsenter --net=/var/run/netns/x iptables-legacy-save -c', 'nsenter --net=/var/run/netns/x nft -j list ruleset',
  ]);
  assert.deepEqual(reading.notes, []);
  assert.deepEqual([...new Set(reading.snapshot.ruleset.chains.map((c) => `${c.source} ${c.family} ${c.table}`))], ['iptables-legacy ip filter', 'nft inet ns53fw']);
});

test('readFirewall: missing tools and refusals are notes, never throws', async () => {
  const refused: CommandOutcome = { exitCode: 4, stdout: '', stderr: 'iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n', errorCode: null };
  const { run, calls } = fake({ iptables: ok('iptables v1.8.9 (legacy)\n'), 'iptables-save': refused, 'ip6tables-save': refused });
  const reading = await readFirewall(null, { run });
  assert.ok(!calls.some((c) => c.startsWith('iptables-legacy-save')), 'a legacy iptables-save already is the legacy view');
  assert.deepEqual(reading.notes, [
    'iptables-save was refused (iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)): run ns53 diagnose as root (sudo) to read the firewall',
    'ip6tables-save was refused (iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)): run ns53 diagnose as root (sudo) to read the firewall',
    'nft is not installed (or not on PATH): install nftables to read these rules',
  ]);
  assert.deepEqual(reading.snapshot.ruleset.chains, []);
});

test('readFirewall: a namespace that cannot be entered is said once per tool, not mistaken for a missing tool', async () => {
  const gone: CommandOutcome = { exitCode: 1, stdout: '', stderr: 'nsenter: cannot open /var/run/netns/gone: No such file or directory\n', errorCode: null };
  const reading = await readFirewall('/var/run/netns/gone', { run: async () => gone });
  assert.match(reading.notes[0]!, /^cannot enter the network namespace \/var\/run\/netns\/gone to run iptables \(nsenter: cannot open/);
});
