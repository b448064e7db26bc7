import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decodeDnsMessage, RR_TYPE, type DnsMessage, type DnsQuestion, type DnsRecord } from '../../../parsers/dns/index.js';
import { fromStraceEscapes, header, labels, pointer, record, response, u16, u32, wire } from './wire-builder.js';

function decode(bytes: Uint8Array): DnsMessage {
  const message = decodeDnsMessage(bytes);
  assert.ok(message !== null);
  return message;
}

/** An OPT record: root owner, CLASS = UDP size, TTL = extended rcode | version | flags. */
function opt(fields: { udpSize?: number; extendedRcode?: number; version?: number; flags?: number; options?: number[] }): number[] {
  const ttl = ((fields.extendedRcode ?? 0) << 24) | ((fields.version ?? 0) << 16) | (fields.flags ?? 0);
  return record([0], RR_TYPE.OPT, fields.options ?? [], ttl >>> 0, fields.udpSize ?? 1232);
}

/** The A response from the brief, as strace -s 4096 shows it. */
const STRACE_A_RESPONSE =
  '\\215l\\205\\200\\0\\1\\0\\1\\0\\0\\0\\0\\3www\\7example\\4test\\0\\0\\1\\0\\1\\300\\f\\0\\1\\0\\1\\0\\0\\0\\0\\0\\4\\n\\0\\0\\5';

describe('the A response from strace', () => {
  it('decodes every field', () => {
    assert.deepEqual(decode(fromStraceEscapes(STRACE_A_RESPONSE)), {
      id: 0x8d6c,
      qr: true,
      opcode: 'QUERY',
      aa: true,
      tc: false,
      rd: true,
      ra: true,
      ad: false,
      cd: false,
      rcode: 'NOERROR',
      rcodeCode: 0,
      counts: { questions: 1, answers: 1, authorities: 0, additionals: 0 },
      questions: [{ name: 'www.example.test', type: 'A', typeCode: 1, class: 'IN', classCode: 1, truncated: false }],
      answers: [
        { name: 'www.example.test', type: 'A', typeCode: 1, class: 'IN', classCode: 1, ttl: 0, data: '10.0.0.5', truncated: false },
      ],
      authorities: [],
      additionals: [],
      edns: null,
      truncated: false,
      malformed: null,
    });
  });
});

describe('header', () => {
  it('returns null below 4 bytes and the id and flags from 4', () => {
    for (let length = 0; length < 4; length++) assert.equal(decodeDnsMessage(new Uint8Array(length)), null);
    const message = decode(wire(u16(0xbeef), u16(0x0100)));
    assert.equal(message.id, 0xbeef);
    assert.equal(message.rd, true);
    assert.equal(message.truncated, true);
    assert.deepEqual(message.counts, { questions: 0, answers: 0, authorities: 0, additionals: 0 });
  });

  const flagRows: { flags: number; expected: Partial<DnsMessage> }[] = [
    { flags: 0x0000, expected: { qr: false, aa: false, tc: false, rd: false, ra: false, ad: false, cd: false } },
    { flags: 0x8000, expected: { qr: true } },
    { flags: 0x0400, expected: { aa: true } },
    { flags: 0x0200, expected: { tc: true } },
    { flags: 0x0100, expected: { rd: true } },
    { flags: 0x0080, expected: { ra: true } },
    { flags: 0x0020, expected: { ad: true } },
    { flags: 0x0010, expected: { cd: true } },
    { flags: 0x0040, expected: { qr: false, aa: false, tc: false, rd: false, ra: false, ad: false, cd: false } }, // Z
    { flags: 0x0000, expected: { opcode: 'QUERY' } },
    { flags: 0x0800, expected: { opcode: 'IQUERY' } },
    { flags: 0x1000, expected: { opcode: 'STATUS' } },
    { flags: 0x1800, expected: { opcode: 'OPCODE3' } },
    { flags: 0x2000, expected: { opcode: 'NOTIFY' } },
    { flags: 0x2800, expected: { opcode: 'UPDATE' } },
    { flags: 0x3000, expected: { opcode: 'DSO' } },
    { flags: 0x7800, expected: { opcode: 'OPCODE15' } },
    { flags: 0x8183, expected: { rcode: 'NXDOMAIN', rcodeCode: 3 } },
    { flags: 0x8182, expected: { rcode: 'SERVFAIL', rcodeCode: 2 } },
    { flags: 0x8185, expected: { rcode: 'REFUSED', rcodeCode: 5 } },
    { flags: 0x818a, expected: { rcode: 'NOTZONE', rcodeCode: 10 } },
    { flags: 0x818f, expected: { rcode: 'RCODE15', rcodeCode: 15 } },
  ];
  for (const { flags, expected } of flagRows) {
    it(`flags 0x${flags.toString(16).padStart(4, '0')} → ${JSON.stringify(expected)}`, () => {
      const message = decode(wire(header({ flags })));
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(message[key as keyof DnsMessage], value, key);
      assert.equal(message.truncated, false);
    });
  }

  it('header counts that lie are reported as read, and decoding stops at the end of the buffer', () => {
    const bytes = wire(header({ qd: 1, an: 65535, ns: 65535, ar: 65535 }), labels('a.test'), u16(1), u16(1), record(pointer(12), 1, [1, 2, 3, 4]));
    const message = decode(bytes);
    assert.deepEqual(message.counts, { questions: 1, answers: 65535, authorities: 65535, additionals: 65535 });
    assert.equal(message.answers.length, 1);
    assert.equal(message.truncated, true);
    assert.equal(message.malformed, null);
  });

  it('a query with no sections is complete', () => {
    const message = decode(wire(header({ flags: 0x0100 })));
    assert.equal(message.truncated, false);
    assert.deepEqual(message.questions, []);
  });
});

