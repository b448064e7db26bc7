// The decoded shapes of a DNS message and the IANA code tables that name their numeric fields.
//
// Convention for fields the buffer ended before: numbers are -1 and names are '' (never a guess),
// and the entry's `truncated` is true. A name cut mid-way holds what was read, which is always a
// prefix of the real name's presentation form.

/** One entry of the question section. */
export interface DnsQuestion {
  name: string;
  type: string;
  typeCode: number;
  class: string;
  classCode: number;
  truncated: boolean;
}

/** One resource record of the answer, authority or additional section (never OPT). */
export interface DnsRecord {
  name: string;
  type: string;
  typeCode: number;
  class: string;
  classCode: number;
  ttl: number;
  /** RDATA in presentation form (as dig prints it, names without the trailing dot). */
  data: string;
  truncated: boolean;
}

/** The EDNS(0) pseudo-record (RFC 6891), lifted out of the additional section. */
export interface DnsEdns {
  /** The requestor's UDP payload size, carried in the OPT record's CLASS field. */
  udpSize: number;
  /** The upper 8 bits of the 12-bit rcode, as carried in the OPT TTL (not combined). */
  extendedRcode: number;
  version: number;
  dnssecOk: boolean;
  /** `length` is the announced option length, even when the option's data was cut. */
  options: { code: number; length: number }[];
}

/** What could be read of one DNS message; see decodeDnsMessage. */
export interface DnsMessage {
  id: number;
  qr: boolean;
  opcode: string;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
  /** Name of rcodeCode. */
  rcode: string;
  /** The header rcode, combined with the EDNS extended rcode when an OPT record was read. */
  rcodeCode: number;
  /** As announced by the header (0 for a count the buffer ended before); they may lie. */
  counts: { questions: number; answers: number; authorities: number; additionals: number };
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
  /** Without the OPT record, which is decoded into `edns`. */
  additionals: DnsRecord[];
  edns: DnsEdns | null;
  /** The buffer ended before the message did (or inside a field); what was read is kept. */
  truncated: boolean;
  /** A short reason when the bytes cannot be a well-formed DNS message as far as they go. */
  malformed: string | null;
}

/** RR TYPE codes (IANA "Resource Record (RR) TYPEs"); the names are dig's mnemonics. */
export const RR_TYPE = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  NULL: 10,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  RP: 17,
  AFSDB: 18,
  SIG: 24,
  KEY: 25,
  AAAA: 28,
  LOC: 29,
  SRV: 33,
  NAPTR: 35,
  KX: 36,
  CERT: 37,
  DNAME: 39,
  OPT: 41,
  APL: 42,
  DS: 43,
  SSHFP: 44,
  IPSECKEY: 45,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  DHCID: 49,
  NSEC3: 50,
  NSEC3PARAM: 51,
  TLSA: 52,
  SMIMEA: 53,
  HIP: 55,
  CDS: 59,
  CDNSKEY: 60,
  OPENPGPKEY: 61,
  CSYNC: 62,
  ZONEMD: 63,
  SVCB: 64,
  HTTPS: 65,
  SPF: 99,
  TKEY: 249,
  TSIG: 250,
  IXFR: 251,
  AXFR: 252,
  MAILB: 253,
  MAILA: 254,
  ANY: 255,
  URI: 256,
  CAA: 257,
  /** DNSSEC Trust Authorities and DNSSEC Lookaside Validation (IANA registry; dig names them too). */
  TA: 32768,
  DLV: 32769,
} as const;

/** CLASS codes (RFC 1035, RFC 2136 for NONE). CS (2) is obsolete and shown as CLASS2, as dig does. */
export const RR_CLASS = {
  IN: 1,
  CH: 3,
  HS: 4,
  NONE: 254,
  ANY: 255,
} as const;

/** OPCODE values (IANA "DNS OpCodes"); 3 is unassigned. */
export const OPCODE = {
  QUERY: 0,
  IQUERY: 1,
  STATUS: 2,
  NOTIFY: 4,
  UPDATE: 5,
  DSO: 6,
} as const;

/**
 * RCODE values (IANA "DNS RCODEs"). 0–15 fit the header; larger ones need the EDNS extended rcode.
 * 16 is BADVERS in EDNS and BADSIG in TSIG: we only ever combine with EDNS, so it is BADVERS here.
 */
export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
  DSOTYPENI: 11,
  BADVERS: 16,
  BADKEY: 17,
  BADTIME: 18,
  BADMODE: 19,
  BADNAME: 20,
  BADALG: 21,
  BADTRUNC: 22,
  BADCOOKIE: 23,
} as const;

function invert(table: Readonly<Record<string, number>>): ReadonlyMap<number, string> {
  return new Map(Object.entries(table).map(([name, code]) => [code, name]));
}

const RR_TYPE_NAMES = invert(RR_TYPE);
const RR_CLASS_NAMES = invert(RR_CLASS);
const OPCODE_NAMES = invert(OPCODE);
const RCODE_NAMES = invert(RCODE);

/** Mnemonic of an RR type; unknown ones get RFC 3597's `TYPE<n>` so they still round-trip. */
export function formatRrType(code: number): string {
  return RR_TYPE_NAMES.get(code) ?? `TYPE${code}`;
}

/** Mnemonic of a class; unknown ones get RFC 3597's `CLASS<n>`. */
export function formatRrClass(code: number): string {
  return RR_CLASS_NAMES.get(code) ?? `CLASS${code}`;
}

/** Mnemonic of an opcode; unassigned ones get `OPCODE<n>`. */
export function formatOpcode(code: number): string {
  return OPCODE_NAMES.get(code) ?? `OPCODE${code}`;
}

/** Mnemonic of a (possibly EDNS-extended) rcode; unassigned ones get `RCODE<n>`. */
export function formatRcode(code: number): string {
  return RCODE_NAMES.get(code) ?? `RCODE${code}`;
}

/** Whether an opcode has an assigned meaning, which plausibility checks lean on. */
export function isKnownOpcode(code: number): boolean {
  return OPCODE_NAMES.has(code);
}

/** Whether a class has an assigned meaning, which plausibility checks lean on. */
export function isKnownRrClass(code: number): boolean {
  return RR_CLASS_NAMES.has(code);
}
