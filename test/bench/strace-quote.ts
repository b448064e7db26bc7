// strace's way of printing a buffer without -x (util.c string_quote): printable ASCII 0x20–0x7e as is,
// except `"` and `\`; \t \n \v \f \r by letter; any other byte in octal, in the shortest form unless the
// next printed byte is an octal digit '0'–'7', when all three digits are needed to keep it unambiguous.
// A buffer longer than -s prints its first -s bytes and then `...` after the closing quote.

const DIGIT_0 = 48;
const DIGIT_7 = 55;

/** What each byte prints as when the next byte is not an octal digit. */
const SHORT: string[] = [];
/** What each byte prints as when the next byte is an octal digit (only differs for octal escapes). */
const LONG: string[] = [];

const LETTER_ESCAPES: Readonly<Record<number, string>> = { 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };

for (let c = 0; c < 256; c++) {
  const letter = LETTER_ESCAPES[c];
  if (letter !== undefined) SHORT[c] = LONG[c] = letter;
  else if (c >= 0x20 && c <= 0x7e) SHORT[c] = LONG[c] = String.fromCharCode(c);
  else {
    SHORT[c] = '\\' + c.toString(8);
    LONG[c] = '\\' + c.toString(8).padStart(3, '0');
  }
}

/** The strace -s 4096 string literal (quotes included) for these bytes. */
export function quoteBytes(bytes: ArrayLike<number>, limit = 4096): string {
  const shown = Math.min(bytes.length, limit);
  let out = '"';
  for (let i = 0; i < shown; i++) {
    const c = bytes[i]!;
    const next = i + 1 < shown ? bytes[i + 1]! : -1;
    out += next >= DIGIT_0 && next <= DIGIT_7 ? LONG[c]! : SHORT[c]!;
  }
  out += '"';
  return bytes.length > limit ? out + '...' : out;
}

/** The same for text (HTTP, JSON, log lines), sent as UTF-8 as the programs do. */
export function quoteText(text: string, limit = 4096): string {
  return quoteBytes(Buffer.from(text, 'utf8'), limit);
}

/** How many bytes this text is on the wire (the syscall's length argument and return value). */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