describe('sections', () => {
  it('reads answers, authorities and additionals in order, with compression throughout', () => {
    const bytes = wire(
      header({ flags: 0x8180, qd: 1, an: 2, ns: 1, ar: 1 }),
      labels('www.example.test'), // 12
      u16(1),
      u16(1),
      record(pointer(12), RR_TYPE.CNAME, [4, ...Buffer.from('edge'), ...pointer(16)], 60), // 34: CNAME edge.example.test; rdata at 46
      record(pointer(46), RR_TYPE.A, [10, 0, 0, 7], 60),
      record(pointer(16), RR_TYPE.NS, [2, ...Buffer.from('ns'), ...pointer(16)], 3600),
      record(pointer(16), RR_TYPE.AAAA, [0xfd, 0, ...new Array<number>(13).fill(0), 1], 3600),
    );
    const message = decode(bytes);
    assert.deepEqual(
      message.answers.map((r) => [r.name, r.type, r.ttl, r.data]),
      [
        ['www.example.test', 'CNAME', 60, 'edge.example.test'],
        ['edge.example.test', 'A', 60, '10.0.0.7'],
      ],
    );
    assert.deepEqual(message.authorities.map((r) => [r.name, r.type, r.data]), [['example.test', 'NS', 'ns.example.test']]);
    assert.deepEqual(message.additionals.map((r) => [r.name, r.type, r.data]), [['example.test', 'AAAA', 'fd00::1']]);
    assert.equal(message.truncated, false);
    assert.equal(message.malformed, null);
  });

  it('a root question (priming query)', () => {
    const message = decode(wire(header({ flags: 0x0000, qd: 1 }), 0, u16(RR_TYPE.NS), u16(1)));
    assert.deepEqual(message.questions, [{ name: '.', type: 'NS', typeCode: 2, class: 'IN', classCode: 1, truncated: false }]);
  });

  it('a malformed owner name stops decoding and keeps the records before it', () => {
    const bytes = wire(header({ qd: 1, an: 2 }), labels('a.test'), u16(1), u16(1), record(pointer(12), 1, [1, 2, 3, 4]), record(pointer(12 + 100), 1, [1, 2, 3, 4]));
    const message = decode(bytes);
    assert.equal(message.answers.length, 1);
    assert.equal(message.malformed, 'answers[1] name: forward compression pointer at offset 40');
    assert.equal(message.truncated, false);
  });

  it('a malformed question name says which question', () => {
    const message = decode(wire(header({ qd: 1 }), 0x41, 0));
    assert.deepEqual(message.questions, []);
    assert.equal(message.malformed, 'questions[0] name: extended label type 0x40 at offset 12');
  });
});

