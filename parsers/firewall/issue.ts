/**
 * A firewall line or object the parsers could not read. A value, never an exception: a ruleset with one odd line
 * still yields every other rule, and `ns53 diagnose` shows the issue next to them.
 */
export interface FirewallParseIssue {
  /** Stable identifier, e.g. `unknown-line`; tests assert on it. */
  code: FirewallIssueCode;
  message: string;
  /** 1-based line of the input (for nft JSON, 1: the document is one value; `path` says where). */
  line: number;
  /** 1-based column in that line where reading stopped. */
  column: number;
  /** At most 80 characters around the column. */
  excerpt: string;
  /** nft JSON only: where in the document, e.g. `nftables[12].rule.expr[2]`. */
  path?: string;
}

export type FirewallIssueCode =
  // iptables-save text
  | 'unknown-line'
  | 'outside-table'
  | 'bad-counters'
  | 'bad-chain'
  | 'undeclared-chain'
  | 'unterminated-quote'
  | 'missing-value'
  | 'unknown-option'
  | 'missing-commit'
  // nft -j list ruleset
  | 'bad-json'
  | 'bad-object'
  | 'unknown-chain';

const EXCERPT_RADIUS = 40;

/** An issue at `index` (0-based) of line `line`, its excerpt clipped so a huge line never floods a report. */
export function buildFirewallIssue(code: FirewallIssueCode, message: string, line: number, text: string, index: number): FirewallParseIssue {
  const at = Math.max(0, Math.min(index, text.length));
  const from = Math.max(0, at - EXCERPT_RADIUS);
  const to = Math.min(text.length, at + EXCERPT_RADIUS);
  return { code, message, line, column: at + 1, excerpt: (from > 0 ? '…' : '') + text.slice(from, to) + (to < text.length ? '…' : '') };
}
