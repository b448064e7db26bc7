import { internetChecksum } from './internet-checksum.js';
import { IP_PROTOCOL, buildPseudoHeader, type IpEnds } from './ip-packet.js';

/** TCP header flag bits (RFC 9293 §3.1). */
export const TCP_FLAG = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10 } as const;

/** The header fields of one segment that change along a conversation. */
export interface TcpSegmentFields {
  sourcePort: number;
  destinationPort: number;
  seq: number;
  ack: number;
  /** An OR of TCP_FLAG bits. */
  flags: number;
}

const TCP_HEADER = 20;
/** The window every segment advertises: the trace does not show it, and any open window reads as normal. */
const WINDOW = 65535;

/** A TCP segment without options, with its checksum over the pseudo-header. */
export function buildTcpSegment(ends: IpEnds, fields: TcpSegmentFields, payload: Uint8Array): Uint8Array {
  const segment = new Uint8Array(TCP_HEADER + payload.length);
  const view = new DataView(segment.buffer);
  view.setUint16(0, fields.sourcePort);
  view.setUint16(2, fields.destinationPort);
  view.setUint32(4, fields.seq >>> 0);
  view.setUint32(8, fields.flags & TCP_FLAG.ack ? fields.ack >>> 0 : 0);
  segment[12] = (TCP_HEADER / 4) << 4;
  segment[13] = fields.flags;
  view.setUint16(14, WINDOW);
  segment.set(payload, TCP_HEADER);
  view.setUint16(16, internetChecksum([buildPseudoHeader(ends, IP_PROTOCOL.tcp, segment.length), segment]));
  return segment;
}
