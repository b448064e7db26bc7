// dns-packet's decoded values rendered in our presentation form, so the differential test can
// compare the two decoders field by field. Written independently of parsers/dns on purpose.

import { Buffer } from 'node:buffer';

import { RR_CLASS, RR_TYPE } from '../../../parsers/dns/index.js';

/** dns-packet spells unknown codes UNKNOWN_<n>; everything else is a mnemonic we share. */
export function codeOfDnsPacketName(name: string, table: Readonly<Record<string, number>>): number {
  if (name.startsWith('UNKNOWN_')) return Number(name.slice('UNKNOWN_'.length));
  const code = table[name];
  if (code === undefined) throw new Error(`no code for ${name}`);
  return code;
}

/** Type code of a dns-packet type name. */
export function typeCodeOf(name: string): number {
  return codeOfDnsPacketName(name, RR_TYPE);
}

/** Class code of a dns-packet class name. */
export function classCodeOf(name: string): number {
  return codeOfDnsPacketName(name, RR_CLASS);
}

function decimalEscape(code: number): string {
  return '\\' + String(code).padStart(3, '0');
}

/** A dns-packet name (labels joined by dots, raw bytes) in presentation form. */
export function presentName(name: string): string {
  if (name === '.') return '.';
  return name
    .split('.')
    .map((label) =>
      Array.from(Buffer.from(label, 'latin1'))
        .map((code) => (code === 0x5c ? '\\\\' : code < 0x21 || code > 0x7e ? decimalEscape(code) : String.fromCharCode(code)))
        .join(''),
    )
    .join('.');
}

/** Bytes in double quotes with dig's escapes. */
export function presentQuoted(bytes: Uint8Array): string {
  let text = '';
  for (const code of bytes) {
    if (code === 0x22 || code === 0x5c) text += '\\' + String.fromCharCode(code);
    else if (code < 0x20 || code > 0x7e) text += decimalEscape(code);
    else text += String.fromCharCode(code);
  }
  return `"${text}"`;
}

/** Any IPv6 text in RFC 5952 form: WHATWG URL serialisation does the compression, we add §5's IPv4-mapped form. */
export function presentIpv6(text: string): string {
  const canonical = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped === null) return canonical;
  const high = parseInt(mapped[1]!, 16);
  const low = parseInt(mapped[2]!, 16);
  return `::ffff:${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** dns-packet's decoded `data` of a record of type `type` in presentation form. */
export function presentData(type: string, data: unknown): string {
  const record = data as Record<string, unknown>;
  switch (type) {
    case 'A':
      return data as string;
    case 'AAAA':
      return presentIpv6(data as string);
    case 'NS':
    case 'CNAME':
    case 'PTR':
      return presentName(data as string);
    case 'MX':
      return `${String(record.preference)} ${presentName(record.exchange as string)}`;
    case 'TXT':
      return (data as Buffer[]).map((part) => presentQuoted(part)).join(' ');
    case 'SRV':
      return `${String(record.priority)} ${String(record.weight)} ${String(record.port)} ${presentName(record.target as string)}`;
    case 'SOA':
      return [
        presentName(record.mname as string),
        presentName(record.rname as string),
        record.serial,
        record.refresh,
        record.retry,
        record.expire,
        record.minimum,
      ].join(' ');
    case 'CAA':
      return `${String(record.flags)} ${record.tag as string} ${presentQuoted(Buffer.from(record.value as string, 'utf8'))}`;
    case 'HINFO':
      return [record.cpu, record.os].map((text) => presentQuoted(Buffer.from(text as string, 'utf8'))).join(' ');
    default: {
      const bytes = data as Buffer;
      return bytes.length === 0 ? '\\# 0' : `\\# ${bytes.length} ${bytes.toString('hex').toUpperCase()}`;
    }
  }
}
