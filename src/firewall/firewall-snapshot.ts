import { parseIptablesSave, parseNftRuleset, type FirewallParseIssue, type IptablesSave } from '../../parsers/firewall/index.js';
import type { FirewallChain, FirewallRuleset, IptablesBackend } from './firewall-rule.js';
import { buildIptablesChains } from './from-iptables.js';
import { buildNftChains } from './from-nft.js';

/*
 * One namespace's firewall from every tool's output, each rule reported once. With iptables-nft, `nft list
 * ruleset` shows iptables' own tables too (as `table ip filter`, with xt compat expressions): those are reported
 * from iptables-save, in the user's vocabulary, and left out of the nft side. Native nft tables (`inet filter`,
 * `inet firewalld`) come from nft. iptables-legacy rules are not in nft at all, so they are reported as well.
 */

/** The raw outputs, null where the tool was missing, failed or printed nothing. */
export interface FirewallCaptures {
  /** `iptables v1.8.9 (nf_tables)` from `iptables -V`. */
  iptablesVersion: string | null;
  iptablesSave: string | null;
  ip6tablesSave: string | null;
  /** Only read when `iptables` is the nf_tables one; with a legacy `iptables`, iptables-save is already legacy. */
  iptablesLegacySave: string | null;
  nftJson: string | null;
}

export type FirewallInput = 'iptables-save' | 'ip6tables-save' | 'iptables-legacy-save' | 'nft';

export interface FirewallIssue extends FirewallParseIssue {
  input: FirewallInput;
}

export interface FirewallSnapshot {
  ruleset: FirewallRuleset;
  /** The backend `iptables` uses, from `iptables -V` or else the save header; null when neither says. */
  iptablesBackend: IptablesBackend | null;
  /** nft tables left out because iptables-save reported them: `ip filter`, `ip6 nat`… */
  duplicateNftTables: string[];
  /** The save outputs' `# Warning:` lines. */
  warnings: string[];
  issues: FirewallIssue[];
}

/** Parses every capture and keeps each rule once (see the file comment for which tool wins). */
export function buildFirewallSnapshot(captures: FirewallCaptures): FirewallSnapshot {
  const issues: FirewallIssue[] = [];
  const read = (input: FirewallInput, text: string | null): IptablesSave | null => {
    if (text === null) return null;
    const save = parseIptablesSave(text);
    issues.push(...save.issues.map((issue) => ({ ...issue, input })));
    return save;
  };
  const v4 = read('iptables-save', captures.iptablesSave);
  const v6 = read('ip6tables-save', captures.ip6tablesSave);
  const backend = backendOf(captures.iptablesVersion, v4?.generatedBy ?? v6?.generatedBy ?? null);
  const legacy = backend === 'legacy' ? null : read('iptables-legacy-save', captures.iptablesLegacySave);
  const chains: FirewallChain[] = [
    ...(v4 === null ? [] : buildIptablesChains(v4, 'iptables', backend, 'ip')),
    ...(v6 === null ? [] : buildIptablesChains(v6, 'ip6tables', backend, 'ip6')),
    ...(legacy === null ? [] : buildIptablesChains(legacy, 'iptables-legacy', 'legacy', 'ip')),
  ];
  const duplicateNftTables: string[] = [];
  if (captures.nftJson !== null) {
    const nft = parseNftRuleset(captures.nftJson);
    issues.push(...nft.issues.map((issue) => ({ ...issue, input: 'nft' as const })));
    const fromIptables = (family: string, name: string): boolean =>
      backend === 'nf_tables' && ((family === 'ip' && hasTable(v4, name)) || (family === 'ip6' && hasTable(v6, name)));
    for (const table of nft.tables) if (fromIptables(table.family, table.name)) duplicateNftTables.push(`${table.family} ${table.name}`);
    chains.push(...buildNftChains(nft).filter((c) => !fromIptables(c.family, c.table)));
  }
  const warnings = [v4, v6, legacy].flatMap((save) => save?.warnings ?? []);
  return { ruleset: { chains }, iptablesBackend: backend, duplicateNftTables, warnings: [...new Set(warnings)], issues };
}

/** `(nf_tables)` or `(legacy)` in `iptables -V`; iptables before 1.8 says neither and is legacy. */
export function backendOf(version: string | null, generatedBy: string | null): IptablesBackend | null {
  for (const text of [version, generatedBy]) {
    if (text === null) continue;
    if (text.includes('(nf_tables)')) return 'nf_tables';
    if (text.includes('(legacy)') || /v1\.[0-7]\./.test(text)) return 'legacy';
  }
  return generatedBy === null ? null : 'legacy';
}

function hasTable(save: IptablesSave | null, name: string): boolean {
  return save?.tables.some((t) => t.name === name) ?? false;
}
