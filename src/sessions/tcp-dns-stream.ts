import { decodeDnsMessage, splitDnsTcpStream, type DnsMessage } from '../../parsers/dns/index.js';
import type { Payload } from '../events/net-event.js';

/** Most a length-prefixed DNS message can span (65535 bytes and its 2-byte prefix). */
const MAX_PENDING = 65537;

/**
 * One direction of a DNS-over-TCP connection: bytes arrive in pieces (`read(2)` then `read(n)`, or a writev
 * of both), and each message carries a 2-byte length. A piece strace truncated breaks the byte count, so the
 * stream decodes what it has (marked truncated) and starts afresh.
 */
export class TcpDnsStream {
  private pending = new Uint8Array(0);

  /** Adds received or sent bytes; returns the messages they complete. */
  push(payload: Payload): DnsMessage[] {
    const joined = new Uint8Array(this.pending.length + payload.bytes.length);
    joined.set(this.pending);
    joined.set(payload.bytes, this.pending.length);
    const { messages, rest } = splitDnsTcpStream(joined);
    const decoded = messages.map((bytes) => decodeDnsMessage(bytes)).filter((m): m is DnsMessage => m !== null);
    if (payload.truncated) {
      // The rest of this message never reached the log: read what is there and resynchronise.
      if (rest.length > 2) {
        const partial = decodeDnsMessage(rest.subarray(2));
        if (partial) decoded.push({ ...partial, truncated: true });
      }
      this.pending = new Uint8Array(0);
    } else {
      this.pending = rest.length > MAX_PENDING ? new Uint8Array(0) : rest.slice();
    }
    return decoded;
  }
}
