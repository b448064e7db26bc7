import type { NftExpression, NftOperand, NftValue } from '../../parsers/firewall/index.js';

/*
 * An nft rule written back the way `nft list ruleset` prints it, so users recognise their own rule. Counters are
 * written bare (`counter`): the text identifies a rule across two snapshots, and counter values would change it.
 * Expressions ns53 does not model are written as their JSON, which is at least unambiguous.
 */

const META_KEYWORDS = new Set(['iifname', 'oifname', 'iif', 'oif', 'mark', 'skuid', 'skgid']);

/** One nft rule in `nft list` syntax, `counter` without its numbers. */
export function formatNftRule(expressions: NftExpression[]): string {
  return expressions.map(formatNftExpression).join(' ');
}

function formatNftExpression(e: NftExpression): string {
  switch (e.kind) {
    case 'match': {
      const op = e.op === '==' || e.op === 'in' ? '' : `${e.op} `;
      return `${formatOperand(e.left)} ${op}${formatValue(e.right, e.left)}`;
    }
    case 'counter':
      return 'counter';
    case 'verdict':
      return e.verdict;
    case 'jump':
    case 'goto':
      return `${e.kind} ${e.target}`;
    case 'reject':
      return e.type === null ? 'reject' : `reject with ${e.type}${e.expr === null ? '' : ` ${e.expr}`}`;
    case 'xt':
      return `xt ${e.type} ${e.name}`;
    case 'opaque':
      return JSON.stringify(e.json);
  }
}

function formatOperand(o: NftOperand): string {
  switch (o.kind) {
    case 'payload':
      return `${o.protocol} ${o.field}`;
    case 'meta':
      return META_KEYWORDS.has(o.key) ? o.key : `meta ${o.key}`;
    case 'ct':
      return `ct ${o.key}`;
    case 'opaque':
      return JSON.stringify(o.json);
  }
}

/** Interface names are quoted, as nft prints them; ct states are a comma list. */
function formatValue(v: NftValue, left: NftOperand): string {
  switch (v.kind) {
    case 'literal':
      return left.kind === 'meta' && (left.key === 'iifname' || left.key === 'oifname') ? JSON.stringify(v.value) : String(v.value);
    case 'named-set':
      return `@${v.name}`;
    case 'prefix':
      return `${v.addr}/${v.len}`;
    case 'range':
      return `${formatValue(v.from, left)}-${formatValue(v.to, left)}`;
    case 'set':
      return v.braces ? `{ ${v.values.map((x) => formatValue(x, left)).join(', ')} }` : v.values.map((x) => formatValue(x, left)).join(',');
    case 'opaque':
      return JSON.stringify(v.json);
  }
}
