import { internetChecksum } from './internet-checksum.js';
import { IP_PROTOCOL, buildIpPacket, buildPseudoHeader, ipHeaderLength, type IpEnds } from './ip-packet.js';

const ICMP_HEADER = 8;
/**
 * The most an ICMP error may fill, quoted packet included: 576 bytes for IPv4 (RFC 1812 §4.3.2.3, what
 * Linux's icmp_send keeps to) and the IPv6 minimum MTU of 1280 for ICMPv6 (RFC 4443 §2.4(c)).
 */
const MAX_ERROR_PACKET = { inet: 576, inet6: 1280 } as const;

/**
 * The "port unreachable" error a host sends back for `offending` (a whole IPv4 or IPv6 packet): ICMPv4
 * type 3 code 3, or ICMPv6 type 1 code 4, from `reporter` to the offending packet's source, quoting as much
 * of it as fits. Returns the whole IP packet, and how many of its bytes come from the first `known` bytes
 * of `offending` or before (the rest of the quote is as unknown as the offending packet's tail).
 */
export function buildPortUnreachable(offending: Uint8Array, reporter: Uint8Array, known = offending.length): { packet: Uint8Array; knownLength: number } {
  const family = offending[0]! >> 4 === 6 ? 'inet6' : 'inet';
  const headerLength = ipHeaderLength(family);
  const quoted = offending.subarray(0, Math.min(offending.length, MAX_ERROR_PACKET[family] - headerLength - ICMP_HEADER));
  const ends: IpEnds = {
    family,
    source: reporter,
    destination: family === 'inet' ? offending.subarray(12, 16) : offending.subarray(8, 24),
  };
  const message = new Uint8Array(ICMP_HEADER + quoted.length);
  message[0] = family === 'inet' ? 3 : 1;
  message[1] = family === 'inet' ? 3 : 4;
  message.set(quoted, ICMP_HEADER);
  // ICMPv4 sums the message alone; ICMPv6 adds the pseudo-header (RFC 4443 §2.3).
  const parts = family === 'inet' ? [message] : [buildPseudoHeader(ends, IP_PROTOCOL.icmpv6, message.length), message];
  new DataView(message.buffer).setUint16(2, internetChecksum(parts));
  const packet = buildIpPacket(ends, family === 'inet' ? IP_PROTOCOL.icmp : IP_PROTOCOL.icmpv6, message);
  return { packet, knownLength: headerLength + ICMP_HEADER + Math.min(known, quoted.length) };
}
