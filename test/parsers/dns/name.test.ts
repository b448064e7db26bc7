import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decodeDnsName } from '../../../parsers/dns/index.js';
import { labels, pointer, wire } from './wire-builder.js';

/** 12 filler bytes, so offsets in these cases look like offsets in a message. */
const HEADER = new Array<number>(12).fill(0);

describe('decodeDnsName', () => {
  const cases: { title: string; bytes: Uint8Array; offset: number; name: string; end: number }[] = [
    { title: 'root', bytes: wire(0), offset: 0, name: '.', end: 1 },
    { title: 'plain name, no trailing dot', bytes: wire(labels('www.example.test')), offset: 0, name: 'www.example.test', end: 18 },
    { title: 'single label', bytes: wire(labels('localhost')), offset: 0, name: 'localhost', end: 11 },
    { title: 'case is kept', bytes: wire(labels('WwW.Example.TEST')), offset: 0, name: 'WwW.Example.TEST', end: 18 },
    {
      title: 'pointer to a whole earlier name',
      bytes: wire(HEADER, labels('example.test'), pointer(12)),
      offset: 26,
      name: 'example.test',
      end: 28,
    },
    {
      title: 'labels then a pointer into the middle of an earlier name',
      bytes: wire(HEADER, labels('www.example.test'), labels('mail').slice(0, -1), pointer(16)),
      offset: 30,
      name: 'mail.example.test',
      end: 37,
    },
    {
      title: 'pointer to a pointer',
      bytes: wire(HEADER, labels('example.test'), pointer(12), labels('www').slice(0, -1), pointer(26)),
      offset: 28,
      name: 'www.example.test',
      end: 34,
    },
    { title: 'pointer to the root', bytes: wire(HEADER, 0, pointer(12)), offset: 13, name: '.', end: 15 },
    {
      title: 'odd bytes are escaped like dig: . \\ space, controls and high bytes as \\DDD',
      bytes: wire(5, 'a.b\\c', 7, ' ', 0x00, 0x7f, 0xff, '"', '~', '!', 0),
      offset: 0,
      name: 'a\\.b\\\\c.\\032\\000\\127\\255"~!',
      end: 15,
    },
    {
      title: 'a 255-octet name (the RFC 1035 maximum) is accepted',
      bytes: wire(...['a', 'b', 'c'].map((c) => [63, c.repeat(63)]).flat(), 61, 'd'.repeat(61), 0),
      offset: 0,
      name: ['a', 'b', 'c'].map((c) => c.repeat(63)).join('.') + '.' + 'd'.repeat(61),
      end: 255,
    },
  ];
  for (const { title, bytes, offset, name, end } of cases) {
    it(title, () => {
      assert.deepEqual(decodeDnsName(bytes, offset), { name, end, truncated: false, malformed: null });
    });
  }

  describe('a buffer that ends inside the name keeps what was read', () => {
    const full = wire(labels('www.example.test'));
    const expected = [
      '', // 0 bytes
      '', // length octet only
      'w',
      'ww',
      'www',
      'www', // next length octet read, no bytes of it yet
      'www.e',
    ];
    expected.forEach((name, length) => {
      it(`cut at ${length} bytes → "${name}"`, () => {
        assert.deepEqual(decodeDnsName(full.subarray(0, length), 0), { name, end: length, truncated: true, malformed: null });
      });
    });
    it('cut after the first octet of a pointer', () => {
      const bytes = wire(HEADER, labels('example.test'), labels('www').slice(0, -1), 0xc0);
      assert.deepEqual(decodeDnsName(bytes, 26), { name: 'www', end: 31, truncated: true, malformed: null });
    });
    it('every cut of a name is a prefix of the whole name', () => {
      const bytes = wire(5, 'a.b\\c', 7, ' ', 0x00, 0x7f, 0xff, '"', '~', '!', 0);
      for (let length = 0; length < bytes.length; length++) {
        const decoded = decodeDnsName(bytes.subarray(0, length), 0);
        assert.equal(decoded.truncated, true);
        assert.ok('a\\.b\\\\c.\\032\\000\\127\\255"~!'.startsWith(decoded.name), decoded.name);
      }
    });
  });

  describe('limit (the end of the RDATA holding the name)', () => {
    const bytes = wire(labels('www.example.test'), 1, 2, 3);
    it('running past a limit inside the buffer is malformed', () => {
      const decoded = decodeDnsName(bytes, 0, 10);
      assert.equal(decoded.truncated, false);
      assert.equal(decoded.malformed, 'name runs past the end of its record data');
    });
    it('running past the buffer before a limit beyond it is truncation', () => {
      const decoded = decodeDnsName(bytes.subarray(0, 10), 0, 18);
      assert.deepEqual(decoded, { name: 'www.examp', end: 10, truncated: true, malformed: null });
    });
    it('a name ending exactly at the limit is whole', () => {
      assert.equal(decodeDnsName(bytes, 0, 18).name, 'www.example.test');
    });
  });

  describe('malformed names terminate quickly and say why', () => {
    const chain: number[] = [...HEADER, ...labels('a')];
    for (let target = 12; chain.length < 12 + 3 + 2 * 5000; target = chain.length - 2) chain.push(...pointer(target));
    const cases: { title: string; bytes: Uint8Array; offset: number; reason: RegExp }[] = [
      { title: 'self-pointer', bytes: wire(HEADER, pointer(12)), offset: 12, reason: /compression loop at offset 12/ },
      {
        title: 'two pointers pointing at each other',
        bytes: wire(HEADER, pointer(14), pointer(12)),
        offset: 14,
        reason: /forward compression pointer at offset 12/,
      },
      { title: 'forward pointer', bytes: wire(HEADER, pointer(20), labels('a.b.c')), offset: 12, reason: /forward compression pointer/ },
      {
        title: 'pointer back into its own run of labels',
        bytes: wire(HEADER, 1, 'a', 1, 'b', pointer(14)),
        offset: 12,
        reason: /compression loop at offset 16/,
      },
      {
        title: 'a 5000-pointer chain',
        bytes: Uint8Array.from(chain),
        offset: chain.length - 2,
        reason: /more than 128 compression pointers/,
      },
      { title: 'label type 0x40', bytes: wire(3, 'www', 0x41, 'x', 0), offset: 0, reason: /extended label type 0x40 at offset 4/ },
      { title: 'label type 0x80', bytes: wire(0x80, 0), offset: 0, reason: /reserved label type 0x80 at offset 0/ },
      {
        title: 'longer than 255 octets',
        bytes: wire(...['a', 'b', 'c', 'd'].map((c) => [63, c.repeat(63)]).flat(), 0),
        offset: 0,
        reason: /name longer than 255 octets/,
      },
      {
        title: 'longer than 255 octets through pointers',
        bytes: wire(HEADER, ...['a', 'b', 'c'].map((c) => [63, c.repeat(63)]).flat(), 0, 63, 'd'.repeat(63), pointer(12)),
        offset: 205,
        reason: /name longer than 255 octets/,
      },
    ];
    for (const { title, bytes, offset, reason } of cases) {
      it(title, () => {
        const started = performance.now();
        const decoded = decodeDnsName(bytes, offset);
        assert.ok(performance.now() - started < 50, 'took too long');
        assert.equal(decoded.truncated, false);
        assert.match(decoded.malformed ?? '', reason);
      });
    }
  });
});
