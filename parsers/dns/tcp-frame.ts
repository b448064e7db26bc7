// DNS over TCP (RFC 1035 §4.2.2, RFC 7766 §8): each message is preceded by its length as a
// two-byte big-endian number, and one read or write may hold several messages or part of one.

import { decodeDnsMessage } from './message.js';
import type { DnsMessage } from './types.js';

const LENGTH_PREFIX = 2;

/**
 * Decodes one length-prefixed message; truncated when the buffer holds fewer bytes than the
 * prefix announces. Bytes past the announced length are ignored (they belong to the next message).
 */
export function decodeDnsTcpMessage(bytes: Uint8Array): DnsMessage | null {
  if (bytes.length < LENGTH_PREFIX) return null;
  const announced = (bytes[0]! << 8) | bytes[1]!;
  const end = Math.min(LENGTH_PREFIX + announced, bytes.length);
  const message = decodeDnsMessage(bytes.subarray(LENGTH_PREFIX, end));
  if (message !== null && end - LENGTH_PREFIX < announced) message.truncated = true;
  return message;
}

/** A TCP byte stream cut into whole length-prefixed messages, plus the bytes of an incomplete one. */
export interface DnsTcpStreamSplit {
  /** Each message without its length prefix (views into the input, not copies). */
  messages: Uint8Array[];
  /** The trailing bytes that do not yet form a whole message, prefix included; keep them for the next read. */
  rest: Uint8Array;
}

/** Splits a stream holding zero or more length-prefixed messages, so reassembly can carry `rest` over. */
export function splitDnsTcpStream(bytes: Uint8Array): DnsTcpStreamSplit {
  const messages: Uint8Array[] = [];
  let offset = 0;
  while (offset + LENGTH_PREFIX <= bytes.length) {
    const length = (bytes[offset]! << 8) | bytes[offset + 1]!;
    const end = offset + LENGTH_PREFIX + length;
    if (end > bytes.length) break;
    messages.push(bytes.subarray(offset + LENGTH_PREFIX, end));
    offset = end;
  }
  return { messages, rest: bytes.subarray(offset) };
}
