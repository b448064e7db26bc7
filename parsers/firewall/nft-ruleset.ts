import type { Counters } from './iptables-save.js';
import { buildFirewallIssue, type FirewallParseIssue } from './issue.js';
import {
  NftChainSchema, NftCounterSchema, NftCtSchema, NftDocumentSchema, NftJumpSchema, NftMatchSchema, NftMetainfoSchema, NftMetaSchema,
  NftPayloadSchema, NftPrefixSchema, NftRangeSchema, NftRejectSchema, NftRuleSchema, NftSetValueSchema, NftTableSchema, NftXtSchema,
} from './nft-schema.js';

/*
 * `nft -j list ruleset` read into tables → chains → rules in order. Expressions ns53 reasons about are typed
 * (matches on payload, meta, ct; verdicts; counters; iptables-nft's xt); any other expression stays opaque with its
 * JSON, so a rule ns53 cannot fully evaluate is still listed and called "may match".
 */

export type NftValue =
  | { kind: 'literal'; value: string | number }
  /** `@dns_servers`: a named set, whose elements ns53 does not look up. */
  | { kind: 'named-set'; name: string }
  | { kind: 'prefix'; addr: string; len: number }
  | { kind: 'range'; from: NftValue; to: NftValue }
  /** An anonymous set `{ a, b }`, or a plain JSON list (`ct state established,related`). */
  | { kind: 'set'; values: NftValue[]; braces: boolean }
  | { kind: 'opaque'; json: unknown };

export type NftOperand =
  | { kind: 'payload'; protocol: string; field: string }
  | { kind: 'meta'; key: string }
  | { kind: 'ct'; key: string }
  | { kind: 'opaque'; json: unknown };

export type NftExpression =
  | { kind: 'match'; op: string; left: NftOperand; right: NftValue }
  | { kind: 'counter'; counters: Counters }
  | { kind: 'verdict'; verdict: 'accept' | 'drop' | 'return' | 'continue' }
  | { kind: 'jump' | 'goto'; target: string }
  | { kind: 'reject'; type: string | null; expr: string | null }
  | { kind: 'xt'; type: string; name: string }
  | { kind: 'opaque'; key: string; json: unknown };

export interface NftRule {
  /** 1-based position in its chain, in the order nft lists it. */
  position: number;
  handle: number | null;
  comment: string | null;
  expressions: NftExpression[];
}

export interface NftChain {
  family: string;
  table: string;
  name: string;
  handle: number | null;
  /** Base chains only: `filter`, `forward`, 0, `drop`. */
  type: string | null;
  hook: string | null;
  prio: number | string | null;
  policy: string | null;
  rules: NftRule[];
}

export interface NftTable {
  family: string;
  name: string;
  chains: NftChain[];
}

export interface NftRuleset {
  /** nft's version from metainfo, e.g. `1.0.6`. */
  version: string | null;
  tables: NftTable[];
  issues: FirewallParseIssue[];
}

const VERDICTS = new Set(['accept', 'drop', 'return', 'continue']);

/** Reads nft's JSON; a broken document or object is an issue (with its JSON path), never an exception. */
export function parseNftRuleset(json: string): NftRuleset {
  const ruleset: NftRuleset = { version: null, tables: [], issues: [] };
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (error) {
    const at = /position (\d+)/.exec(String(error))?.[1];
    ruleset.issues.push(jsonIssue('bad-json', `not JSON: ${(error as Error).message}`, json, at === undefined ? json.length : Number(at)));
    return ruleset;
  }
  const parsed = NftDocumentSchema.safeParse(document);
  if (!parsed.success) {
    ruleset.issues.push({ ...jsonIssue('bad-json', 'expected {"nftables": [ … ]}', json, 0), path: '' });
    return ruleset;
  }
  parsed.data.nftables.forEach((object, index) => {
    const [key, body] = Object.entries(object)[0] ?? ['', undefined];
    const path = `nftables[${index}].${key}`;
    const bad = (message: string): void => {
      ruleset.issues.push({ ...jsonIssue('bad-object', message, JSON.stringify(object), 0), path });
    };
    if (key === 'metainfo') {
      const info = NftMetainfoSchema.safeParse(body);
      if (info.success) ruleset.version = info.data.version ?? null;
    } else if (key === 'table') {
      const table = NftTableSchema.safeParse(body);
      if (!table.success) bad(`table: ${table.error.issues[0]?.message ?? 'unreadable'}`);
      else tableOf(ruleset, table.data.family, table.data.name);
    } else if (key === 'chain') {
      const chain = NftChainSchema.safeParse(body);
      if (!chain.success) return bad(`chain: ${chain.error.issues[0]?.message ?? 'unreadable'}`);
      const c = chain.data;
      tableOf(ruleset, c.family, c.table).chains.push({
        family: c.family, table: c.table, name: c.name, handle: c.handle ?? null,
        type: c.type ?? null, hook: c.hook ?? null, prio: c.prio ?? null, policy: c.policy ?? null, rules: [],
      });
    } else if (key === 'rule') {
      const rule = NftRuleSchema.safeParse(body);
      if (!rule.success) return bad(`rule: ${rule.error.issues[0]?.message ?? 'unreadable'}`);
      const r = rule.data;
      const chain = tableOf(ruleset, r.family, r.table).chains.find((c) => c.name === r.chain);
      if (chain === undefined) {
        ruleset.issues.push({ ...jsonIssue('unknown-chain', `rule of chain ${r.chain}, which the ruleset does not list`, JSON.stringify(object), 0), path });
        return;
      }
      chain.rules.push({ position: chain.rules.length + 1, handle: r.handle ?? null, comment: r.comment ?? null, expressions: (r.expr ?? []).map(readExpression) });
    }
    // Sets, maps, flowtables, counters, quotas…: not read; rules that use them are "may match".
  });
  return ruleset;
}

