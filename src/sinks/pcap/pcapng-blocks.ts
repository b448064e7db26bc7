/**
 * The pcapng blocks ns53 writes (draft-ietf-opsawg-pcapng): one Section Header, one Interface Description
 * and an Enhanced Packet per packet, all little-endian. pcapng rather than classic pcap for one reason: an
 * Enhanced Packet carries a comment (`opt_comment`), which tshark shows as `frame.comment` and Wireshark in
 * the packet list, so every packet can say which session, attempt and syscall it was rebuilt from.
 * Pure: bytes out; src/sinks/pcap/pcap-sink.ts writes them.
 */

const BLOCK_TYPE = { section: 0x0a0d0d0a, interface: 0x00000001, enhancedPacket: 0x00000006 } as const;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** LINKTYPE_RAW: each packet starts with its IP header, version 4 or 6, so both share one interface. */
export const LINKTYPE_RAW = 101;
/** if_tsresol 9: timestamps count nanoseconds (trace times are µs; the ns let rebuilt handshakes keep their order). */
const TIMESTAMP_RESOLUTION = 9;
const OPTION = { endOfOptions: 0, comment: 1, shbUserApplication: 4, ifName: 2, ifTsresol: 9 } as const;

const encoder = new TextEncoder();

/** One option: code, length, value padded to 32 bits. */
function option(code: number, value: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(4 + padded(value.length));
  const view = new DataView(bytes.buffer);
  view.setUint16(0, code, true);
  view.setUint16(2, value.length, true);
  bytes.set(value, 4);
  return bytes;
}

function padded(length: number): number {
  return (length + 3) & ~3;
}

/** A block: type, total length, `body` (already padded), the options and their end marker, total length again. */
function block(type: number, body: Uint8Array, options: Uint8Array[]): Uint8Array {
  const optionBytes = options.length > 0 ? [...options, new Uint8Array(4)] : [];
  const total = 12 + body.length + optionBytes.reduce((sum, part) => sum + part.length, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, total, true);
  bytes.set(body, 8);
  let offset = 8 + body.length;
  for (const part of optionBytes) {
    bytes.set(part, offset);
    offset += part.length;
  }
  view.setUint32(total - 4, total, true);
  return bytes;
}

/** The Section Header Block that opens the file, naming the application that wrote it. */
export function buildSectionHeaderBlock(application: string): Uint8Array {
  const body = new Uint8Array(16);
  const view = new DataView(body.buffer);
  view.setUint32(0, BYTE_ORDER_MAGIC, true);
  view.setUint16(4, 1, true);
  view.setUint16(6, 0, true);
  // Section length -1: not known while streaming.
  view.setBigInt64(8, -1n, true);
  return block(BLOCK_TYPE.section, body, [option(OPTION.shbUserApplication, encoder.encode(application))]);
}

/** The one Interface Description Block: raw IP, no snap length, nanosecond timestamps. */
export function buildInterfaceDescriptionBlock(name: string): Uint8Array {
  const body = new Uint8Array(8);
  const view = new DataView(body.buffer);
  view.setUint16(0, LINKTYPE_RAW, true);
  view.setUint32(4, 0, true);
  return block(BLOCK_TYPE.interface, body, [option(OPTION.ifName, encoder.encode(name)), option(OPTION.ifTsresol, Uint8Array.of(TIMESTAMP_RESOLUTION))]);
}

/** What an Enhanced Packet Block holds. */
export interface PcapngPacket {
  /** Nanoseconds since the Unix epoch (on the trace's clock: see session-packets.ts). */
  timeNs: bigint;
  /** The whole packet as it was on the wire (its length is the original length). */
  bytes: Uint8Array;
  /** How many leading bytes were seen (the captured length); the rest are not written. */
  capturedLength: number;
  comment: string;
}

/** An Enhanced Packet Block on interface 0, with the packet's comment. */
export function buildEnhancedPacketBlock(packet: PcapngPacket): Uint8Array {
  const captured = packet.bytes.subarray(0, Math.min(packet.capturedLength, packet.bytes.length));
  const body = new Uint8Array(20 + padded(captured.length));
  const view = new DataView(body.buffer);
  const time = BigInt.asUintN(64, packet.timeNs);
  view.setUint32(0, 0, true);
  view.setUint32(4, Number(time >> 32n), true);
  view.setUint32(8, Number(time & 0xffffffffn), true);
  view.setUint32(12, captured.length, true);
  view.setUint32(16, packet.bytes.length, true);
  body.set(captured, 20);
  return block(BLOCK_TYPE.enhancedPacket, body, packet.comment === '' ? [] : [option(OPTION.comment, encoder.encode(packet.comment))]);
}
