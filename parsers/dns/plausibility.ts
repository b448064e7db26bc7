// A cheap test of whether an arbitrary socket payload is a DNS message, checking only what every
// real message satisfies, so that HTTP, JSON, protobuf and random bytes are rejected without a decode.
//
// The rules, and why:
// - At least the 12-byte header. Every DNS message has one and strace's default `-s 32` always
//   shows it; with only id and flags (4 bytes) about 1 in 100 random payloads would pass.
// - Known opcode, and the Z bit (0x0040) clear: RFC 1035 says it must be zero and RFC 6895 keeps it reserved.
// - Header rcode assigned (0–11); a query (QR=0) carries rcode 0.
// - Counts: a DSO message (RFC 8490 §5.4) has all four at zero. Everything else has exactly one
//   question (the zone, for UPDATE), except an error response (QR=1, rcode ≠ 0), which may echo
//   no question and then carries nothing but possibly the OPT record. A standard query has no answers
//   and at most one authority record (IXFR's SOA). The counts must also fit in a 64 KiB message.
// - The first question name is a run of plain labels (a pointer there could only point into the
//   header) that ends, or is cut by the end of the buffer; if its type and class fit, the type is
//   not 0 and the class is assigned (ignoring the mDNS unicast-response bit).

import { isKnownOpcode, isKnownRrClass, OPCODE } from './types.js';

const HEADER_LENGTH = 12;
const MAX_MESSAGE_LENGTH = 65535;
/** The smallest question is the root name (1 octet) plus type and class. */
const MIN_QUESTION_LENGTH = 5;
/** The smallest resource record is the root name plus type, class, TTL and RDLENGTH. */
const MIN_RECORD_LENGTH = 11;
const Z_FLAG = 0x0040;
const QR_FLAG = 0x8000;
const MAX_HEADER_RCODE = 11;
const MAX_LABEL_LENGTH = 63;
const MAX_NAME_WIRE_LENGTH = 255;
/** mDNS (RFC 6762 §5.4) borrows the top bit of the question class. */
const UNICAST_RESPONSE_BIT = 0x8000;

/** Whether `bytes` plausibly hold (the start of) a DNS message; see the rules above. */
export function looksLikeDnsMessage(bytes: Uint8Array): boolean {
  if (bytes.length < HEADER_LENGTH) return false;
  const flags = readUint16(bytes, 2);
  const isResponse = (flags & QR_FLAG) !== 0;
  const opcode = (flags >>> 11) & 0xf;
  const rcode = flags & 0xf;
  if ((flags & Z_FLAG) !== 0 || !isKnownOpcode(opcode)) return false;
  if (rcode > MAX_HEADER_RCODE || (!isResponse && rcode !== 0)) return false;

  const questions = readUint16(bytes, 4);
  const answers = readUint16(bytes, 6);
  const authorities = readUint16(bytes, 8);
  const additionals = readUint16(bytes, 10);
  const records = answers + authorities + additionals;
  if (HEADER_LENGTH + questions * MIN_QUESTION_LENGTH + records * MIN_RECORD_LENGTH > MAX_MESSAGE_LENGTH) {
    return false;
  }

  if (opcode === OPCODE.DSO) return questions === 0 && records === 0;
  if (questions === 0) {
    return isResponse && rcode !== 0 && answers === 0 && authorities === 0 && additionals <= 1;
  }
  if (questions !== 1) return false;
  if (!isResponse && opcode === OPCODE.QUERY && (answers !== 0 || authorities > 1)) return false;
  return firstQuestionIsPlausible(bytes);
}

function firstQuestionIsPlausible(bytes: Uint8Array): boolean {
  let position = HEADER_LENGTH;
  let wireLength = 1;
  for (;;) {
    if (position >= bytes.length) return true; // cut inside the name
    const lengthOctet = bytes[position]!;
    if (lengthOctet === 0) break;
    // Rejects pointers (only the header lies before the first name) and the reserved label types.
    if (lengthOctet > MAX_LABEL_LENGTH) return false;
    wireLength += 1 + lengthOctet;
    if (wireLength > MAX_NAME_WIRE_LENGTH) return false;
    position += 1 + lengthOctet;
  }
  const typeAt = position + 1;
  if (typeAt + 2 > bytes.length) return true;
  if (readUint16(bytes, typeAt) === 0) return false;
  if (typeAt + 4 > bytes.length) return true;
  return isKnownRrClass(readUint16(bytes, typeAt + 2) & ~UNICAST_RESPONSE_BIT);
}

function readUint16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}
