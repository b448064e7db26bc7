import { buildPortUnreachable } from './icmp-unreachable.js';
import { IP_PROTOCOL, buildIpPacket, ipHeaderLength } from './ip-packet.js';
import { ipEndsOf, type PacketEnd, type PacketEnds } from './packet-ends.js';
import type { PcapngPacket } from './pcapng-blocks.js';
import { TCP_FLAG, buildTcpSegment } from './tcp-segment.js';
import { buildUdpDatagram } from './udp-datagram.js';

/** One DNS message of a conversation, as a syscall moved it. */
export interface ConversationMessage {
  from: 'initiator' | 'responder';
  timeNs: bigint;
  /** The bytes the tracer showed. */
  bytes: Uint8Array;
  /** How many bytes the call moved: `bytes.length`, or more when the tracer cut the payload short. */
  length: number;
  comment: string;
}

/** A client and a server exchanging DNS messages over UDP or one TCP connection. */
export interface Conversation {
  proto: 'udp' | 'tcp';
  ends: PacketEnds;
  /** When a TCP connection opened (connect); null: just before its first message. */
  openedAt: bigint | null;
  messages: ConversationMessage[];
  /** The server refused (ECONNREFUSED), seen at this time: an ICMP port unreachable (UDP) or a RST (TCP). */
  refused: { timeNs: bigint; comment: string } | null;
  /** For packets no syscall made: the TCP handshake. */
  comment: string;
}

const UDP_HEADER = 8;
const TCP_HEADER = 20;
/** The most data one rebuilt TCP segment carries, so IPv4's 16-bit total length always holds it. */
const MAX_SEGMENT_DATA = 65000;
/** Initial sequence numbers: any will do; fixed ones make the output reproducible. */
const ISN = { initiator: 0x10000000, responder: 0x20000000 } as const;

/** The packets a conversation put on the wire, in the order they were sent. */
export function buildConversationPackets(conversation: Conversation): PcapngPacket[] {
  return conversation.proto === 'udp' ? udpPackets(conversation) : tcpPackets(conversation);
}

function udpPackets({ ends, messages, refused }: Conversation): PcapngPacket[] {
  const packets: PcapngPacket[] = [];
  let lastQuery: PcapngPacket | null = null;
  for (const message of messages) {
    const [from, to] = sides(ends, message.from);
    const data = wirePayload(message.bytes, message.length);
    const bytes = buildIpPacket(ipEndsOf(ends.family, from, to), IP_PROTOCOL.udp, buildUdpDatagram(ipEndsOf(ends.family, from, to), from.port, to.port, data));
    const packet = { timeNs: message.timeNs, bytes, capturedLength: ipHeaderLength(ends.family) + UDP_HEADER + message.bytes.length, comment: message.comment };
    packets.push(packet);
    if (message.from === 'initiator') lastQuery = packet;
  }
  if (refused && lastQuery) {
    // The error quotes the query it answers; a query the tracer cut short leaves the quote's tail unknown too.
    const { packet, knownLength } = buildPortUnreachable(lastQuery.bytes, ends.responder.ip, lastQuery.capturedLength);
    packets.push({ timeNs: refused.timeNs, bytes: packet, capturedLength: knownLength, comment: refused.comment });
  }
  return packets;
}

/**
 * One TCP connection: SYN, SYN/ACK, ACK, then each message as a segment (split only beyond
 * MAX_SEGMENT_DATA) with sequence and acknowledgement numbers that add up, so Wireshark reassembles the
 * length-prefixed DNS messages (RFC 1035 §4.2.2). A refused connect is a SYN answered by RST/ACK: that is
 * what ECONNREFUSED from connect() means on TCP unless a firewall REJECTs with an ICMP error instead, which
 * the trace cannot tell apart. No FIN is drawn: the trace's close() says nothing of the other side.
 */
