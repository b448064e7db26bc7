// Text forms of the addresses carried by A and AAAA records.

import { DECIMAL_BYTE_TEXT } from './presentation-escapes.js';

/** Dotted-quad form of the 4 bytes at `offset` (the caller checks they exist). */
export function formatIpv4(bytes: Uint8Array, offset: number): string {
  return (
    DECIMAL_BYTE_TEXT[bytes[offset]!]! +
    '.' +
    DECIMAL_BYTE_TEXT[bytes[offset + 1]!]! +
    '.' +
    DECIMAL_BYTE_TEXT[bytes[offset + 2]!]! +
    '.' +
    DECIMAL_BYTE_TEXT[bytes[offset + 3]!]!
  );
}

/**
 * RFC 5952 form of the 16 bytes at `offset` (the caller checks they exist): lower-case hex without
 * leading zeros, the longest run of two or more zero groups (the first on a tie) as `::`, and
 * IPv4-mapped addresses as `::ffff:a.b.c.d` (§5), which is also what dig prints.
 */
export function formatIpv6(bytes: Uint8Array, offset: number): string {
  const groups = new Array<number>(8);
  for (let i = 0; i < 8; i++) {
    groups[i] = (bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!;
  }
  if (isIpv4Mapped(groups)) return '::ffff:' + formatIpv4(bytes, offset + 12);

  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }

  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      text += '::';
      i += bestLength - 1;
      continue;
    }
    if (i > 0 && i !== bestStart + bestLength) text += ':';
    text += groups[i]!.toString(16);
  }
  return text;
}

function isIpv4Mapped(groups: readonly number[]): boolean {
  return (
    groups[0] === 0 &&
    groups[1] === 0 &&
    groups[2] === 0 &&
    groups[3] === 0 &&
    groups[4] === 0 &&
    groups[5] === 0xffff
  );
}
