import { internetChecksum } from './internet-checksum.js';

/** IANA protocol numbers of what ns53 writes inside IP. */
export const IP_PROTOCOL = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58 } as const;

/** The addresses of one packet: 4 bytes each for IPv4, 16 for IPv6. */
export interface IpEnds {
  family: 'inet' | 'inet6';
  source: Uint8Array;
  destination: Uint8Array;
}

const IPV4_HEADER = 20;
const IPV6_HEADER = 40;
/** Linux's default TTL / hop limit (net.ipv4.ip_default_ttl): the packets are shown as they leave the host. */
const HOP_LIMIT = 64;

/** The length of the IP header `family` gets (no IPv4 options, no IPv6 extension headers). */
export function ipHeaderLength(family: IpEnds['family']): number {
  return family === 'inet' ? IPV4_HEADER : IPV6_HEADER;
}

/** The pseudo-header that UDP, TCP and ICMPv6 checksums cover (RFC 768, RFC 9293 §3.1, RFC 8200 §8.1). */
export function buildPseudoHeader(ends: IpEnds, protocol: number, length: number): Uint8Array {
  if (ends.family === 'inet') {
    const header = new Uint8Array(12);
    header.set(ends.source, 0);
    header.set(ends.destination, 4);
    header[9] = protocol;
    new DataView(header.buffer).setUint16(10, length);
    return header;
  }
  const header = new Uint8Array(40);
  header.set(ends.source, 0);
  header.set(ends.destination, 16);
  new DataView(header.buffer).setUint32(32, length);
  header[39] = protocol;
  return header;
}

/**
 * An IPv4 packet (with its header checksum; Don't Fragment set, as Linux sets it on UDP and TCP) or an
 * IPv6 packet around `payload`. Lengths beyond what the header can say are the caller's to avoid.
 */
export function buildIpPacket(ends: IpEnds, protocol: number, payload: Uint8Array): Uint8Array {
  const headerLength = ipHeaderLength(ends.family);
  const packet = new Uint8Array(headerLength + payload.length);
  const view = new DataView(packet.buffer);
  if (ends.family === 'inet') {
    packet[0] = 0x45;
    view.setUint16(2, packet.length);
    view.setUint16(6, 0x4000);
    packet[8] = HOP_LIMIT;
    packet[9] = protocol;
    packet.set(ends.source, 12);
    packet.set(ends.destination, 16);
    view.setUint16(10, internetChecksum([packet.subarray(0, IPV4_HEADER)]));
  } else {
    packet[0] = 0x60;
    view.setUint16(4, payload.length);
    packet[6] = protocol;
    packet[7] = HOP_LIMIT;
    packet.set(ends.source, 8);
    packet.set(ends.destination, 24);
  }
  packet.set(payload, headerLength);
  return packet;
}
