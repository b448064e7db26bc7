import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decodeDnsMessage, RR_TYPE, type DnsMessage } from '../../../parsers/dns/index.js';
import { labels, pointer, record, response, u16, u32, wire } from './wire-builder.js';

/** The question name sits at offset 12 of every response built here, so pointer(12) names it. */
const QNAME = 'x.test';
const AT_QNAME = pointer(12);

function decodeOne(type: number, rdata: readonly number[], options: { ttl?: number; klass?: number } = {}): DnsMessage {
  const message = decodeDnsMessage(response(QNAME, type, [record(AT_QNAME, type, rdata, options.ttl, options.klass)]));
  assert.ok(message !== null);
  return message;
}

function ipv6(...groups: number[]): number[] {
  return groups.flatMap((group) => u16(group));
}

describe('RDATA presentation, one table row per case', () => {
  const rows: { title: string; type: number; rdata: number[]; typeName: string; data: string }[] = [
    { title: 'A', type: RR_TYPE.A, rdata: [10, 0, 0, 5], typeName: 'A', data: '10.0.0.5' },
    { title: 'A with high octets', type: RR_TYPE.A, rdata: [255, 254, 128, 0], typeName: 'A', data: '255.254.128.0' },
    { title: 'AAAA compressed', type: RR_TYPE.AAAA, rdata: ipv6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), typeName: 'AAAA', data: '2001:db8::1' },
    { title: 'AAAA unspecified', type: RR_TYPE.AAAA, rdata: ipv6(0, 0, 0, 0, 0, 0, 0, 0), typeName: 'AAAA', data: '::' },
    { title: 'AAAA loopback', type: RR_TYPE.AAAA, rdata: ipv6(0, 0, 0, 0, 0, 0, 0, 1), typeName: 'AAAA', data: '::1' },
    { title: 'AAAA trailing zeros', type: RR_TYPE.AAAA, rdata: ipv6(0xfe80, 0, 0, 0, 0, 0, 0, 0), typeName: 'AAAA', data: 'fe80::' },
    {
      title: 'AAAA longest zero run wins',
      type: RR_TYPE.AAAA,
      rdata: ipv6(0x2001, 0, 0, 1, 0, 0, 0, 1),
      typeName: 'AAAA',
      data: '2001:0:0:1::1',
    },
    {
      title: 'AAAA first run wins a tie',
      type: RR_TYPE.AAAA,
      rdata: ipv6(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1),
      typeName: 'AAAA',
      data: '2001:db8::1:0:0:1',
    },
    {
      title: 'AAAA single zero group is not compressed',
      type: RR_TYPE.AAAA,
      rdata: ipv6(0x2001, 0xdb8, 0, 1, 1, 1, 1, 1),
      typeName: 'AAAA',
      data: '2001:db8:0:1:1:1:1:1',
    },
    {
      title: 'AAAA lower-case without leading zeros',
      type: RR_TYPE.AAAA,
      rdata: ipv6(0x2001, 0x0db8, 0x00ab, 0xcdef, 0x0001, 0x0010, 0x0100, 0xffff),
      typeName: 'AAAA',
      data: '2001:db8:ab:cdef:1:10:100:ffff',
    },
    {
      title: 'AAAA IPv4-mapped',
      type: RR_TYPE.AAAA,
      rdata: [...ipv6(0, 0, 0, 0, 0, 0xffff), 192, 0, 2, 1],
      typeName: 'AAAA',
      data: '::ffff:192.0.2.1',
    },
    { title: 'NS', type: RR_TYPE.NS, rdata: labels('ns1.example.test'), typeName: 'NS', data: 'ns1.example.test' },
    { title: 'CNAME', type: RR_TYPE.CNAME, rdata: labels('edge.cdn.test'), typeName: 'CNAME', data: 'edge.cdn.test' },
    {
      title: 'CNAME compressed against the question',
      type: RR_TYPE.CNAME,
      rdata: [3, ...'www'.split('').map((c) => c.charCodeAt(0)), ...AT_QNAME],
      typeName: 'CNAME',
      data: 'www.x.test',
    },
    { title: 'CNAME to the root', type: RR_TYPE.CNAME, rdata: [0], typeName: 'CNAME', data: '.' },
    { title: 'PTR', type: RR_TYPE.PTR, rdata: labels('host.example.test'), typeName: 'PTR', data: 'host.example.test' },
    { title: 'DNAME', type: RR_TYPE.DNAME, rdata: labels('other.test'), typeName: 'DNAME', data: 'other.test' },
    { title: 'MX', type: RR_TYPE.MX, rdata: [...u16(10), ...labels('mail.example.test')], typeName: 'MX', data: '10 mail.example.test' },
    { title: 'MX null (RFC 7505)', type: RR_TYPE.MX, rdata: [...u16(0), 0], typeName: 'MX', data: '0 .' },
    { title: 'TXT one string', type: RR_TYPE.TXT, rdata: [11, ...Buffer.from('hello world')], typeName: 'TXT', data: '"hello world"' },
    {
      title: 'TXT several strings, empty one included',
      type: RR_TYPE.TXT,
      rdata: [1, 0x61, 0, 3, ...Buffer.from('b c')],
      typeName: 'TXT',
      data: '"a" "" "b c"',
    },
    {
      title: 'TXT escaping like dig',
      type: RR_TYPE.TXT,
      rdata: [7, 0x22, 0x5c, 0x00, 0x0a, 0x7f, 0xe9, 0x3b],
      typeName: 'TXT',
      data: '"\\"\\\\\\000\\010\\127\\233;"',
    },
    { title: 'SPF reads like TXT', type: RR_TYPE.SPF, rdata: [6, ...Buffer.from('v=spf1')], typeName: 'SPF', data: '"v=spf1"' },
    {
      title: 'SRV',
      type: RR_TYPE.SRV,
      rdata: [...u16(10), ...u16(20), ...u16(5060), ...labels('sip.example.test')],
      typeName: 'SRV',
      data: '10 20 5060 sip.example.test',
    },
    {
      title: 'SOA',
      type: RR_TYPE.SOA,
      rdata: [
        ...labels('ns.example.test'),
        ...labels('hostmaster.example.test'),
        ...u32(2024010101),
        ...u32(7200),
        ...u32(3600),
        ...u32(1209600),
        ...u32(300),
      ],
      typeName: 'SOA',
      data: 'ns.example.test hostmaster.example.test 2024010101 7200 3600 1209600 300',
    },
    {
      title: 'SOA with a dotted mailbox and a serial above 2^31',
      type: RR_TYPE.SOA,
      rdata: [...AT_QNAME, 10, ...Buffer.from('first.last'), ...AT_QNAME, ...u32(0xffffffff), ...u32(1), ...u32(2), ...u32(3), ...u32(4)],
      typeName: 'SOA',
      data: 'x.test first\\.last.x.test 4294967295 1 2 3 4',
    },
    {
      title: 'CAA',
      type: RR_TYPE.CAA,
      rdata: [0, 5, ...Buffer.from('issue'), ...Buffer.from('letsencrypt.org')],
      typeName: 'CAA',
      data: '0 issue "letsencrypt.org"',
    },
    {
      title: 'CAA critical with quotes in the value',
      type: RR_TYPE.CAA,
      rdata: [128, 5, ...Buffer.from('iodef'), ...Buffer.from('say "hi"')],
      typeName: 'CAA',
      data: '128 iodef "say \\"hi\\""',
    },
    {
      title: 'HINFO',
      type: RR_TYPE.HINFO,
      rdata: [9, ...Buffer.from('INTEL-386'), 5, ...Buffer.from('Linux')],
      typeName: 'HINFO',
      data: '"INTEL-386" "Linux"',
    },
    { title: 'HTTPS (generic form)', type: RR_TYPE.HTTPS, rdata: [0, 1, 0], typeName: 'HTTPS', data: '\\# 3 000100' },
    { title: 'SVCB (generic form)', type: RR_TYPE.SVCB, rdata: [0, 1, 0], typeName: 'SVCB', data: '\\# 3 000100' },
    { title: 'DS (generic form)', type: RR_TYPE.DS, rdata: [0xab, 0xcd, 8, 2], typeName: 'DS', data: '\\# 4 ABCD0802' },
    { title: 'RRSIG (generic form)', type: RR_TYPE.RRSIG, rdata: [0, 1], typeName: 'RRSIG', data: '\\# 2 0001' },
    { title: 'NSEC (generic form)', type: RR_TYPE.NSEC, rdata: [0], typeName: 'NSEC', data: '\\# 1 00' },
    { title: 'DNSKEY (generic form)', type: RR_TYPE.DNSKEY, rdata: [1, 1, 3, 8], typeName: 'DNSKEY', data: '\\# 4 01010308' },
    { title: 'unknown type (RFC 3597)', type: 999, rdata: [0xde, 0xad, 0xbe, 0xef], typeName: 'TYPE999', data: '\\# 4 DEADBEEF' },
    { title: 'unknown type, empty RDATA', type: 65280, rdata: [], typeName: 'TYPE65280', data: '\\# 0' },
  ];
  for (const { title, type, rdata, typeName, data } of rows) {
    it(title, () => {
      const message = decodeOne(type, rdata);
      assert.deepEqual(message.answers, [
        { name: QNAME, type: typeName, typeCode: type, class: 'IN', classCode: 1, ttl: 300, data, truncated: false },
      ]);
      assert.equal(message.truncated, false);
      assert.equal(message.malformed, null);
    });
  }
});

