/** Bytes of a strace string argument, and whether strace cut it short (`"…"...` from `-s N`). */
export interface DecodedString {
  bytes: Uint8Array;
  /** strace printed `...` after the closing quote: the buffer held more than it showed. */
  truncated: boolean;
}

const QUOTE = 34;
const BACKSLASH = 92;

/** Single-character C escapes strace uses (`string_quote` in strace's util.c); JS rules do not apply. */
const SIMPLE_ESCAPES: Record<number, number> = {
  0x22: 0x22, // \"
  0x5c: 0x5c, // \\
  0x74: 0x09, // \t
  0x6e: 0x0a, // \n
  0x76: 0x0b, // \v
  0x66: 0x0c, // \f
  0x72: 0x0d, // \r
  0x61: 0x07, // \a (not printed by strace, but harmless to accept)
  0x62: 0x08, // \b
  0x65: 0x1b, // \e
};

function octalDigit(code: number): number {
  return code >= 48 && code <= 55 ? code - 48 : -1;
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/**
 * Decodes a strace-quoted string starting at `start` (its opening quote; an abstract-socket `@` before it is
 * skipped) into bytes: octal `\NNN` (shortest form), hex `\xNN` (-x/-xx), and the C single-letter escapes.
 * Returns null when `start` does not hold a quoted string. Never throws; an unterminated string yields
 * what was read, marked truncated.
 */
export function decodeCString(text: string, start = 0): DecodedString | null {
  let i = start;
  if (text.charCodeAt(i) === 64 /* @ */) i++;
  if (text.charCodeAt(i) !== QUOTE) return null;
  i++;
  const out = new Uint8Array(text.length - i);
  let n = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      return { bytes: out.subarray(0, n), truncated: text.startsWith('...', i + 1) };
    }
    if (c !== BACKSLASH) {
      out[n++] = c & 0xff;
      i++;
      continue;
    }
    const e = text.charCodeAt(i + 1);
    if (e === 0x78 /* x */) {
      const hi = hexDigit(text.charCodeAt(i + 2));
      const lo = hexDigit(text.charCodeAt(i + 3));
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo;
        i += 4;
        continue;
      }
    }
    const d0 = octalDigit(e);
    if (d0 >= 0) {
      let value = d0;
      let j = i + 2;
      for (let k = 0; k < 2; k++) {
        const d = octalDigit(text.charCodeAt(j));
        if (d < 0) break;
        value = value * 8 + d;
        j++;
      }
      out[n++] = value & 0xff;
      i = j;
      continue;
    }
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out[n++] = simple;
      i += 2;
      continue;
    }
    // An escape strace does not print: keep the character after the backslash.
    if (i + 1 < text.length) out[n++] = e & 0xff;
    i += 2;
  }
  return { bytes: out.subarray(0, n), truncated: true };
}

/** Decodes a quoted string into a latin1 JS string (paths, addresses in `inet_addr("…")`). */
export function decodeCStringText(text: string, start = 0): string | null {
  const decoded = decodeCString(text, start);
  if (!decoded) return null;
  let s = '';
  for (const byte of decoded.bytes) s += String.fromCharCode(byte);
  return s;
}
