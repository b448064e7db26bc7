/**
 * Decodes the IPv4/IPv6, UDP, TCP and ICMP headers of a raw IP packet for tests, straight from the RFCs'
 * layouts, and checks the checksums with a sum written here (not ns53's): a packet whose checksums hold
 * sums to 0xffff.
 */
export interface DecodedPacket {
  version: 4 | 6;
  source: string;
  destination: string;
  protocol: number;
  totalLength: number;
  ipChecksumOk: boolean | null;
  payload: Uint8Array;
  /** Whether the transport (UDP/TCP/ICMP) checksum holds over the pseudo-header. */
  transportChecksumOk: boolean;
}

function onesSum(bytes: Uint8Array, sum = 0): number {
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}

/** The headers of `packet` (a whole packet, not a truncated capture). */
export function decodeIpPacket(packet: Uint8Array): DecodedPacket {
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const version = packet[0]! >> 4;
  if (version === 4) {
    const headerLength = (packet[0]! & 0x0f) * 4;
    const totalLength = view.getUint16(2);
    const src = packet.subarray(12, 16);
    const dst = packet.subarray(16, 20);
    const payload = packet.subarray(headerLength, totalLength);
    const pseudo = new Uint8Array(12);
    pseudo.set(src, 0);
    pseudo.set(dst, 4);
    pseudo[9] = packet[9]!;
    new DataView(pseudo.buffer).setUint16(10, payload.length);
    const usesPseudo = packet[9] !== 1;
    return {
      version: 4,
      source: ipText(src),
      destination: ipText(dst),
      protocol: packet[9]!,
      totalLength,
      ipChecksumOk: onesSum(packet.subarray(0, headerLength)) === 0xffff,
      payload,
      transportChecksumOk: onesSum(payload, usesPseudo ? onesSum(pseudo) : 0) === 0xffff,
    };
  }
  const payloadLength = view.getUint16(4);
  const src = packet.subarray(8, 24);
  const dst = packet.subarray(24, 40);
  const payload = packet.subarray(40, 40 + payloadLength);
  const pseudo = new Uint8Array(40);
  pseudo.set(src, 0);
  pseudo.set(dst, 16);
  new DataView(pseudo.buffer).setUint32(32, payload.length);
  pseudo[39] = packet[6]!;
  return {
    version: 6,
    source: ipText(src),
    destination: ipText(dst),
    protocol: packet[6]!,
    totalLength: 40 + payloadLength,
    ipChecksumOk: null,
    payload,
    transportChecksumOk: onesSum(payload, onesSum(pseudo)) === 0xffff,
  };
}