describe('record class and TTL', () => {
  const rows: { klass: number; name: string }[] = [
    { klass: 1, name: 'IN' },
    { klass: 2, name: 'CLASS2' },
    { klass: 3, name: 'CH' },
    { klass: 4, name: 'HS' },
    { klass: 254, name: 'NONE' },
    { klass: 255, name: 'ANY' },
    { klass: 0x8001, name: 'CLASS32769' },
  ];
  for (const { klass, name } of rows) {
    it(`class ${klass} is ${name}`, () => {
      const answer = decodeOne(RR_TYPE.A, [1, 2, 3, 4], { klass }).answers[0];
      assert.equal(answer?.class, name);
      assert.equal(answer?.classCode, klass);
    });
  }
  it('TTL is unsigned 32-bit', () => {
    assert.equal(decodeOne(RR_TYPE.A, [1, 2, 3, 4], { ttl: 0xffffffff }).answers[0]?.ttl, 4294967295);
  });
});

describe('RDATA that contradicts its type is malformed, and the next record is still read', () => {
  const rows: { title: string; type: number; rdata: number[]; data: string; reason: string }[] = [
    { title: 'A of 5 octets', type: RR_TYPE.A, rdata: [1, 2, 3, 4, 5], data: '\\# 5 0102030405', reason: 'A RDATA is 5 octets, expected 4' },
    { title: 'AAAA of 4 octets', type: RR_TYPE.AAAA, rdata: [1, 2, 3, 4], data: '\\# 4 01020304', reason: 'AAAA RDATA is 4 octets, expected 16' },
    { title: 'CNAME with trailing octets', type: RR_TYPE.CNAME, rdata: [...labels('a.test'), 9, 9], data: 'a.test', reason: '2 octets after the last field' },
    { title: 'MX of 1 octet', type: RR_TYPE.MX, rdata: [0], data: '', reason: 'RDATA too short for its type' },
    { title: 'MX whose name overruns the RDATA', type: RR_TYPE.MX, rdata: [0, 1, 3, 0x61], data: '1', reason: 'name runs past the end of its record data' },
    { title: 'TXT string overrunning the RDATA', type: RR_TYPE.TXT, rdata: [1, 0x61, 9, 0x62], data: '"a"', reason: 'character-string of 9 octets overruns the RDATA' },
    { title: 'SOA without its numbers', type: RR_TYPE.SOA, rdata: [0, 0, ...u32(1)], data: '. . 1', reason: 'RDATA too short for its type' },
    { title: 'CNAME with a forward pointer', type: RR_TYPE.CNAME, rdata: pointer(200), data: '', reason: 'forward compression pointer at offset 36' },
  ];
  for (const { title, type, rdata, data, reason } of rows) {
    it(title, () => {
      const bytes = response(QNAME, type, [record(AT_QNAME, type, rdata), record(AT_QNAME, RR_TYPE.A, [10, 0, 0, 1])]);
      const message = decodeDnsMessage(bytes);
      assert.ok(message !== null);
      assert.equal(message.answers[0]?.data, data);
      assert.equal(message.answers[0]?.truncated, false);
      assert.equal(message.answers[1]?.data, '10.0.0.1');
      assert.match(message.malformed ?? '', /^answers\[0\] \(\w+\): /);
      assert.equal(message.malformed?.replace(/^answers\[0\] \(\w+\): /, ''), reason);
      assert.equal(message.truncated, false);
    });
  }
});

