// Domain names on the wire (RFC 1035 §3.1, §4.1.4): length-prefixed labels ending in a zero octet,
// or in a compression pointer to an earlier name.

import { LABEL_BYTE_TEXT } from './presentation-escapes.js';

/** RFC 1035 §2.3.4: label octets plus length octets, the terminating zero included. */
const MAX_NAME_WIRE_LENGTH = 255;

/**
 * A legitimate name has at most 127 labels, so it never needs more pointers than that; the cap
 * bounds the work on hostile input even though backwards-only pointers already rule out loops.
 */
const MAX_POINTER_JUMPS = 128;

/** What decodeDnsName read. */
export interface DecodedName {
  /** Presentation form: `.` for the root, otherwise without the trailing dot; '' if nothing was read. */
  name: string;
  /** Offset just past the name's own bytes (after its first pointer, if any): where the next field starts. */
  end: number;
  /** The buffer ended inside the name; `name` holds what was read, including a partial last label. */
  truncated: boolean;
  /** Why the bytes cannot be a name (bad pointer, reserved label type, too long); else null. */
  malformed: string | null;
}

/**
 * Decodes the name at `offset`, following compression pointers. A pointer must point before the
 * start of the run of labels it ends (which excludes self, mutual and forward pointers), so the
 * walk always terminates. `limit` is where the name's own bytes must end (the end of its RDATA);
 * running past it is malformed, whereas running past the end of `bytes` means the buffer was cut.
 */
export function decodeDnsName(
  bytes: Uint8Array,
  offset: number,
  limit: number = Number.POSITIVE_INFINITY,
): DecodedName {
  const overrunIsTruncation = limit > bytes.length;
  let bound = Math.min(limit, bytes.length);
  let position = offset;
  let runStart = offset;
  let end = -1;
  let jumps = 0;
  let wireLength = 1;
  let name = '';

  for (;;) {
    if (position >= bound) {
      return overrun(name, bound, overrunIsTruncation || end >= 0);
    }
    const lengthOctet = bytes[position]!;

    if (lengthOctet === 0) {
      return {
        name: name === '' ? '.' : name,
        end: end >= 0 ? end : position + 1,
        truncated: false,
        malformed: null,
      };
    }

    const labelType = lengthOctet & 0xc0;
    if (labelType === 0xc0) {
      if (position + 1 >= bound) {
        return overrun(name, bound, overrunIsTruncation || end >= 0);
      }
      const target = ((lengthOctet & 0x3f) << 8) | bytes[position + 1]!;
      if (end < 0) end = position + 2;
      if (target > position) {
        return malformedName(name, end, `forward compression pointer at offset ${position}`);
      }
      if (target >= runStart) {
        return malformedName(name, end, `compression loop at offset ${position}`);
      }
      if (++jumps > MAX_POINTER_JUMPS) {
        return malformedName(name, end, `more than ${MAX_POINTER_JUMPS} compression pointers`);
      }
      // Earlier bytes are whole wherever the buffer was cut, so only the buffer bounds them now.
      position = target;
      runStart = target;
      bound = bytes.length;
      continue;
    }
    if (labelType !== 0) {
      const reason = labelType === 0x40 ? 'extended label type 0x40' : 'reserved label type 0x80';
      return malformedName(name, end >= 0 ? end : position, `${reason} at offset ${position}`);
    }

    wireLength += lengthOctet + 1;
    if (wireLength > MAX_NAME_WIRE_LENGTH) {
      return malformedName(name, end >= 0 ? end : position, `name longer than ${MAX_NAME_WIRE_LENGTH} octets`);
    }
    const labelStart = position + 1;
    const labelEnd = labelStart + lengthOctet;
    const readableEnd = labelEnd < bound ? labelEnd : bound;
    if (name !== '' && readableEnd > labelStart) name += '.';
    for (let i = labelStart; i < readableEnd; i++) {
      name += LABEL_BYTE_TEXT[bytes[i]!]!;
    }
    position = labelEnd;
  }
}

function overrun(name: string, bound: number, truncated: boolean): DecodedName {
  if (truncated) return { name, end: bound, truncated: true, malformed: null };
  return malformedName(name, bound, 'name runs past the end of its record data');
}

function malformedName(name: string, end: number, reason: string): DecodedName {
  return { name, end, truncated: false, malformed: reason };
}
