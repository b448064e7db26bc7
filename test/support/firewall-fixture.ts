import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FirewallCaptures } from '../../src/firewall/index.js';

/** The captures of one fixtures/firewall/<case>/ directory: after the probe (''), or before it ('.before'). */
export function firewallCaptures(dir: string, suffix: '' | '.before'): FirewallCaptures {
  const read = (name: string): string | null => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : null);
  return {
    iptablesVersion: read('iptables-version.txt'),
    iptablesSave: read(`iptables-save${suffix}.txt`),
    ip6tablesSave: read(`ip6tables-save${suffix}.txt`),
    iptablesLegacySave: read(`iptables-legacy-save${suffix}.txt`),
    nftJson: read(`nft${suffix}.json`),
  };
}