describe('RDATA cut by the end of the buffer keeps the fields read', () => {
  const rows: { title: string; type: number; rdata: number[]; keep: number; data: string }[] = [
    { title: 'A', type: RR_TYPE.A, rdata: [10, 0, 0, 5], keep: 3, data: '' },
    { title: 'AAAA', type: RR_TYPE.AAAA, rdata: ipv6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), keep: 15, data: '' },
    { title: 'CNAME mid-name', type: RR_TYPE.CNAME, rdata: labels('edge.cdn.test'), keep: 8, data: 'edge.cd' },
    { title: 'MX after the preference', type: RR_TYPE.MX, rdata: [...u16(10), ...labels('mail.test')], keep: 2, data: '10' },
    { title: 'MX mid-preference', type: RR_TYPE.MX, rdata: [...u16(10), ...labels('mail.test')], keep: 1, data: '' },
    { title: 'TXT mid-string', type: RR_TYPE.TXT, rdata: [2, 0x61, 0x62, 5, ...Buffer.from('hello')], keep: 6, data: '"ab" "he"' },
    { title: 'SRV mid-target', type: RR_TYPE.SRV, rdata: [...u16(1), ...u16(2), ...u16(53), ...labels('ns.test')], keep: 9, data: '1 2 53 ns' },
    {
      title: 'SOA mid-numbers',
      type: RR_TYPE.SOA,
      rdata: [0, 0, ...u32(7), ...u32(8), ...u32(9), ...u32(10), ...u32(11)],
      keep: 13,
      data: '. . 7 8',
    },
    { title: 'CAA mid-value', type: RR_TYPE.CAA, rdata: [0, 5, ...Buffer.from('issue'), ...Buffer.from('ca.test')], keep: 9, data: '0 issue "ca"' },
    { title: 'generic', type: 999, rdata: [1, 2, 3, 4, 5], keep: 2, data: '\\# 2 0102' },
    { title: 'nothing of the RDATA', type: RR_TYPE.CNAME, rdata: labels('a.test'), keep: 0, data: '' },
  ];
  for (const { title, type, rdata, keep, data } of rows) {
    it(title, () => {
      const full = response(QNAME, type, [record(AT_QNAME, type, rdata)]);
      const message = decodeDnsMessage(full.subarray(0, full.length - rdata.length + keep));
      assert.ok(message !== null);
      assert.deepEqual(message.answers, [
        { name: QNAME, type: message.answers[0]?.type, typeCode: type, class: 'IN', classCode: 1, ttl: 300, data, truncated: true },
      ]);
      assert.equal(message.truncated, true);
      assert.equal(message.malformed, null);
    });
  }
});