describe('EDNS', () => {
  const question = [...labels('example.test'), ...u16(RR_TYPE.A), ...u16(1)];
  const withOpt = (flags: number, additionals: number[][]) =>
    decode(wire(header({ flags, qd: 1, ar: additionals.length }), question, ...additionals));

  it('lifts the OPT record out of the additionals', () => {
    const cookie = [...u16(10), ...u16(8), 1, 2, 3, 4, 5, 6, 7, 8];
    const padding = [...u16(12), ...u16(0)];
    const message = withOpt(0x0120, [opt({ udpSize: 1232, flags: 0x8000, options: [...cookie, ...padding] })]);
    assert.deepEqual(message.edns, {
      udpSize: 1232,
      extendedRcode: 0,
      version: 0,
      dnssecOk: true,
      options: [
        { code: 10, length: 8 },
        { code: 12, length: 0 },
      ],
    });
    assert.deepEqual(message.additionals, []);
    assert.equal(message.counts.additionals, 1);
    assert.equal(message.ad, true);
    assert.equal(message.truncated, false);
  });

  it('keeps other additionals next to it', () => {
    const message = withOpt(0x8180, [record(pointer(12), RR_TYPE.A, [10, 1, 1, 1]), opt({ version: 1 })]);
    assert.equal(message.additionals.length, 1);
    assert.equal(message.edns?.version, 1);
    assert.equal(message.edns?.dnssecOk, false);
  });

  const rcodeRows: { headerRcode: number; extendedRcode: number | null; rcode: string; rcodeCode: number }[] = [
    { headerRcode: 3, extendedRcode: null, rcode: 'NXDOMAIN', rcodeCode: 3 },
    { headerRcode: 3, extendedRcode: 0, rcode: 'NXDOMAIN', rcodeCode: 3 },
    { headerRcode: 0, extendedRcode: 1, rcode: 'BADVERS', rcodeCode: 16 },
    { headerRcode: 7, extendedRcode: 1, rcode: 'BADCOOKIE', rcodeCode: 23 },
    { headerRcode: 2, extendedRcode: 1, rcode: 'BADTIME', rcodeCode: 18 },
    { headerRcode: 15, extendedRcode: 255, rcode: 'RCODE4095', rcodeCode: 4095 },
  ];
  for (const { headerRcode, extendedRcode, rcode, rcodeCode } of rcodeRows) {
    it(`header rcode ${headerRcode} with extended rcode ${extendedRcode} → ${rcode}`, () => {
      const additionals = extendedRcode === null ? [] : [opt({ extendedRcode })];
      const message = withOpt(0x8180 | headerRcode, additionals);
      assert.equal(message.rcode, rcode);
      assert.equal(message.rcodeCode, rcodeCode);
      assert.equal(message.edns?.extendedRcode ?? null, extendedRcode);
    });
  }

  it('a second OPT record is malformed and ignored', () => {
    const message = withOpt(0x8180, [opt({ udpSize: 512 }), opt({ udpSize: 4096 })]);
    assert.equal(message.edns?.udpSize, 512);
    assert.equal(message.malformed, 'additionals[1]: a second OPT record');
    assert.deepEqual(message.additionals, []);
  });

  it('an option overrunning the OPT RDATA is malformed, the options before it are kept', () => {
    const message = withOpt(0x8180, [opt({ options: [...u16(10), ...u16(2), 0, 0, ...u16(8), ...u16(9), 1] })]);
    assert.deepEqual(message.edns?.options, [
      { code: 10, length: 2 },
      { code: 8, length: 9 },
    ]);
    assert.equal(message.malformed, 'additionals[0] (OPT): OPT option 8 overruns the RDATA');
  });

  it('an OPT cut inside its options keeps the options read', () => {
    const bytes = wire(header({ qd: 1, ar: 1 }), question, opt({ options: [...u16(10), ...u16(8), 1, 2, 3, 4, 5, 6, 7, 8, ...u16(12), ...u16(4), 0, 0, 0, 0] }));
    for (let cut = 1; cut <= 16; cut++) {
      const message = decode(bytes.subarray(0, bytes.length - cut));
      assert.equal(message.truncated, true);
      assert.equal(message.malformed, null);
      assert.deepEqual(message.edns?.options[0], { code: 10, length: 8 }, `cut ${cut}`);
    }
  });

  it('an OPT cut in its fixed fields is dropped', () => {
    const bytes = wire(header({ qd: 1, ar: 1 }), question, opt({}));
    const message = decode(bytes.subarray(0, bytes.length - 3));
    assert.equal(message.edns, null);
    assert.deepEqual(message.additionals, []);
    assert.equal(message.truncated, true);
  });
});

/** Every cut of `full` at 0..n bytes, checked against the decoding of the whole. */
function checkEveryCut(full: Uint8Array): void {
  const whole = decode(full);
  assert.equal(whole.truncated, false);
  assert.equal(whole.malformed, null);
  for (let length = 0; length <= full.length; length++) {
    const message = decodeDnsMessage(full.subarray(0, length));
    if (length < 4) {
      assert.equal(message, null);
      continue;
    }
    assert.ok(message !== null);
    const at = `cut at ${length}`;
    assert.equal(message.truncated, length < full.length, at);
    assert.equal(message.malformed, null, at);
    assert.equal(message.id, whole.id, at);
    assert.deepEqual([message.qr, message.opcode, message.aa, message.tc, message.rd, message.ra, message.ad, message.cd], [whole.qr, whole.opcode, whole.aa, whole.tc, whole.rd, whole.ra, whole.ad, whole.cd], at);
    if (length >= 12) assert.deepEqual(message.counts, whole.counts, at);
    if (length > 12) assert.equal(message.questions.length, 1, at);
    for (const section of ['questions', 'answers', 'authorities', 'additionals'] as const) {
      const entries: readonly (DnsQuestion | DnsRecord)[] = message[section];
      entries.forEach((entry, index) => {
        const expected = whole[section][index];
        const where = `${at}: ${section}[${index}]`;
        assert.ok(expected !== undefined, `${where} is extra`);
        if (!entry.truncated) {
          assert.deepEqual(entry, expected, where);
          return;
        }
        assert.ok(expected.name.startsWith(entry.name), `${where} name ${entry.name}`);
        // Fields the cut left out are -1 / ''; the ones read match the whole message.
        const read: Record<string, unknown> = { ...entry };
        const complete: Record<string, unknown> = { ...expected };
        for (const key of ['typeCode', 'classCode', 'ttl']) {
          if (key in read && read[key] !== -1) assert.equal(read[key], complete[key], `${where} ${key}`);
        }
      });
    }
    if (length === full.length) assert.deepEqual(message, whole);
  }
}

