import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { decodeDnsMessage, decodeDnsTcpMessage, splitDnsTcpStream } from '../../../parsers/dns/index.js';
import { header, labels, response, u16, wire } from './wire-builder.js';

const answer = response('a.test', 1, []);
const framed = wire(u16(answer.length), answer);

describe('decodeDnsTcpMessage', () => {
  it('strips the length prefix', () => {
    assert.deepEqual(decodeDnsTcpMessage(framed), decodeDnsMessage(answer));
  });
  it('is truncated when the buffer holds less than announced, even at a section boundary', () => {
    const cut = decodeDnsTcpMessage(wire(u16(answer.length + 10), answer));
    assert.equal(cut?.truncated, true);
    assert.equal(cut?.questions[0]?.name, 'a.test');
    assert.equal(decodeDnsTcpMessage(framed.subarray(0, 20))?.truncated, true);
  });
  it('ignores bytes past the announced length', () => {
    const message = decodeDnsTcpMessage(wire(framed, 0xff, 0xff, 0xff));
    assert.deepEqual(message, decodeDnsMessage(answer));
  });
  it('returns null without the prefix, id and flags', () => {
    for (let length = 0; length < 6; length++) assert.equal(decodeDnsTcpMessage(framed.subarray(0, length)), null);
    assert.notEqual(decodeDnsTcpMessage(framed.subarray(0, 6)), null);
  });
});

describe('splitDnsTcpStream', () => {
  const query = wire(header({ flags: 0x0100, qd: 1 }), labels('b.test'), u16(28), u16(1));
  const rows: { title: string; stream: Uint8Array; messages: Uint8Array[]; rest: Uint8Array }[] = [
    { title: 'empty', stream: wire(), messages: [], rest: wire() },
    { title: 'one byte of a prefix', stream: wire(0), messages: [], rest: wire(0) },
    { title: 'one message', stream: framed, messages: [answer], rest: wire() },
    { title: 'two messages', stream: wire(framed, u16(query.length), query), messages: [answer, query], rest: wire() },
    { title: 'one and a half', stream: wire(framed, u16(query.length), query.subarray(0, 5)), messages: [answer], rest: wire(u16(query.length), query.subarray(0, 5)) },
    { title: 'a zero-length frame', stream: wire(0, 0, framed), messages: [wire(), answer], rest: wire() },
  ];
  for (const { title, stream, messages, rest } of rows) {
    it(title, () => {
      const split = splitDnsTcpStream(stream);
      assert.deepEqual(split.messages.map((m) => Array.from(m)), messages.map((m) => Array.from(m)));
      assert.deepEqual(Array.from(split.rest), Array.from(rest));
    });
  }

  it('reassembles the same messages whatever the read boundaries', () => {
    const frames = fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 });
    fc.assert(
      fc.property(frames, fc.array(fc.nat({ max: 50 }), { maxLength: 10 }), (payloads, cuts) => {
        const stream = wire(...payloads.map((payload) => wire(u16(payload.length), payload)));
        const received: number[][] = [];
        let carried = wire();
        let offset = 0;
        for (const size of [...cuts, stream.length]) {
          const chunk = stream.subarray(offset, Math.min(stream.length, offset + size));
          offset += chunk.length;
          const split = splitDnsTcpStream(wire(carried, chunk));
          received.push(...split.messages.map((message) => Array.from(message)));
          carried = wire(split.rest);
        }
        assert.deepEqual(received, payloads.map((payload) => Array.from(payload)));
        assert.equal(carried.length, 0);
      }),
    );
  });
});
