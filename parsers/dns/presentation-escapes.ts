// Byte → text tables for the presentation format (RFC 1035 §5.1), built once so the decoders
// render a byte with one array lookup instead of branching on it.

function decimalEscape(byte: number): string {
  return '\\' + String(byte).padStart(3, '0');
}

function buildTable(render: (byte: number) => string): readonly string[] {
  return Array.from({ length: 256 }, (_, byte) => render(byte));
}

/**
 * One byte of a label. `.` and `\` are backslash-escaped so labels containing them stay
 * unambiguous; anything outside 0x21–0x7e (space included) becomes `\DDD`, as dig prints it.
 */
export const LABEL_BYTE_TEXT: readonly string[] = buildTable((byte) => {
  if (byte === 0x2e || byte === 0x5c) return '\\' + String.fromCharCode(byte);
  if (byte < 0x21 || byte > 0x7e) return decimalEscape(byte);
  return String.fromCharCode(byte);
});

/**
 * One byte of a <character-string> shown inside double quotes (TXT, HINFO, CAA value): space is
 * literal there, `"` and `\` are backslash-escaped, other non-printables become `\DDD`, as dig does.
 */
export const QUOTED_BYTE_TEXT: readonly string[] = buildTable((byte) => {
  if (byte === 0x22 || byte === 0x5c) return '\\' + String.fromCharCode(byte);
  if (byte < 0x20 || byte > 0x7e) return decimalEscape(byte);
  return String.fromCharCode(byte);
});

/** Upper-case two-digit hex of a byte, for RFC 3597's generic `\# <len> <hex>` form. */
export const HEX_BYTE_TEXT: readonly string[] = buildTable((byte) =>
  byte.toString(16).toUpperCase().padStart(2, '0'),
);

/** Decimal text of a byte, for dotted IPv4 addresses. */
export const DECIMAL_BYTE_TEXT: readonly string[] = buildTable((byte) => String(byte));
