// The one DNS message ns53 writes itself: the question `ns53 diagnose` asks along every path.

import { RR_CLASS, RR_TYPE } from './types.js';

/** A standard recursive query for one name and type, as stub resolvers send it. */
export interface DnsQuerySpec {
  id: number;
  /** A domain name in presentation form, without escapes (`www.example.com`, a trailing dot allowed). */
  name: string;
  /** A type mnemonic from RR_TYPE (`A`, `AAAA`, `MX`…) or `TYPE<n>`. */
  type: string;
}

/** Why a name or type cannot go into a query, in words for the user; null when it can. */
export function checkDnsQuerySpec(spec: Pick<DnsQuerySpec, 'name' | 'type'>): string | null {
  if (typeCodeOf(spec.type) === null) return `unknown query type '${spec.type}' (use a mnemonic such as A, AAAA, MX, TXT, or TYPE<n>)`;
  const labels = labelsOf(spec.name);
  if (labels.length === 0) return 'the name is empty';
  for (const label of labels) {
    if (label.length === 0) return `'${spec.name}' has an empty label`;
    if (Buffer.byteLength(label) > 63) return `'${spec.name}' has a label longer than 63 bytes`;
  }
  if (labels.reduce((sum, label) => sum + Buffer.byteLength(label) + 1, 1) > 255) return `'${spec.name}' is longer than 255 bytes`;
  return null;
}

/** The wire form of the query (RFC 1035 §4.1): header with RD set, one question of class IN. Throws on a spec checkDnsQuerySpec refuses. */
export function buildDnsQuery(spec: DnsQuerySpec): Uint8Array {
  const problem = checkDnsQuerySpec(spec);
  if (problem !== null) throw new RangeError(problem);
  const labels = labelsOf(spec.name).map((label) => Buffer.from(label, 'utf8'));
  const nameLength = labels.reduce((sum, label) => sum + label.length + 1, 1);
  const out = Buffer.alloc(12 + nameLength + 4);
  out.writeUInt16BE(spec.id & 0xffff, 0);
  out.writeUInt16BE(0x0100, 2); // RD: ask the server to recurse, as a stub resolver does
  out.writeUInt16BE(1, 4);
  let offset = 12;
  for (const label of labels) {
    out[offset++] = label.length;
    label.copy(out, offset);
    offset += label.length;
  }
  out[offset++] = 0;
  out.writeUInt16BE(typeCodeOf(spec.type)!, offset);
  out.writeUInt16BE(RR_CLASS.IN, offset + 2);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

function labelsOf(name: string): string[] {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  return trimmed === '' ? [] : trimmed.split('.');
}

function typeCodeOf(type: string): number | null {
  const upper = type.toUpperCase();
  const known = (RR_TYPE as Record<string, number>)[upper];
  if (known !== undefined) return known;
  const generic = /^TYPE(\d{1,5})$/.exec(upper);
  return generic && Number(generic[1]) <= 0xffff ? Number(generic[1]) : null;
}
