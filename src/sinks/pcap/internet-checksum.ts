/**
 * The Internet checksum (RFC 1071): the ones'-complement of the ones'-complement sum of 16-bit big-endian
 * words. IPv4 headers, UDP, TCP and ICMP all carry it; the transports sum a pseudo-header first, so the
 * sum runs over several buffers as if they were one (an odd byte at the end of one pairs with the next).
 */
export function internetChecksum(parts: readonly Uint8Array[]): number {
  let sum = 0;
  let high = true;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      sum += high ? part[i]! << 8 : part[i]!;
      high = !high;
    }
    // Fold now and then: the sum stays far below 2^53 however long the packet.
    if (sum > 0xffffffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}