function tableOf(ruleset: NftRuleset, family: string, name: string): NftTable {
  let table = ruleset.tables.find((t) => t.family === family && t.name === name);
  if (table === undefined) {
    table = { family, name, chains: [] };
    ruleset.tables.push(table);
  }
  return table;
}

/** One expression object: its single key names its kind. */
function readExpression(object: Record<string, unknown>): NftExpression {
  const [key, body] = Object.entries(object)[0] ?? ['', undefined];
  const opaque: NftExpression = { kind: 'opaque', key, json: object };
  if (VERDICTS.has(key)) return { kind: 'verdict', verdict: key as 'accept' | 'drop' | 'return' | 'continue' };
  switch (key) {
    case 'match': {
      const match = NftMatchSchema.safeParse(body);
      return match.success ? { kind: 'match', op: match.data.op, left: readOperand(match.data.left), right: readValue(match.data.right) } : opaque;
    }
    case 'counter': {
      const counter = NftCounterSchema.safeParse(body);
      return counter.success ? { kind: 'counter', counters: counter.data } : opaque;
    }
    case 'jump':
    case 'goto': {
      const jump = NftJumpSchema.safeParse(body);
      return jump.success ? { kind: key, target: jump.data.target } : opaque;
    }
    case 'reject': {
      const reject = NftRejectSchema.safeParse(body ?? null);
      return reject.success ? { kind: 'reject', type: reject.data?.type ?? null, expr: reject.data?.expr ?? null } : opaque;
    }
    case 'xt': {
      const xt = NftXtSchema.safeParse(body);
      return xt.success ? { kind: 'xt', type: xt.data.type, name: xt.data.name } : opaque;
    }
    default:
      return opaque;
  }
}

function readOperand(json: unknown): NftOperand {
  const payload = NftPayloadSchema.safeParse(json);
  if (payload.success) return { kind: 'payload', ...payload.data.payload };
  const meta = NftMetaSchema.safeParse(json);
  if (meta.success) return { kind: 'meta', key: meta.data.meta.key };
  const ct = NftCtSchema.safeParse(json);
  if (ct.success && (ct.data.ct.dir ?? null) === null) return { kind: 'ct', key: ct.data.ct.key };
  return { kind: 'opaque', json };
}

function readValue(json: unknown): NftValue {
  if (typeof json === 'string') return json.startsWith('@') ? { kind: 'named-set', name: json.slice(1) } : { kind: 'literal', value: json };
  if (typeof json === 'number') return { kind: 'literal', value: json };
  if (Array.isArray(json)) return { kind: 'set', values: json.map(readValue), braces: false };
  const prefix = NftPrefixSchema.safeParse(json);
  if (prefix.success) return { kind: 'prefix', ...prefix.data.prefix };
  const range = NftRangeSchema.safeParse(json);
  if (range.success) return { kind: 'range', from: readValue(range.data.range[0]), to: readValue(range.data.range[1]) };
  const set = NftSetValueSchema.safeParse(json);
  if (set.success) return { kind: 'set', values: set.data.set.map(readValue), braces: true };
  return { kind: 'opaque', json };
}

/** A JSON issue: line and column of `index` in the text (nft prints one line, so mostly line 1). */
function jsonIssue(code: 'bad-json' | 'bad-object' | 'unknown-chain', message: string, text: string, index: number): FirewallParseIssue {
  const before = text.slice(0, index).split('\n');
  const lineText = text.split('\n')[before.length - 1] ?? '';
  return buildFirewallIssue(code, message, before.length, lineText, before[before.length - 1]!.length);
}
