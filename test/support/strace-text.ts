import dnsPacket from 'dns-packet';

/** Escapes bytes as strace prints a string (shortest octal, 3 digits before an octal digit; `\t\n\v\f\r`). */
export function straceEscape(bytes: Uint8Array): string {
  const simple: Record<number, string> = { 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };
  let out = '';
  bytes.forEach((byte, i) => {
    if (simple[byte]) out += simple[byte];
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else {
      const next = bytes[i + 1];
      const forceWide = next !== undefined && next >= 0x30 && next <= 0x37;
      out += `\\${forceWide ? byte.toString(8).padStart(3, '0') : byte.toString(8)}`;
    }
  });
  return out;
}

/** A quoted strace string, cut at `limit` bytes with `...` like `-s limit`. */
export function straceString(bytes: Uint8Array, limit = 4096): string {
  const shown = bytes.subarray(0, limit);
  return `"${straceEscape(shown)}"${bytes.length > limit ? '...' : ''}`;
}

/** `{sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.77.0.2")}` */
export function sockaddr(ip: string, port: number): string {
  if (ip.includes(':')) return `{sa_family=AF_INET6, sin6_port=htons(${port}), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "${ip}", &sin6_addr), sin6_scope_id=0}`;
  return `{sa_family=AF_INET, sin_port=htons(${port}), sin_addr=inet_addr("${ip}")}`;
}

/** A DNS query as bytes. */
export function dnsQuery(id: number, name: string, type: 'A' | 'AAAA' | 'MX' | 'TXT' = 'A'): Uint8Array {
  return dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] });
}

/** A DNS response as bytes; `rcode` as a name, answers as A records. */
export function dnsAnswer(id: number, name: string, rcode: 'NOERROR' | 'NXDOMAIN' | 'REFUSED' | 'SERVFAIL', addresses: string[] = [], type: 'A' | 'AAAA' = 'A'): Uint8Array {
  const rcodes = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };
  return dnsPacket.encode({
    type: 'response',
    id,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | rcodes[rcode],
    questions: [{ type, name, class: 'IN' }],
    answers: addresses.map((data) => ({ type, name, class: 'IN', ttl: 60, data })),
  });
}

/** Two-byte length prefix for DNS over TCP. */
export function withLength(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 2);
  out[0] = bytes.length >> 8;
  out[1] = bytes.length & 0xff;
  out.set(bytes, 2);
  return out;
}
