import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import dnsPacket from 'dns-packet';
import fc from 'fast-check';

import { looksLikeDnsMessage } from '../../../parsers/dns/index.js';
import { loosePacket } from './dns-packet-arbitraries.js';
import { fromStraceEscapes, header, labels, response, u16, u32, wire } from './wire-builder.js';

/** mulberry32: a small seeded generator, so the false-positive rate below is reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBuffers(seed: number, count: number, fill: (random: () => number) => number): Uint8Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const bytes = new Uint8Array(20 + Math.floor(random() * 181));
    for (let i = 0; i < bytes.length; i++) bytes[i] = fill(random);
    return bytes;
  });
}

const text = (value: string) => new TextEncoder().encode(value);

describe('looksLikeDnsMessage accepts DNS', () => {
  const query = wire(header({ id: 0x3f1c, flags: 0x0120, qd: 1, ar: 1 }), labels('example.com'), u16(1), u16(1), 0, u16(41), u16(1232), u32(0), u16(0));
  const rows: { title: string; bytes: Uint8Array }[] = [
    {
      title: 'the strace A response',
      bytes: fromStraceEscapes('\\215l\\205\\200\\0\\1\\0\\1\\0\\0\\0\\0\\3www\\7example\\4test\\0\\0\\1\\0\\1\\300\\f\\0\\1\\0\\1\\0\\0\\0\\0\\0\\4\\n\\0\\0\\5'),
    },
    { title: 'a query with EDNS', bytes: query },
    { title: 'the same query cut by strace -s 32', bytes: query.subarray(0, 32) },
    { title: 'a query cut mid-name', bytes: query.subarray(0, 16) },
    { title: 'just the header of a query', bytes: query.subarray(0, 12) },
    { title: 'an NXDOMAIN', bytes: response('nope.test', 28, [], 0x8183) },
    { title: 'a root NS priming query', bytes: wire(header({ flags: 0, qd: 1 }), 0, u16(2), u16(1)) },
    { title: 'a FORMERR echoing no question', bytes: wire(header({ flags: 0x8001 })) },
    { title: 'a FORMERR echoing no question, with OPT', bytes: wire(header({ flags: 0x8001, ar: 1 }), 0, u16(41), u16(1232), u32(0), u16(0)) },
    { title: 'an mDNS query asking for a unicast response', bytes: wire(header({ id: 0, flags: 0, qd: 1 }), labels('printer.local'), u16(1), u16(0x8001)) },
    { title: 'a NOTIFY', bytes: wire(header({ flags: 0x2400, qd: 1 }), labels('example.test'), u16(6), u16(1)) },
    { title: 'an UPDATE', bytes: wire(header({ flags: 0x2800, qd: 1, ns: 2 }), labels('example.test'), u16(6), u16(1)) },
    { title: 'an IXFR query with its SOA in authority', bytes: wire(header({ flags: 0, qd: 1, ns: 1 }), labels('example.test'), u16(251), u16(1)) },
    { title: 'a DSO keepalive header', bytes: wire(header({ flags: 0x3000 })) },
  ];
  for (const { title, bytes } of rows) {
    it(title, () => assert.equal(looksLikeDnsMessage(bytes), true));
  }

  it('random valid queries and responses with one question and a plausible header, and their cuts', () => {
    fc.assert(
      fc.property(loosePacket, (packet) => {
        packet.flags &= ~0x7840 & ~0x000f; // QUERY opcode, Z clear, NOERROR
        packet.questions = packet.questions.slice(0, 1);
        fc.pre(packet.questions.length === 1 && packet.questions[0]?.type !== 'UNKNOWN_0');
        if (packet.type === 'query') {
          packet.answers = [];
          packet.authorities = packet.authorities.slice(0, 1);
        }
        const bytes = dnsPacket.encode(packet as unknown as dnsPacket.Packet);
        assert.equal(looksLikeDnsMessage(bytes), true);
        // Whatever strace's -s cut leaves of it, as long as the header is there.
        for (let length = 12; length < bytes.length; length++) assert.equal(looksLikeDnsMessage(bytes.subarray(0, length)), true);
      }),
    );
  });
});

describe('looksLikeDnsMessage rejects noise', () => {
  const rows: { title: string; bytes: Uint8Array }[] = [
    { title: 'an HTTP request line', bytes: text('GET / HTTP/1.1\r\n') },
    { title: 'a docker API request', bytes: text('POST /v1.43/containers/create HTTP/1.1\r\nHost: docker\r\n\r\n') },
    { title: 'an HTTP response', bytes: text('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n') },
    { title: 'tiny JSON', bytes: text('{"a":1}') },
    { title: 'JSON', bytes: text('{"Id":"4f2a","State":{"Status":"running","Pid":4242}}') },
    { title: 'a JSON array', bytes: text('[{"name":"bridge","driver":"bridge"}]') },
    { title: 'an HTTP/2 preface', bytes: text('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n') },
    { title: 'protobuf', bytes: wire(0x0a, 0x05, 'hello', 0x10, 0x96, 0x01, 0x1a, 0x03, 'abc', 0x20, 0x01) },
    { title: 'a gRPC frame', bytes: wire(0, 0, 0, 0, 0x0c, 0x0a, 0x0a, 'containerd', 0x10, 0x01) },
    { title: 'a TLS ClientHello', bytes: wire(0x16, 0x03, 0x01, 0x00, 0xf8, 0x01, 0x00, 0x00, 0xf4, 0x03, 0x03, ...new Array<number>(32).fill(0x5a)) },
    { title: 'a netlink message', bytes: wire(0x28, 0, 0, 0, 0x10, 0, 0x05, 0x03, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x11, 0, 0, 0) },
    { title: 'zeros', bytes: new Uint8Array(64) },
    { title: 'ones', bytes: new Uint8Array(64).fill(0xff) },
    { title: 'shorter than a header', bytes: wire(header({ flags: 0x0100, qd: 1 })).subarray(0, 11) },
    { title: 'a query with the Z bit', bytes: wire(header({ flags: 0x0140, qd: 1 }), labels('a.test'), u16(1), u16(1)) },
    { title: 'a query with an rcode', bytes: wire(header({ flags: 0x0103, qd: 1 }), labels('a.test'), u16(1), u16(1)) },
    { title: 'a query with answers', bytes: wire(header({ flags: 0x0100, qd: 1, an: 1 }), labels('a.test'), u16(1), u16(1)) },
    { title: 'opcode 3', bytes: wire(header({ flags: 0x1900, qd: 1 }), labels('a.test'), u16(1), u16(1)) },
    { title: 'two questions', bytes: wire(header({ flags: 0x0100, qd: 2 }), labels('a.test'), u16(1), u16(1)) },
    { title: 'a NOERROR response without a question', bytes: wire(header({ flags: 0x8180 })) },
    { title: 'a pointer in the first name', bytes: wire(header({ flags: 0x0100, qd: 1 }), 0xc0, 0x0c, u16(1), u16(1)) },
    { title: 'question type 0', bytes: wire(header({ flags: 0x0100, qd: 1 }), labels('a.test'), u16(0), u16(1)) },
    { title: 'an unassigned question class', bytes: wire(header({ flags: 0x0100, qd: 1 }), labels('a.test'), u16(1), u16(7)) },
    { title: 'counts that cannot fit 64 KiB', bytes: wire(header({ flags: 0x8180, qd: 1, an: 3000, ns: 3000 }), labels('a.test'), u16(1), u16(1)) },
    { title: 'a DSO with a question', bytes: wire(header({ flags: 0x3000, qd: 1 }), labels('a.test'), u16(1), u16(1)) },
  ];
  for (const { title, bytes } of rows) {
    it(title, () => assert.equal(looksLikeDnsMessage(bytes), false));
  }

  const noises: { title: string; seed: number; fill: (random: () => number) => number; maxRate: number }[] = [
    { title: 'uniform random bytes', seed: 53, fill: (random) => Math.floor(random() * 256), maxRate: 1e-4 },
    { title: 'random printable ASCII', seed: 54, fill: (random) => 0x20 + Math.floor(random() * 95), maxRate: 1e-4 },
    // Small integers dominate real binary protocols (lengths, counts, enums, padding), so bias toward them.
    { title: 'random bytes biased to 0 and small values', seed: 55, fill: (random) => (random() < 0.5 ? 0 : random() < 0.5 ? Math.floor(random() * 8) : Math.floor(random() * 256)), maxRate: 1e-2 },
  ];
  for (const { title, seed, fill, maxRate } of noises) {
    it(`${title}: false-positive rate over 100k buffers of 20–200 bytes`, (t) => {
      const buffers = randomBuffers(seed, 100_000, fill);
      const accepted = buffers.filter((bytes) => looksLikeDnsMessage(bytes)).length;
      t.diagnostic(`${title}: ${accepted} / ${buffers.length} accepted (${((accepted / buffers.length) * 100).toFixed(4)}%)`);
      assert.ok(accepted / buffers.length <= maxRate, `${accepted} accepted`);
    });
  }
});
