import assert from 'node:assert/strict';
import { test } from 'node:test';
import dnsPacket from 'dns-packet';
import { internetChecksum } from '../../../src/sinks/pcap/internet-checksum.js';
import { encodeIpAddress } from '../../../src/sinks/pcap/ip-address-bytes.js';
import { IP_PROTOCOL, buildIpPacket, type IpEnds } from '../../../src/sinks/pcap/ip-packet.js';
import { buildUdpDatagram } from '../../../src/sinks/pcap/udp-datagram.js';
import { TCP_FLAG, buildTcpSegment } from '../../../src/sinks/pcap/tcp-segment.js';
import { buildPortUnreachable } from '../../../src/sinks/pcap/icmp-unreachable.js';
import { decodeIpPacket } from '../../support/ip-packet-decoder.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s/g, ''), 'hex'));

test('the Internet checksum matches RFC 1071 §3 and a real IPv4 header', () => {
  // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (after the end-around carry); the checksum is its complement.
  assert.equal(internetChecksum([hex('0001 f203 f4f5 f6f7')]), 0xffff - 0xddf2);
  // An IPv4 header with its checksum field zeroed; the header as sent carried b861.
  assert.equal(internetChecksum([hex('4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7')]), 0xb861);
  // A header that carries its checksum sums to zero.
  assert.equal(internetChecksum([hex('4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7')]), 0);
});

test('the checksum runs across buffers as one, an odd byte pairing with the next buffer', () => {
  const whole = hex('0102030405060708090a0b');
  for (let cut = 0; cut <= whole.length; cut++) {
    assert.equal(internetChecksum([whole.subarray(0, cut), whole.subarray(cut)]), internetChecksum([whole]), `cut at ${cut}`);
  }
  // An odd tail is padded with a zero byte (RFC 1071 §4.1).
  assert.equal(internetChecksum([hex('ab')]), internetChecksum([hex('ab00')]));
});

test('addresses as the trace prints them become their bytes; anything else is null', () => {
  const cases: [('inet' | 'inet6'), string, string | null][] = [
    ['inet', '172.18.0.2', 'ac120002'],
    ['inet', '0.0.0.0', '00000000'],
    ['inet', '256.1.1.1', null],
    ['inet', '10.0.0', null],
    ['inet6', '::', '0'.repeat(32)],
    ['inet6', '::1', `${'0'.repeat(31)}1`],
    ['inet6', 'fd00::53', `fd00${'0'.repeat(24)}0053`],
    ['inet6', '2001:db8:0:0:1:0:0:1', '20010db8000000000001000000000001'],
    ['inet6', '::ffff:10.0.0.1', `${'0'.repeat(20)}ffff0a000001`],
    ['inet6', 'fe80::1%eth0', `fe80${'0'.repeat(27)}1`],
    ['inet6', '1::2::3', null],
    ['inet6', '1:2:3:4:5:6:7:8:9', null],
    ['inet6', 'xyz::', null],
  ];
  for (const [family, text, expected] of cases) {
    const bytes = encodeIpAddress(family, text);
    assert.equal(bytes && Buffer.from(bytes).toString('hex'), expected, text);
  }
});

const V4: IpEnds = { family: 'inet', source: encodeIpAddress('inet', '172.18.0.2')!, destination: encodeIpAddress('inet', '10.77.0.2')! };
const V6: IpEnds = { family: 'inet6', source: encodeIpAddress('inet6', 'fd00::2')!, destination: encodeIpAddress('inet6', 'fd00::53')! };
const QUERY = dnsPacket.encode({ type: 'query', id: 0x4dd8, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'www.example.test' }] });

