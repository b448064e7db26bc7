import { formatInetAddress, type InetAddress } from '../../../parsers/strace/index.js';
import { encodeIpAddress } from './ip-address-bytes.js';
import type { IpEnds } from './ip-packet.js';

/** One end of a rebuilt conversation, as its packets show it. */
export interface PacketEnd {
  ip: Uint8Array;
  port: number;
  /** `172.18.0.2:54942`, for comments. */
  text: string;
  /** The trace did not say this address: the packets show a stand-in (see buildPacketEnds). */
  placeholder: boolean;
}

/** Both ends of a conversation, in one IP version. */
export interface PacketEnds {
  family: 'inet' | 'inet6';
  initiator: PacketEnd;
  responder: PacketEnd;
}

const V4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/**
 * The ends of a conversation between `initiator` and `responder` as packets can carry them. An address the
 * trace did not show (no getsockname, a socket from before the trace) or cannot be read becomes the
 * unspecified address of the other end's version (`0.0.0.0` or `::`) with `fallbackPort`, marked as a
 * placeholder so the packet's comment can say so: a packet with a stand-in beats a missing packet. Both ends
 * share one IP version: an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, from a dual-stack socket) meets an
 * IPv4 one as IPv4; a plain IPv6 address meets an IPv4 one by mapping the IPv4 address into IPv6.
 */
export function buildPacketEnds(
  initiator: InetAddress | null,
  responder: InetAddress | null,
  fallbackPorts: { initiator: number; responder: number },
): PacketEnds {
  const a = unmapped(initiator);
  const b = unmapped(responder);
  const family = a?.family === 'inet6' || b?.family === 'inet6' ? 'inet6' : 'inet';
  return { family, initiator: endOf(a, family, fallbackPorts.initiator), responder: endOf(b, family, fallbackPorts.responder) };
}

/** `::ffff:a.b.c.d` as the IPv4 address it stands for. */
function unmapped(address: InetAddress | null): InetAddress | null {
  const mapped = address?.family === 'inet6' ? V4_MAPPED.exec(address.ip) : null;
  return mapped ? { family: 'inet', ip: mapped[1]!, port: address!.port } : address;
}

function endOf(address: InetAddress | null, family: 'inet' | 'inet6', fallbackPort: number): PacketEnd {
  const ip = address && (address.family === family ? address.ip : `::ffff:${address.ip}`);
  const bytes = ip === null ? null : encodeIpAddress(family, ip);
  if (address && bytes) return { ip: bytes, port: address.port, text: formatInetAddress({ family, ip: ip!, port: address.port }), placeholder: false };
  const unspecified = family === 'inet' ? '0.0.0.0' : '::';
  return { ip: new Uint8Array(family === 'inet' ? 4 : 16), port: fallbackPort, text: formatInetAddress({ family, ip: unspecified, port: fallbackPort }), placeholder: true };
}

/** The IP layer's view of a packet from `from` to `to`. */
export function ipEndsOf(family: PacketEnds['family'], from: PacketEnd, to: PacketEnd): IpEnds {
  return { family, source: from.ip, destination: to.ip };
}
