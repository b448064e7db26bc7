/**
 * A small pcapng reader for tests, written from the format's description (draft-ietf-opsawg-pcapng), not
 * from ns53's writer: it checks what a reader relies on (every block's two length fields agree and are a
 * multiple of 4, blocks end where the file ends, options are well formed) and returns what was written.
 */
export interface ReadPcapng {
  application: string | null;
  linktype: number;
  tsresol: number | null;
  packets: { timeNs: bigint; captured: Uint8Array; originalLength: number; comment: string | null }[];
}

/** Throws with the offset when the file breaks the layout. */
export function readPcapng(input: Uint8Array): ReadPcapng {
  // A plain copy: slices of a Buffer would be Buffers, and tests compare with plain arrays.
  const file = new Uint8Array(input);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const result: ReadPcapng = { application: null, linktype: -1, tsresol: null, packets: [] };
  let offset = 0;
  let first = true;
  while (offset < file.length) {
    if (offset + 12 > file.length) throw new Error(`block at ${offset}: fewer than 12 bytes left`);
    const type = view.getUint32(offset, true);
    const length = view.getUint32(offset + 4, true);
    if (length % 4 !== 0 || length < 12 || offset + length > file.length) throw new Error(`block at ${offset}: bad length ${length}`);
    if (view.getUint32(offset + length - 4, true) !== length) throw new Error(`block at ${offset}: trailing length differs`);
    if (first && type !== 0x0a0d0d0a) throw new Error('the file does not start with a Section Header Block');
    first = false;
    const body = offset + 8;
    const end = offset + length - 4;
    if (type === 0x0a0d0d0a) {
      if (view.getUint32(body, true) !== 0x1a2b3c4d) throw new Error('byte-order magic is not little-endian 0x1A2B3C4D');
      result.application = textOption(readOptions(file, body + 16, end), 4);
    } else if (type === 1) {
      result.linktype = view.getUint16(body, true);
      const tsresol = readOptions(file, body + 8, end).get(9);
      result.tsresol = tsresol ? tsresol[0]! : null;
    } else if (type === 6) {
      const capturedLength = view.getUint32(body + 12, true);
      const dataEnd = body + 20 + ((capturedLength + 3) & ~3);
      if (dataEnd > end) throw new Error(`packet block at ${offset}: captured length ${capturedLength} runs past the block`);
      const timeNs = (BigInt(view.getUint32(body + 4, true)) << 32n) | BigInt(view.getUint32(body + 8, true));
      result.packets.push({
        timeNs,
        captured: file.slice(body + 20, body + 20 + capturedLength),
        originalLength: view.getUint32(body + 16, true),
        comment: textOption(readOptions(file, dataEnd, end), 1),
      });
    }
    offset += length;
  }
  return result;
}

function textOption(options: Map<number, Uint8Array>, code: number): string | null {
  const value = options.get(code);
  return value ? Buffer.from(value).toString('utf8') : null;
}

/** Options from `start` to `end`: each code, length, value padded to 4; opt_endofopt (0) ends them. */
function readOptions(file: Uint8Array, start: number, end: number): Map<number, Uint8Array> {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const options = new Map<number, Uint8Array>();
  let offset = start;
  while (offset < end) {
    if (offset + 4 > end) throw new Error(`option at ${offset}: header runs past the block`);
    const code = view.getUint16(offset, true);
    const length = view.getUint16(offset + 2, true);
    if (code === 0) return options;
    if (offset + 4 + length > end) throw new Error(`option ${code} at ${offset}: value runs past the block`);
    options.set(code, file.slice(offset + 4, offset + 4 + length));
    offset += 4 + ((length + 3) & ~3);
  }
  return options;
}