for (const ends of [V4, V6]) {
  test(`a UDP query over ${ends.family} decodes back to its addresses, ports, checksums and DNS message`, () => {
    const packet = buildIpPacket(ends, IP_PROTOCOL.udp, buildUdpDatagram(ends, 54942, 53, QUERY));
    const decoded = decodeIpPacket(packet);
    assert.equal(decoded.version, ends.family === 'inet' ? 4 : 6);
    assert.equal(decoded.source, ends.family === 'inet' ? '172.18.0.2' : 'fd00:0:0:0:0:0:0:2');
    assert.equal(decoded.destination, ends.family === 'inet' ? '10.77.0.2' : 'fd00:0:0:0:0:0:0:53');
    assert.equal(decoded.protocol, 17);
    assert.equal(decoded.totalLength, packet.length);
    assert.equal(decoded.ipChecksumOk, ends.family === 'inet' ? true : null);
    assert.ok(decoded.transportChecksumOk);
    const udp = Buffer.from(decoded.payload);
    assert.deepEqual([udp.readUInt16BE(0), udp.readUInt16BE(2), udp.readUInt16BE(4)], [54942, 53, 8 + QUERY.length]);
    const message = dnsPacket.decode(udp.subarray(8));
    assert.equal(message.id, 0x4dd8);
    assert.equal(message.questions?.[0]?.name, 'www.example.test');
  });

  test(`a TCP segment over ${ends.family} carries its sequence numbers, flags and a valid checksum`, () => {
    const data = Buffer.concat([Buffer.from([0, QUERY.length]), QUERY]);
    const segment = buildTcpSegment(ends, { sourcePort: 48746, destinationPort: 53, seq: 0xfffffff0, ack: 77, flags: TCP_FLAG.psh | TCP_FLAG.ack }, data);
    const decoded = decodeIpPacket(buildIpPacket(ends, IP_PROTOCOL.tcp, segment));
    assert.equal(decoded.protocol, 6);
    assert.ok(decoded.transportChecksumOk);
    const tcp = Buffer.from(decoded.payload);
    assert.deepEqual([tcp.readUInt16BE(0), tcp.readUInt16BE(2), tcp.readUInt32BE(4), tcp.readUInt32BE(8), tcp[12]! >> 4, tcp[13]], [48746, 53, 0xfffffff0, 77, 5, 0x18]);
    assert.deepEqual(dnsPacket.streamDecode(tcp.subarray(20)).id, 0x4dd8);
    // Without ACK the acknowledgement field is zero (RFC 9293: it is meaningful only with ACK).
    const syn = Buffer.from(buildTcpSegment(ends, { sourcePort: 1, destinationPort: 53, seq: 5, ack: 99, flags: TCP_FLAG.syn }, new Uint8Array(0)));
    assert.equal(syn.readUInt32BE(8), 0);
  });

  test(`port unreachable over ${ends.family} answers from the reporter to the query's source, quoting it`, () => {
    const query = buildIpPacket(ends, IP_PROTOCOL.udp, buildUdpDatagram(ends, 54942, 53, QUERY));
    const { packet, knownLength } = buildPortUnreachable(query, ends.destination);
    const decoded = decodeIpPacket(packet);
    assert.equal(decoded.source, decodeIpPacket(query).destination);
    assert.equal(decoded.destination, decodeIpPacket(query).source);
    assert.equal(decoded.protocol, ends.family === 'inet' ? 1 : 58);
    assert.deepEqual([decoded.payload[0], decoded.payload[1]], ends.family === 'inet' ? [3, 3] : [1, 4]);
    assert.ok(decoded.transportChecksumOk);
    assert.deepEqual(Buffer.from(decoded.payload.subarray(8)), Buffer.from(query));
    assert.equal(knownLength, packet.length);
  });

  test(`port unreachable over ${ends.family} keeps within ${ends.family === 'inet' ? 576 : 1280} bytes, and knows only what the query's capture showed`, () => {
    const big = buildIpPacket(ends, IP_PROTOCOL.udp, buildUdpDatagram(ends, 1, 53, new Uint8Array(4000)));
    const limit = ends.family === 'inet' ? 576 : 1280;
    const full = buildPortUnreachable(big, ends.destination);
    assert.equal(full.packet.length, limit);
    assert.ok(decodeIpPacket(full.packet).transportChecksumOk);
    const header = ends.family === 'inet' ? 28 : 48;
    assert.equal(buildPortUnreachable(big, ends.destination, 60).knownLength, header + 60);
  });
}
