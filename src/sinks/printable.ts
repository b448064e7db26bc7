/**
 * Text from a trace (DNS names, excerpts of unreadable lines) shown on a terminal: control characters,
 * escape sequences and bytes outside ASCII become `\xNN`, so untrusted input can neither move the cursor
 * nor change colours, and binary junk stays readable. The ellipsis ns53 itself adds to clipped text stays.
 */
export function printable(text: string): string {
  return text.replace(/[^\x20-\x7e\u2026]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
