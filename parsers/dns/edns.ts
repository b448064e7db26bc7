// The OPT pseudo-record (RFC 6891 §6.1): its CLASS and TTL fields are reused for EDNS parameters
// and its RDATA is a list of {code, length, data} options.

import type { DnsEdns } from './types.js';

/** The DO bit (RFC 3225) in the low 16 bits of the OPT TTL. */
const DNSSEC_OK_FLAG = 0x8000;

/** What decodeEdns read. Whether the buffer cut it is the caller's to tell, from RDLENGTH. */
export interface DecodedEdns {
  edns: DnsEdns;
  malformed: string | null;
}

/**
 * Decodes an OPT record from its CLASS, TTL and RDATA `bytes[start, end)`; `end` is the declared
 * end and may lie past the buffer, in which case the options whose header the buffer holds are kept.
 */
export function decodeEdns(
  bytes: Uint8Array,
  udpSize: number,
  ttl: number,
  start: number,
  end: number,
): DecodedEdns {
  const edns: DnsEdns = {
    udpSize,
    extendedRcode: ttl >>> 24,
    version: (ttl >>> 16) & 0xff,
    dnssecOk: (ttl & DNSSEC_OK_FLAG) !== 0,
    options: [],
  };
  let position = start;
  while (position < end) {
    if (position + 4 > end) {
      return { edns, malformed: 'OPT option header overruns the RDATA' };
    }
    if (position + 4 > bytes.length) return { edns, malformed: null };
    const code = (bytes[position]! << 8) | bytes[position + 1]!;
    const length = (bytes[position + 2]! << 8) | bytes[position + 3]!;
    edns.options.push({ code, length });
    position += 4 + length;
    if (position > end) {
      return { edns, malformed: `OPT option ${code} overruns the RDATA` };
    }
  }
  return { edns, malformed: null };
}
