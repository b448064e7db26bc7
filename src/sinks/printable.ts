/**
 * Characters no view of ns53 shows as themselves, even where Unicode text is shown (the TUI): C0, DEL and
 * C1 controls (ESC starts every terminal escape sequence; 0x9b is a one-byte CSI), format characters
 * (bidi overrides that reorder what follows, zero-width joiners, BOM, soft hyphen), line and paragraph
 * separators, lone surrogates (not encodable: a terminal would get U+FFFD), private-use and unassigned code
 * points (their width on a terminal is anyone's guess). Unicode's own classes, so the list cannot drift.
 */
export const UNSHOWABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;

/** How one character that must not reach the terminal is shown: `\xNN` up to U+00FF, else `\u{N}`. */
export function formatCharEscape(char: string): string {
  const codePoint = char.codePointAt(0)!;
  const hex = codePoint.toString(16);
  return codePoint <= 0xff ? `\\x${hex.padStart(2, '0')}` : `\\u{${hex}}`;
}

/**
 * Text from a trace (DNS names, excerpts of unreadable lines) shown on a terminal: control characters,
 * escape sequences and everything outside ASCII are escaped by formatCharEscape, so untrusted input can
 * neither move the cursor nor change colours, and binary junk stays readable. The ellipsis ns53 itself
 * adds to clipped text stays.
 */
export function printable(text: string): string {
  return text.replace(/[^\x20-\x7e\u2026]/gu, formatCharEscape);
}

const UNSHOWABLE_ALL = new RegExp(UNSHOWABLE.source, 'gu');

/**
 * Text ns53 wrote itself, with pieces of a trace in it, for a view that shows Unicode (the TUI): only what
 * no view shows (UNSHOWABLE) is escaped; arrows, dashes and names in any script stay as they are.
 */
export function showable(text: string): string {
  return text.replace(UNSHOWABLE_ALL, formatCharEscape);
}
