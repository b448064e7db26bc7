import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';

import dnsPacket from 'dns-packet';
import fc from 'fast-check';

import { decodeDnsMessage, formatOpcode, formatRcode, type DnsMessage, type DnsRecord } from '../../../parsers/dns/index.js';
import { loosePacket, type LoosePacket } from './dns-packet-arbitraries.js';
import { classCodeOf, presentData, presentName, typeCodeOf } from './dns-packet-reference.js';
import { fromStraceEscapes, header, labels, pointer, record, u16, u32, wire } from './wire-builder.js';

/** The parts of dns-packet's decoded packet we compare (its typings leave out opcode and rcode). */
interface DecodedByDnsPacket {
  id: number;
  flags: number;
  opcode: string;
  rcode: string;
  flag_qr: boolean;
  flag_aa: boolean;
  flag_tc: boolean;
  flag_rd: boolean;
  flag_ra: boolean;
  flag_ad: boolean;
  flag_cd: boolean;
  questions: { name: string; type: string; class: string }[];
  answers: DecodedRecordByDnsPacket[];
  authorities: DecodedRecordByDnsPacket[];
  additionals: DecodedRecordByDnsPacket[];
}

interface DecodedRecordByDnsPacket {
  name: string;
  type: string;
  class: string;
  ttl: number;
  data: unknown;
  udpPayloadSize: number;
  extendedRcode: number;
  ednsVersion: number;
  flag_do: boolean;
  options: { code: number; data: Buffer }[];
}

function encode(packet: LoosePacket): Buffer {
  return dnsPacket.encode(packet as unknown as dnsPacket.Packet);
}

function decodeWithDnsPacket(bytes: Uint8Array): DecodedByDnsPacket {
  return dnsPacket.decode(Buffer.from(bytes)) as unknown as DecodedByDnsPacket;
}

function assertRecordsAgree(ours: readonly DnsRecord[], theirs: readonly DecodedRecordByDnsPacket[], section: string): void {
  assert.equal(ours.length, theirs.length, `${section} length`);
  theirs.forEach((expected, index) => {
    const actual = ours[index];
    const where = `${section}[${index}]`;
    assert.ok(actual !== undefined, where);
    assert.equal(actual.name, presentName(expected.name), `${where} name`);
    assert.equal(actual.typeCode, typeCodeOf(expected.type), `${where} type`);
    if (!expected.type.startsWith('UNKNOWN_')) assert.equal(actual.type, expected.type, `${where} type name`);
    assert.equal(actual.classCode, classCodeOf(expected.class), `${where} class`);
    assert.equal(actual.class, expected.class, `${where} class name`);
    assert.equal(actual.ttl, expected.ttl, `${where} ttl`);
    assert.equal(actual.data, presentData(expected.type, expected.data), `${where} data`);
    assert.equal(actual.truncated, false, `${where} truncated`);
  });
}

/** Compares every field both decoders expose. */
function assertAgree(ours: DnsMessage | null, theirs: DecodedByDnsPacket): void {
  assert.ok(ours !== null);
  assert.equal(ours.truncated, false);
  assert.equal(ours.malformed, null);
  assert.equal(ours.id, theirs.id);
  assert.deepEqual(
    [ours.qr, ours.aa, ours.tc, ours.rd, ours.ra, ours.ad, ours.cd],
    [theirs.flag_qr, theirs.flag_aa, theirs.flag_tc, theirs.flag_rd, theirs.flag_ra, theirs.flag_ad, theirs.flag_cd],
  );
  const opcodeCode = (theirs.flags >> 11) & 0xf;
  assert.equal(ours.opcode, formatOpcode(opcodeCode));
  if (!theirs.opcode.startsWith('OPCODE_')) assert.equal(ours.opcode, theirs.opcode);

  const theirOpt = theirs.additionals.find((additional) => additional.type === 'OPT');
  const headerRcode = theirs.flags & 0xf;
  assert.equal(ours.rcodeCode, ((theirOpt?.extendedRcode ?? 0) << 4) | headerRcode);
  assert.equal(ours.rcode, formatRcode(ours.rcodeCode));
  if (theirOpt === undefined && !theirs.rcode.startsWith('RCODE_')) assert.equal(ours.rcode, theirs.rcode);

  assert.deepEqual(ours.counts, {
    questions: theirs.questions.length,
    answers: theirs.answers.length,
    authorities: theirs.authorities.length,
    additionals: theirs.additionals.length,
  });
  assert.equal(ours.questions.length, theirs.questions.length);
  theirs.questions.forEach((expected, index) => {
    assert.deepEqual(
      ours.questions[index],
      {
        name: presentName(expected.name),
        type: ours.questions[index]?.type,
        typeCode: typeCodeOf(expected.type),
        class: expected.class,
        classCode: classCodeOf(expected.class),
        truncated: false,
      },
      `questions[${index}]`,
    );
  });
  assertRecordsAgree(ours.answers, theirs.answers, 'answers');
  assertRecordsAgree(ours.authorities, theirs.authorities, 'authorities');
  assertRecordsAgree(
    ours.additionals,
    theirs.additionals.filter((additional) => additional.type !== 'OPT'),
    'additionals',
  );

  if (theirOpt === undefined) {
    assert.equal(ours.edns, null);
  } else {
    assert.deepEqual(ours.edns, {
      udpSize: theirOpt.udpPayloadSize,
      extendedRcode: theirOpt.extendedRcode,
      version: theirOpt.ednsVersion,
      dnssecOk: theirOpt.flag_do,
      options: theirOpt.options.map((option) => ({ code: option.code, length: option.data.length })),
    });
  }
}