describe('every truncation point of real responses', () => {
  it('the A response: never throws, truncated below full length, header and question right once they fit', () => {
    const full = fromStraceEscapes(STRACE_A_RESPONSE);
    checkEveryCut(full);
    const questionEnd = 12 + 18 + 4;
    for (let length = questionEnd; length <= full.length; length++) {
      assert.deepEqual(decode(full.subarray(0, length)).questions, [
        { name: 'www.example.test', type: 'A', typeCode: 1, class: 'IN', classCode: 1, truncated: false },
      ]);
    }
    for (let length = 13; length < questionEnd; length++) {
      assert.equal(decode(full.subarray(0, length)).questions[0]?.truncated, true);
    }
  });

  it("strace's default -s 32 leaves the whole name and the type of this question", () => {
    const message = decode(fromStraceEscapes(STRACE_A_RESPONSE).subarray(0, 32));
    assert.deepEqual(message.questions, [{ name: 'www.example.test', type: 'A', typeCode: 1, class: '', classCode: -1, truncated: true }]);
    assert.deepEqual(message.answers, []);
    assert.equal(message.truncated, true);
  });

  it('a CNAME chain with authority, glue and EDNS', () => {
    checkEveryCut(
      wire(
        header({ id: 0x0a0b, flags: 0x81a0, qd: 1, an: 2, ns: 1, ar: 2 }),
        labels('registry-1.docker.io'),
        u16(RR_TYPE.A),
        u16(1),
        record(pointer(12), RR_TYPE.CNAME, [3, ...Buffer.from('elb'), ...pointer(23)], 60),
        record(pointer(50), RR_TYPE.A, [54, 236, 113, 205], 60),
        record(pointer(30), RR_TYPE.SOA, [...labels('ns1.docker.io'), ...pointer(30), ...u32(1), ...u32(2), ...u32(3), ...u32(4), ...u32(5)], 900),
        record(pointer(30), RR_TYPE.TXT, [5, ...Buffer.from('hello'), 3, ...Buffer.from('a"b')], 900),
        opt({ udpSize: 1232, options: [...u16(10), ...u16(8), 1, 2, 3, 4, 5, 6, 7, 8] }),
      ),
    );
  });

  it('an NXDOMAIN with an SOA in authority', () => {
    const bytes = response('nope.example.test', RR_TYPE.AAAA, [], 0x8183);
    const withAuthority = wire(
      bytes.subarray(0, 8),
      u16(1),
      bytes.subarray(10),
      record(pointer(17), RR_TYPE.SOA, [...labels('ns.example.test'), ...labels('admin.example.test'), ...u32(9), ...u32(10), ...u32(11), ...u32(12), ...u32(13)], 300),
    );
    checkEveryCut(withAuthority);
    const message = decode(withAuthority);
    assert.equal(message.rcode, 'NXDOMAIN');
    assert.equal(message.authorities[0]?.data, 'ns.example.test admin.example.test 9 10 11 12 13');
    assert.equal(message.authorities[0]?.name, 'example.test');
  });

  it('a dig query with EDNS and a cookie, as strace -s 32 would cut it', () => {
    const query = wire(
      header({ id: 0x3f1c, flags: 0x0120, qd: 1, ar: 1 }),
      labels('example.com'),
      u16(RR_TYPE.A),
      u16(1),
      opt({ udpSize: 1232, options: [...u16(10), ...u16(8), 0x5b, 0x61, 0x7f, 0x33, 0x9a, 0x0e, 0x42, 0x11] }),
    );
    checkEveryCut(query);
    const cut = decode(query.subarray(0, 32));
    assert.equal(cut.questions[0]?.name, 'example.com');
    assert.equal(cut.questions[0]?.type, 'A');
    assert.equal(cut.truncated, true);
  });
});
