// The DNS wire-format decoder: pure, never throws, tolerant of buffers cut short by strace's `-s`.

export { decodeDnsMessage } from './message.js';
export { decodeDnsTcpMessage, splitDnsTcpStream, type DnsTcpStreamSplit } from './tcp-frame.js';
export { looksLikeDnsMessage } from './plausibility.js';
export { buildDnsQuery, checkDnsQuerySpec, type DnsQuerySpec } from './query.js';
export { decodeDnsName, type DecodedName } from './name.js';
export {
  formatOpcode,
  formatRcode,
  formatRrClass,
  formatRrType,
  OPCODE,
  RCODE,
  RR_CLASS,
  RR_TYPE,
  type DnsEdns,
  type DnsMessage,
  type DnsQuestion,
  type DnsRecord,
} from './types.js';
