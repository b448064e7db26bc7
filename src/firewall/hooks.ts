/*
 * Where a flow meets the firewall: the netfilter hooks of each path, and the hook and priority of iptables'
 * built-in chains (nft base chains state theirs). Priorities are the kernel's NF_IP_PRI_* values, which nft's
 * named priorities (raw, mangle, dstnat, filter, security, srcnat) stand for.
 */

export type FlowPath = 'forward' | 'output' | 'input';

/** Hooks in the order a packet meets them. */
export const PATH_HOOKS: Record<FlowPath, string[]> = {
  forward: ['prerouting', 'forward', 'postrouting'],
  input: ['prerouting', 'input'],
  output: ['output', 'postrouting'],
};

const TABLE_HOOKS: Record<string, string[]> = {
  raw: ['prerouting', 'output'],
  mangle: ['prerouting', 'input', 'forward', 'output', 'postrouting'],
  nat: ['prerouting', 'input', 'output', 'postrouting'],
  filter: ['input', 'forward', 'output'],
  security: ['input', 'forward', 'output'],
};

export const NAMED_PRIORITIES: Record<string, number> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };

/** The hook and priority of an iptables built-in chain, or null for a user chain. */
export function iptablesChainHook(table: string, chain: string): { hook: string; priority: number } | null {
  const hook = chain.toLowerCase();
  if (chain !== chain.toUpperCase() || !(TABLE_HOOKS[table]?.includes(hook) ?? false)) return null;
  const priority = table === 'nat' ? (hook === 'prerouting' || hook === 'output' ? -100 : 100) : NAMED_PRIORITIES[table]!;
  return { hook, priority };
}
