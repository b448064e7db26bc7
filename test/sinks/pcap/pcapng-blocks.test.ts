import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LINKTYPE_RAW, buildEnhancedPacketBlock, buildInterfaceDescriptionBlock, buildSectionHeaderBlock } from '../../../src/sinks/pcap/pcapng-blocks.js';
import { readPcapng } from '../../support/pcapng-reader.js';

function file(...blocks: Uint8Array[]): Uint8Array {
  return Buffer.concat(blocks);
}

test('a section header, one raw-IP interface with nanosecond stamps, then packets with comments', () => {
  const packet = Uint8Array.from({ length: 45 }, (_, i) => i);
  const bytes = file(
    buildSectionHeaderBlock('ns53 9.9.9'),
    buildInterfaceDescriptionBlock('test'),
    buildEnhancedPacketBlock({ timeNs: 1_795_508_774_738_829_000n, bytes: packet, capturedLength: 45, comment: 'session 1 → ünïcode' }),
    buildEnhancedPacketBlock({ timeNs: 5n, bytes: packet, capturedLength: 30, comment: '' }),
  );
  const read = readPcapng(bytes);
  assert.equal(read.application, 'ns53 9.9.9');
  assert.equal(read.linktype, LINKTYPE_RAW);
  assert.equal(LINKTYPE_RAW, 101);
  assert.equal(read.tsresol, 9);
  assert.equal(read.packets.length, 2);
  const [first, second] = read.packets;
  assert.equal(first!.timeNs, 1_795_508_774_738_829_000n);
  assert.deepEqual(first!.captured, packet);
  assert.equal(first!.originalLength, 45);
  assert.equal(first!.comment, 'session 1 → ünïcode');
  // A short capture writes only the bytes seen; the original length stays the packet's.
  assert.deepEqual(second!.captured, packet.subarray(0, 30));
  assert.equal(second!.originalLength, 45);
  assert.equal(second!.comment, null);
});

test('every block is a multiple of 4 bytes long, whatever the packet and comment lengths', () => {
  for (let length = 0; length < 9; length++) {
    for (let comment = 0; comment < 6; comment++) {
      const block = buildEnhancedPacketBlock({ timeNs: 1n, bytes: new Uint8Array(length), capturedLength: length, comment: 'x'.repeat(comment) });
      assert.equal(block.length % 4, 0);
      assert.equal(readPcapng(file(buildSectionHeaderBlock('a'), buildInterfaceDescriptionBlock('b'), block)).packets[0]!.comment, comment === 0 ? null : 'x'.repeat(comment));
    }
  }
});