describe('a record cut in its fixed fields keeps what was read, with -1 / "" for the rest', () => {
  const full = wire(response(QNAME, RR_TYPE.A, [record(AT_QNAME, RR_TYPE.A, [10, 0, 0, 5], 60)]));
  const answerAt = 12 + labels(QNAME).length + 4;
  const rows = [
    { cut: 1, expected: { name: '', type: '', typeCode: -1, class: '', classCode: -1, ttl: -1 } },
    { cut: 2, expected: { name: QNAME, type: '', typeCode: -1, class: '', classCode: -1, ttl: -1 } },
    { cut: 4, expected: { name: QNAME, type: 'A', typeCode: 1, class: '', classCode: -1, ttl: -1 } },
    { cut: 6, expected: { name: QNAME, type: 'A', typeCode: 1, class: 'IN', classCode: 1, ttl: -1 } },
    { cut: 10, expected: { name: QNAME, type: 'A', typeCode: 1, class: 'IN', classCode: 1, ttl: 60 } },
  ];
  for (const { cut, expected } of rows) {
    it(`cut ${cut} bytes into the record`, () => {
      const message = decodeDnsMessage(full.subarray(0, answerAt + cut));
      assert.deepEqual(message?.answers, [{ ...expected, data: '', truncated: true }]);
    });
  }
});