function tcpPackets({ ends, openedAt, messages, refused, comment }: Conversation): PcapngPacket[] {
  const packets: PcapngPacket[] = [];
  const next = { initiator: ISN.initiator + 1, responder: ISN.responder + 1 };
  const segment = (from: 'initiator' | 'responder', timeNs: bigint, flags: number, seq: number, ack: number, data: Uint8Array, known: number, text: string): void => {
    const [source, destination] = sides(ends, from);
    const ip = ipEndsOf(ends.family, source, destination);
    const tcp = buildTcpSegment(ip, { sourcePort: source.port, destinationPort: destination.port, seq, ack, flags }, data);
    packets.push({ timeNs, bytes: buildIpPacket(ip, IP_PROTOCOL.tcp, tcp), capturedLength: ipHeaderLength(ends.family) + TCP_HEADER + known, comment: text });
  };
  const start = openedAt ?? (messages[0] ? messages[0].timeNs - 3n : refused?.timeNs ?? 0n);
  segment('initiator', start, TCP_FLAG.syn, ISN.initiator, 0, new Uint8Array(0), 0, comment);
  if (refused) {
    segment('responder', refused.timeNs, TCP_FLAG.rst | TCP_FLAG.ack, 0, ISN.initiator + 1, new Uint8Array(0), 0, refused.comment);
    return packets;
  }
  segment('responder', start + 1n, TCP_FLAG.syn | TCP_FLAG.ack, ISN.responder, ISN.initiator + 1, new Uint8Array(0), 0, comment);
  segment('initiator', start + 2n, TCP_FLAG.ack, ISN.initiator + 1, ISN.responder + 1, new Uint8Array(0), 0, comment);
  for (const message of messages) {
    const { data, known } = framedForTcp(message.bytes, message.length);
    const other = message.from === 'initiator' ? 'responder' : 'initiator';
    for (let offset = 0; offset < data.length; offset += MAX_SEGMENT_DATA) {
      const piece = data.subarray(offset, offset + MAX_SEGMENT_DATA);
      const knownHere = Math.max(0, Math.min(piece.length, known - offset));
      segment(message.from, message.timeNs, TCP_FLAG.psh | TCP_FLAG.ack, next[message.from], next[other], piece, knownHere, message.comment);
      next[message.from] = (next[message.from] + piece.length) >>> 0;
    }
  }
  return packets;
}

function sides(ends: PacketEnds, from: 'initiator' | 'responder'): [PacketEnd, PacketEnd] {
  return from === 'initiator' ? [ends.initiator, ends.responder] : [ends.responder, ends.initiator];
}

/** The payload as it was on the wire: what the tracer showed, then zeros for what it did not. */
function wirePayload(bytes: Uint8Array, length: number): Uint8Array {
  if (length <= bytes.length) return bytes;
  const data = new Uint8Array(length);
  data.set(bytes);
  return data;
}

/**
 * The bytes of one TCP write or read, with the 2-byte length prefix DNS over TCP puts before each message.
 * Go's resolver writes prefix and message in one writev, but reads the prefix with a read of its own, which
 * never reaches a session's trail (it holds no message): a payload that is not already a whole number of
 * prefixed messages gets its prefix back here. `known` counts the bytes the tracer showed.
 */
function framedForTcp(bytes: Uint8Array, length: number): { data: Uint8Array; known: number } {
  const whole = wirePayload(bytes, length);
  if (isFramed(bytes, length)) return { data: whole, known: bytes.length };
  const data = new Uint8Array(2 + whole.length);
  new DataView(data.buffer).setUint16(0, Math.min(whole.length, 0xffff));
  data.set(whole, 2);
  return { data, known: 2 + bytes.length };
}

/** Whether the 2-byte lengths in `bytes` chain exactly to `length` (they may run past the bytes shown). */
function isFramed(bytes: Uint8Array, length: number): boolean {
  let offset = 0;
  while (offset + 2 <= bytes.length && offset < length) offset += 2 + ((bytes[offset]! << 8) | bytes[offset + 1]!);
  return offset === length;
}
