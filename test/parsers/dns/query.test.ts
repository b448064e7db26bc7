import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';

import dnsPacket from 'dns-packet';
import fc from 'fast-check';

import { buildDnsQuery, checkDnsQuerySpec, decodeDnsMessage, RR_TYPE } from '../../../parsers/dns/index.js';

describe('buildDnsQuery', () => {
  it('writes the query a stub resolver sends, as dns-packet reads it', () => {
    const bytes = buildDnsQuery({ id: 0xbeef, name: 'www.example.test', type: 'AAAA' });
    const decoded = dnsPacket.decode(Buffer.from(bytes));
    assert.equal(decoded.id, 0xbeef);
    assert.equal(decoded.type, 'query');
    assert.equal(decoded.flags, dnsPacket.RECURSION_DESIRED);
    assert.deepEqual(decoded.questions, [{ name: 'www.example.test', type: 'AAAA', class: 'IN' }]);
    assert.equal(bytes.length, 12 + 18 + 4);
  });

  it('takes a trailing dot, any case of the type, and TYPE<n>', () => {
    assert.deepEqual(buildDnsQuery({ id: 1, name: 'example.com.', type: 'mx' }), buildDnsQuery({ id: 1, name: 'example.com', type: 'MX' }));
    assert.equal(decodeDnsMessage(buildDnsQuery({ id: 1, name: 'x.test', type: 'TYPE65280' }))?.questions[0]?.typeCode, 65280);
  });

  for (const [name, type, problem] of [
    ['', 'A', /empty/],
    ['a..b', 'A', /empty label/],
    [`${'a'.repeat(64)}.test`, 'A', /longer than 63/],
    [Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.'), 'A', /longer than 255/],
    ['example.com', 'BOGUS', /unknown query type 'BOGUS'/],
    ['example.com', 'TYPE70000', /unknown query type/],
  ] as const) {
    it(`refuses ${JSON.stringify(name.length > 20 ? `${name.slice(0, 20)}…` : name)} ${type} in words`, () => {
      assert.match(checkDnsQuerySpec({ name, type }) ?? '', problem);
      assert.throws(() => buildDnsQuery({ id: 1, name, type }), RangeError);
    });
  }

  it('round-trips through ns53’s own decoder for any valid name and known type', () => {
    const label = fc.stringMatching(/^[a-z0-9-]{1,20}$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 6 }), fc.constantFrom(...Object.keys(RR_TYPE)), fc.integer({ min: 0, max: 0xffff }), (labels, type, id) => {
        const name = labels.join('.');
        const message = decodeDnsMessage(buildDnsQuery({ id, name, type }));
        assert.ok(message);
        assert.equal(message.id, id);
        assert.equal(message.rd, true);
        assert.equal(message.qr, false);
        assert.equal(message.questions[0]?.name, name);
        assert.equal(message.questions[0]?.typeCode, RR_TYPE[type as keyof typeof RR_TYPE]);
        assert.equal(message.malformed, null);
      }),
    );
  });
});
