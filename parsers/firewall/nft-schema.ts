import { z } from 'zod';

/*
 * `nft -j list ruleset` (libnftables JSON, schema version 1), only the parts ns53 reads. The document is a list
 * of one-key objects; each is checked on its own (see nft-ruleset.ts), so one object of a kind this schema does not
 * know costs that object, never the ruleset. Recorded outputs of nft 1.0.6 are in fixtures/firewall/.
 */

/** The envelope: `{"nftables": [ {metainfo}, {table}, {chain}, {rule}, {set}, … ]}`. */
export const NftDocumentSchema = z.object({ nftables: z.array(z.record(z.string(), z.unknown())) });

export const NftMetainfoSchema = z.object({ version: z.string().nullish(), json_schema_version: z.number().nullish() });

export const NftTableSchema = z.object({ family: z.string(), name: z.string(), handle: z.number().nullish() });

/** A base chain has `type`, `hook`, `prio` and `policy`; a regular chain only its names and handle. */
export const NftChainSchema = z.object({
  family: z.string(),
  table: z.string(),
  name: z.string(),
  handle: z.number().nullish(),
  type: z.string().nullish(),
  hook: z.string().nullish(),
  prio: z.union([z.number(), z.string()]).nullish(),
  policy: z.string().nullish(),
});

export const NftRuleSchema = z.object({
  family: z.string(),
  table: z.string(),
  chain: z.string(),
  handle: z.number().nullish(),
  comment: z.string().nullish(),
  expr: z.array(z.record(z.string(), z.unknown())).nullish(),
});

/** `{"payload": {"protocol": "udp", "field": "dport"}}`, `{"meta": {"key": "iifname"}}`, `{"ct": {"key": "state"}}`. */
export const NftPayloadSchema = z.object({ payload: z.object({ protocol: z.string(), field: z.string() }) });
export const NftMetaSchema = z.object({ meta: z.object({ key: z.string() }) });
export const NftCtSchema = z.object({ ct: z.object({ key: z.string(), dir: z.string().nullish() }) });

export const NftMatchSchema = z.object({ op: z.string(), left: z.unknown(), right: z.unknown() });
export const NftPrefixSchema = z.object({ prefix: z.object({ addr: z.string(), len: z.number() }) });
export const NftRangeSchema = z.object({ range: z.tuple([z.unknown(), z.unknown()]) });
export const NftSetValueSchema = z.object({ set: z.array(z.unknown()) });

/** Named counters are a string (`"counter": "name"`): kept as opaque, they carry no numbers here. */
export const NftCounterSchema = z.object({ packets: z.number(), bytes: z.number() });
/** `reject` alone is `null`; `reject with icmp port-unreachable` is `{type: "icmp", expr: "port-unreachable"}`. */
export const NftRejectSchema = z.object({ type: z.string().nullish(), expr: z.string().nullish() }).nullable();
export const NftJumpSchema = z.object({ target: z.string() });
/** iptables-nft's compat expressions: `{"xt": {"type": "match", "name": "conntrack"}}`. */
export const NftXtSchema = z.object({ type: z.string(), name: z.string() });

export type NftChainObject = z.infer<typeof NftChainSchema>;
export type NftRuleObject = z.infer<typeof NftRuleSchema>;
