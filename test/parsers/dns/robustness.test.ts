import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import dnsPacket from 'dns-packet';
import fc from 'fast-check';

import { decodeDnsMessage, decodeDnsTcpMessage, formatRcode, looksLikeDnsMessage, type DnsMessage } from '../../../parsers/dns/index.js';
import { loosePacket } from './dns-packet-arbitraries.js';

const validMessage = loosePacket.map((packet) => new Uint8Array(dnsPacket.encode(packet as unknown as dnsPacket.Packet)));

/** What every decoded message must satisfy, whatever the input. */
function assertConsistent(bytes: Uint8Array, message: DnsMessage | null): void {
  if (bytes.length < 4) {
    assert.equal(message, null);
    return;
  }
  assert.ok(message !== null);
  const { counts } = message;
  assert.ok(message.questions.length <= counts.questions);
  assert.ok(message.answers.length <= counts.answers);
  assert.ok(message.authorities.length <= counts.authorities);
  assert.ok(message.additionals.length + (message.edns === null ? 0 : 1) <= counts.additionals);
  if (!message.truncated && message.malformed === null) {
    assert.equal(message.questions.length, counts.questions);
    assert.equal(message.answers.length, counts.answers);
    assert.equal(message.authorities.length, counts.authorities);
    assert.equal(message.additionals.length + (message.edns === null ? 0 : 1), counts.additionals);
  }
  assert.equal(message.rcode, formatRcode(message.rcodeCode));
  for (const entry of [...message.questions, ...message.answers, ...message.authorities, ...message.additionals]) {
    if (entry.truncated) assert.ok(message.truncated, 'a cut entry implies a cut message');
    else assert.ok(entry.typeCode >= 0 && entry.classCode >= 0 && entry.name !== '', 'a whole entry has all its fields');
  }
}

/** Overwrites, inserts or deletes bytes at chosen positions. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), value: fc.constant(0) }),
  // Compression pointers are where decoders loop or read out of bounds, so plant some.
  fc.record({ kind: fc.constant('pointer' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 0x3fff }) }),
);

function mutate(bytes: Uint8Array, mutations: readonly { kind: string; at: number; value: number }[]): Uint8Array {
  const out = Array.from(bytes);
  for (const { kind, at, value } of mutations) {
    const position = out.length === 0 ? 0 : at % out.length;
    if (kind === 'set') out[position] = value;
    else if (kind === 'insert') out.splice(position, 0, value);
    else if (kind === 'delete') out.splice(position, 1);
    else out.splice(position, 2, 0xc0 | (value >> 8), value & 0xff);
  }
  return Uint8Array.from(out);
}

describe('never throws, and what it returns is consistent', () => {
  it('arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        assertConsistent(bytes, decodeDnsMessage(bytes));
        looksLikeDnsMessage(bytes);
        decodeDnsTcpMessage(bytes);
      }),
      { numRuns: 20000 },
    );
  });

  it('arbitrary bytes behind a plausible header', () => {
    const plausibleHeader = fc.tuple(
      fc.integer({ min: 0, max: 0xffff }),
      fc.constantFrom(0x0100, 0x8180, 0x8183, 0x0120),
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }),
    );
    fc.assert(
      fc.property(plausibleHeader, fc.uint8Array({ maxLength: 300 }), ([id, flags, counts], body) => {
        const bytes = Uint8Array.from([id >> 8, id & 0xff, flags >> 8, flags & 0xff, ...counts.flatMap((count) => [0, count]), ...body]);
        assertConsistent(bytes, decodeDnsMessage(bytes));
      }),
      { numRuns: 20000 },
    );
  });

  it('mutations of valid messages', () => {
    fc.assert(
      fc.property(validMessage, fc.array(mutation, { minLength: 1, maxLength: 4 }), (bytes, mutations) => {
        const mutated = mutate(bytes, mutations);
        assertConsistent(mutated, decodeDnsMessage(mutated));
      }),
      { numRuns: 5000 },
    );
  });

  it('a cut valid message agrees with the whole one on everything it kept', () => {
    fc.assert(
      fc.property(validMessage, fc.nat(), (bytes, cutSeed) => {
        const whole = decodeDnsMessage(bytes);
        const length = cutSeed % (bytes.length + 1);
        const cut = decodeDnsMessage(bytes.subarray(0, length));
        assertConsistent(bytes.subarray(0, length), cut);
        if (cut === null || whole === null) return;
        assert.equal(cut.truncated, length < bytes.length);
        assert.equal(cut.malformed, null);
        for (const section of ['questions', 'answers', 'authorities', 'additionals'] as const) {
          cut[section].forEach((entry, index) => {
            const expected = whole[section][index];
            assert.ok(expected !== undefined);
            if (!entry.truncated) assert.deepEqual(entry, expected);
            else assert.ok(expected.name.startsWith(entry.name));
          });
        }
      }),
      { numRuns: 5000 },
    );
  });
});