describe('agrees with dns-packet', () => {
  it('on random valid messages of every supported type, with and without OPT', () => {
    fc.assert(
      fc.property(loosePacket, (packet) => {
        const bytes = encode(packet);
        assertAgree(decodeDnsMessage(bytes), decodeWithDnsPacket(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  const realWorld: { title: string; bytes: Uint8Array }[] = [
    {
      title: 'the strace A response (id 0x8d6c, flags 0x8580, www.example.test A 10.0.0.5 TTL 0)',
      bytes: fromStraceEscapes(
        '\\215l\\205\\200\\0\\1\\0\\1\\0\\0\\0\\0\\3www\\7example\\4test\\0\\0\\1\\0\\1\\300\\f\\0\\1\\0\\1\\0\\0\\0\\0\\0\\4\\n\\0\\0\\5',
      ),
    },
    {
      title: 'a glibc AAAA query with EDNS',
      bytes: wire(header({ id: 0xa1b2, flags: 0x0100, qd: 1, ar: 1 }), labels('registry-1.docker.io'), u16(28), u16(1), 0, u16(41), u16(1232), u32(0), u16(0)),
    },
    {
      title: "a docker embedded-DNS reply: CNAME chain, compressed",
      bytes: wire(
        header({ id: 0x4f00, flags: 0x8180, qd: 1, an: 3 }),
        labels('api.github.com'),
        u16(1),
        u16(1),
        record(pointer(12), 5, [...labels('lb-140-82-121-6-fra').slice(0, -1), ...pointer(16)], 52),
        record(pointer(44), 1, [140, 82, 121, 6], 52),
        record(pointer(44), 1, [140, 82, 121, 5], 52),
      ),
    },
    {
      title: 'an NXDOMAIN with SOA in authority and EDNS',
      bytes: wire(
        header({ id: 0x0007, flags: 0x8183, qd: 1, ns: 1, ar: 1 }),
        labels('nope.example.test'),
        u16(1),
        u16(1),
        record(pointer(17), 6, [...labels('ns.example.test'), ...labels('hostmaster.example.test'), ...u32(2024), ...u32(3600), ...u32(600), ...u32(86400), ...u32(60)], 60),
        0,
        u16(41),
        u16(4096),
        u32(0x00008000),
        u16(0),
      ),
    },
    {
      title: 'a SERVFAIL with no answers',
      bytes: wire(header({ id: 0xffff, flags: 0x8182, qd: 1 }), labels('slow.test'), u16(28), u16(1)),
    },
    {
      title: 'an MX/TXT/SRV/AAAA mix',
      bytes: wire(
        header({ flags: 0x8400, qd: 1, an: 4 }),
        labels('example.test'),
        u16(255),
        u16(1),
        record(pointer(12), 15, [...u16(10), 4, ...Buffer.from('mail'), ...pointer(12)]),
        record(pointer(12), 16, [15, ...Buffer.from('v=spf1 -all "x"')]),
        record(pointer(12), 33, [...u16(0), ...u16(5), ...u16(443), ...pointer(12)]),
        record(pointer(12), 28, [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 0x42]),
      ),
    },
  ];
  for (const { title, bytes } of realWorld) {
    it(title, () => {
      assertAgree(decodeDnsMessage(bytes), decodeWithDnsPacket(bytes));
    });
  }
});
