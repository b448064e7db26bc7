import { internetChecksum } from './internet-checksum.js';
import { IP_PROTOCOL, buildPseudoHeader, type IpEnds } from './ip-packet.js';

const UDP_HEADER = 8;

/**
 * A UDP datagram (RFC 768) with its checksum over the pseudo-header; a sum of 0 is sent as 0xffff, since 0
 * means "no checksum" (which IPv6 forbids).
 */
export function buildUdpDatagram(ends: IpEnds, sourcePort: number, destinationPort: number, payload: Uint8Array): Uint8Array {
  const datagram = new Uint8Array(UDP_HEADER + payload.length);
  const view = new DataView(datagram.buffer);
  view.setUint16(0, sourcePort);
  view.setUint16(2, destinationPort);
  view.setUint16(4, datagram.length);
  datagram.set(payload, UDP_HEADER);
  const checksum = internetChecksum([buildPseudoHeader(ends, IP_PROTOCOL.udp, datagram.length), datagram]);
  view.setUint16(6, checksum === 0 ? 0xffff : checksum);
  return datagram;
}
