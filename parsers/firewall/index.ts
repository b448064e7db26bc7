export { buildFirewallIssue, type FirewallIssueCode, type FirewallParseIssue } from './issue.js';
export { splitShellWords, type ShellWord, type ShellWordsResult } from './shell-words.js';
export { parseIptablesRuleArgs, parsePortList, type IptablesMatch, type IptablesRuleArgs, type PortRange } from './iptables-rule.js';
export { parseIptablesSave, type Counters, type IptablesChain, type IptablesRule, type IptablesSave, type IptablesTable } from './iptables-save.js';
export { parseNftRuleset, type NftChain, type NftExpression, type NftOperand, type NftRule, type NftRuleset, type NftTable, type NftValue } from './nft-ruleset.js';
