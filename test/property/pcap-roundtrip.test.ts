import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildConversationPackets, type Conversation } from '../../src/sinks/pcap/conversation-packets.js';
import { buildPacketEnds } from '../../src/sinks/pcap/packet-ends.js';
import { buildEnhancedPacketBlock, buildInterfaceDescriptionBlock, buildSectionHeaderBlock } from '../../src/sinks/pcap/pcapng-blocks.js';
import { decodeIpPacket } from '../support/ip-packet-decoder.js';
import { readPcapng } from '../support/pcapng-reader.js';

// Random conversations (the level below a Session: addresses, protocol, payloads cut short or whole,
// refusals) become pcapng that reads back with every block consistent and, where the whole packet was
// captured, every IPv4 header, UDP, TCP and ICMP checksum valid.

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.'));
const ipv6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((groups) => groups.map((g) => g.toString(16)).join(':'));
const address = fc.option(
  fc.oneof(
    fc.record({ family: fc.constant('inet' as const), ip: ipv4, port: fc.nat(65535) }),
    fc.record({ family: fc.constant('inet6' as const), ip: ipv6, port: fc.nat(65535) }),
  ),
);
const message = fc.record({
  from: fc.constantFrom('initiator' as const, 'responder' as const),
  timeNs: fc.bigInt({ min: 0n, max: 2n ** 62n }),
  bytes: fc.uint8Array({ maxLength: 700 }),
  extra: fc.nat(400),
  comment: fc.string({ maxLength: 40 }),
});
const conversation = fc.record({
  proto: fc.constantFrom('udp' as const, 'tcp' as const),
  initiator: address,
  responder: address,
  openedAt: fc.option(fc.bigInt({ min: 0n, max: 2n ** 62n })),
  messages: fc.array(message, { maxLength: 5 }),
  refused: fc.option(fc.record({ timeNs: fc.bigInt({ min: 0n, max: 2n ** 62n }), comment: fc.string({ maxLength: 20 }) })),
});

test('random conversations read back as well-formed pcapng with valid checksums', () => {
  fc.assert(
    fc.property(conversation, (c) => {
      const built: Conversation = {
        proto: c.proto,
        ends: buildPacketEnds(c.initiator, c.responder, { initiator: 0, responder: 53 }),
        openedAt: c.openedAt,
        messages: c.messages.map((m) => ({ from: m.from, timeNs: m.timeNs, bytes: m.bytes, length: m.bytes.length + m.extra, comment: m.comment })),
        refused: c.refused,
        comment: 'handshake',
      };
      const packets = buildConversationPackets(built);
      const file = Buffer.concat([buildSectionHeaderBlock('ns53 test'), buildInterfaceDescriptionBlock('test'), ...packets.map(buildEnhancedPacketBlock)]);
      const read = readPcapng(file);
      assert.equal(read.packets.length, packets.length);
      read.packets.forEach((readBack, i) => {
        const packet = packets[i]!;
        assert.equal(readBack.originalLength, packet.bytes.length);
        assert.ok(readBack.captured.length <= readBack.originalLength);
        assert.equal(readBack.timeNs, BigInt.asUintN(64, packet.timeNs));
        const decoded = decodeIpPacket(packet.bytes);
        assert.equal(decoded.totalLength, packet.bytes.length);
        if (decoded.version === 4) assert.ok(decoded.ipChecksumOk, 'IPv4 header checksum');
        // The checksums cover the whole packet; the capture holds it all exactly when nothing was cut short.
        assert.ok(decoded.transportChecksumOk, `protocol ${decoded.protocol} checksum`);
      });
    }),
    { numRuns: 300 },
  );
});
